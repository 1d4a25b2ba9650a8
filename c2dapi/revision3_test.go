package c2dapi

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// Answers as the live API gives them (c2d-api.md, revision 3), and
// webhooks.

func TestLiveKindsAndTheirOlderForms(t *testing.T) {
	for _, tc := range []struct{ name, message, operator, client, groups string }{
		{"live", `{"id":7,"dialog_id":2,"client_id":3,"read":1,"is_new":0}`, `{"id":4,"online":1,"external_id":null}`,
			`{"id":3,"external_id":12345}`, `{"status":"success","data":[{"id":1,"name":"Офис","operator_ids":[4]}]}`},
		{"older", `{"id":7,"dialog_id":2,"client_id":3,"read":true,"is_new":false}`, `{"id":4,"online":true,"external_id":""}`,
			`{"id":3,"external_id":"12345"}`, `[{"id":1,"name":"Офис","operator_ids":[4]}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			handle(t, mux, "/v1/messages", nil, 200, `{"status":"success","data":[`+tc.message+`]}`)
			handle(t, mux, "/v1/operators", nil, 200, `{"status":"success","data":[`+tc.operator+`]}`)
			handle(t, mux, "/v1/clients/3", nil, 200, `{"status":"success","data":`+tc.client+`}`)
			handle(t, mux, "/v1/operators_groups", nil, 200, tc.groups)
			msgs, err := c.Messages.List(ctx, MessageListOptions{})
			if err != nil || len(msgs.Items) != 1 || !bool(msgs.Items[0].Read) || len(msgs.Lost) > 0 {
				t.Fatalf("messages %+v %v", msgs, err)
			}
			ops, err := c.Operators.List(ctx, ListOptions{})
			if err != nil || len(ops.Items) != 1 || !bool(ops.Items[0].Online) || ops.Items[0].ExternalID != "" {
				t.Fatalf("operators %+v %v", ops, err)
			}
			cl, err := c.Clients.Get(ctx, 3)
			if err != nil || cl.ExternalID != "12345" {
				t.Fatalf("client %+v %v", cl, err)
			}
			groups, err := c.OperatorGroups.List(ctx, ListOptions{})
			if err != nil || len(groups.Items) != 1 || groups.Items[0].OperatorIDs[0] != 4 {
				t.Fatalf("groups %+v %v", groups, err)
			}
		})
	}
}

func TestBareListsOfRequestsAndStatuses(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/requests/70001/messages", nil, 200,
		`[{"id":9,"text":"Здравствуйте","type":"in","created":1765000000,"clientID":3,"operatorID":0,"dialogID":2}]`)
	handle(t, mux, "/v1/operators/statuses", nil, 200, `[{"id":2,"name":{"ru":"Перерыв","en":"Break"}}]`)
	msgs, err := c.Requests.Messages(ctx, 70001)
	if err != nil || len(msgs) != 1 || msgs[0].ClientID != 3 || msgs[0].Created.Unix() != 1765000000 || msgs[0].Type != "in" {
		t.Fatalf("request messages %+v %v", msgs, err)
	}
	statuses, err := c.Operators.Statuses(ctx)
	if err != nil || len(statuses) != 1 || statuses[0].Name["ru"] != "Перерыв" {
		t.Fatalf("statuses %+v %v", statuses, err)
	}
}

func TestWebhookRegistration(t *testing.T) {
	c, mux := setup(t)
	var created WebhookSpec
	mux.HandleFunc("/v1/webhooks", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			json.NewDecoder(r.Body).Decode(&created)
			w.Write([]byte(`{"status":"success","data":{"id":"301","url":"https://c2.example.ru/hook/x","events":["inbox"],"status":"enable"}}`))
		case http.MethodGet:
			w.Write([]byte(`{"status":"success","data":[{"id":301,"url":"https://c2.example.ru/hook/x","events":["inbox"],"status":"disable"}]}`))
		}
	})
	mux.HandleFunc("/v1/webhooks/301", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut && r.Method != http.MethodDelete {
			t.Errorf("method %s", r.Method)
		}
		w.Write([]byte(`{"status":"success"}`))
	})
	h, err := c.Webhooks.Create(ctx, WebhookSpec{URL: "https://c2.example.ru/hook/x", Name: "C2Desk", Events: WebhookEvents})
	if err != nil || h.ID != 301 || !h.Enabled() || created.Name != "C2Desk" || len(created.Events) != len(WebhookEvents) {
		t.Fatalf("create %+v %v (sent %+v)", h, err, created)
	}
	list, err := c.Webhooks.List(ctx)
	if err != nil || len(list) != 1 || list[0].Enabled() {
		t.Fatalf("a switched-off webhook reads as on: %+v %v", list, err)
	}
	if err := c.Webhooks.Update(ctx, 301, WebhookSpec{URL: "https://c2.example.ru/hook/y", Status: WebhookEnabled}); err != nil {
		t.Fatal(err)
	}
	if err := c.Webhooks.Delete(ctx, 301); err != nil {
		t.Fatal(err)
	}
}

func TestEventsAsDelivered(t *testing.T) {
	for _, tc := range []struct {
		body, kind, key string
		message         bool
	}{
		{`{"hook_type":"inbox","message_id":881,"text":"Добрый день","client_id":5,"dialog_id":9,"channel_id":2,"transport":"telegram","event_time":"2026-12-07T09:14:03.123456Z","photo":{"url":"https://s3.chat2desk.com/p.jpg"}}`,
			"inbox", "inbox:881", true},
		{`{"hook_type":"dialog_transferred","dialog_id":9,"operator_id":"12","request_id":70003,"event_time":"2026-12-07T09:15:00.000001Z"}`,
			"dialog_transferred", "dialog_transferred:70003:1796634900000001", false},
		{`{"hook_type":"operator_status_updated","id":"12","online":1,"offline_type":null,"status_id":2,"event_time":"2026-12-07T09:16:00.5Z"}`,
			"operator_status_updated", "operator_status_updated:12:1796634960500000", false},
	} {
		e, err := DecodeEvent([]byte(tc.body))
		if err != nil || e.Kind() != tc.kind || e.Key() != tc.key || e.MessageEvent() != tc.message {
			t.Fatalf("%s: %+v %v key %s", tc.kind, e, err, e.Key())
		}
		if tc.message {
			m := e.Message()
			if m.Type != TypeFromClient || m.Photo != "https://s3.chat2desk.com/p.jpg" || !m.Created.Equal(time.Date(2026, 12, 7, 9, 14, 3, 123456000, time.UTC)) {
				t.Fatalf("message %+v", m)
			}
		}
	}
	for _, bad := range []string{`[]`, `"inbox"`, `{"text":"no kind"}`, `not json`} {
		if _, err := DecodeEvent([]byte(bad)); err == nil {
			t.Fatalf("%s read as an event", bad)
		}
	}
	// A field of another kind loses itself, not the event.
	if e, err := DecodeEvent([]byte(`{"hook_type":"inbox","message_id":{"x":1},"text":"hi"}`)); err != nil || e.MessageID != 0 || e.Text != "hi" {
		t.Fatalf("%+v %v", e, err)
	}
}

func TestSignatureBothKeyForms(t *testing.T) {
	body, stamp, tok := []byte(`{"hook_type":"inbox","message_id":1}`), "1796634900", "tok-5f3a9c0e1b7d4e2a8c6f"
	sum := md5.Sum([]byte(tok))
	for _, key := range [][]byte{[]byte(hex.EncodeToString(sum[:])), sum[:]} {
		sig := hex.EncodeToString(Sign(body, stamp, key))
		if !SignatureValid(body, stamp, sig, tok) {
			t.Fatalf("key %x: signature refused", key)
		}
		if SignatureValid(append(body, ' '), stamp, sig, tok) || SignatureValid(body, "1796634901", sig, tok) || SignatureValid(body, stamp, sig[:10], tok) {
			t.Fatal("a changed body, time or a cut signature verified")
		}
	}
}
