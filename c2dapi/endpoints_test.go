package c2dapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

var ctx = context.Background()

func wantMethod(t *testing.T, r *http.Request, m string) {
	t.Helper()
	if r.Method != m {
		t.Errorf("%s %s: method %s, want %s", r.Method, r.URL.Path, r.Method, m)
	}
}

func wantQuery(t *testing.T, r *http.Request, want map[string]string) {
	t.Helper()
	q := r.URL.Query()
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s: query %s = %q, want %q (all: %s)", r.URL.Path, k, q.Get(k), v, r.URL.RawQuery)
		}
	}
}

func TestInfoGet(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/companies/api_info", func(r *http.Request) { wantMethod(t, r, "GET") }, 200,
		`{"status":"success","data":{"mode":"full","hook":null,"current_version":"1.0","requests_this_month":"1234","channels":3,"company_name":"Агентство «Ключ»"}}`)
	info, err := c.Info.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.CompanyName != "Агентство «Ключ»" || info.RequestsThisMonth != 1234 || info.Channels != 3 || info.Mode != "full" {
		t.Fatalf("got %+v", info)
	}
}

func TestInfoFallsBackToOldPath(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/companies/api_info", nil, 404, `{"status":"error","message":"Page not found"}`)
	handle(t, mux, "/v1/api_info", nil, 200, `{"status":"success","data":{"company_name":"Old Co","requests_this_month":5}}`)
	info, err := c.Info.Get(ctx)
	if err != nil || info.CompanyName != "Old Co" {
		t.Fatalf("%+v %v", info, err)
	}
}

func TestChannelsList(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/channels", func(r *http.Request) {
		wantMethod(t, r, "GET")
		wantQuery(t, r, map[string]string{"phone": "73222233223", "offset": "20", "limit": "10"})
	}, 200, `{"status":"success","data":[
		{"id":101,"name":"Новостройки","phone":"73222233223","transports":["telegram","whatsapp","viber_public"]},
		{"id":"102","name":"Rent","phone":null,"transports":"vk"}],
		"meta":{"total":"2","limit":10,"offset":20}}`)
	page, err := c.Channels.List(ctx, ChannelListOptions{Phone: "73222233223", ListOptions: ListOptions{Offset: 20, Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].Name != "Новостройки" || len(page.Items[0].Transports) != 3 ||
		page.Items[1].ID != 102 || page.Items[1].Transports[0] != "vk" || page.Meta.Total != 2 {
		t.Fatalf("got %+v", page)
	}
}

func TestOperatorsList(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/operators", func(r *http.Request) { wantMethod(t, r, "GET") }, 200, `{"status":"success","data":[
		{"id":7,"email":"anna@agency.ru","phone":"79001112233","first_name":"Анна","last_name":"Петрова","role":"admin","online":1,"offline_type":null,"last_visit":"05.06.2019 08:30:05","opened_dialogs":"4","status_id":2,"external_id":null,"new_field":true},
		{"id":"8","email":"old@agency.ru","role":"disabled","online":"0","last_visit":"2019-06-05T08:30:05 UTC"}],
		"meta":{"total":2,"limit":20,"offset":0}}`)
	page, err := c.Operators.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := page.Items[0], page.Items[1]
	if a.FirstName != "Анна" || !bool(a.Online) || a.OpenedDialogs != 4 || a.LastVisit.Hour() != 8 || b.Role() != RoleDisabled || bool(b.Online) {
		t.Fatalf("got %+v", page.Items)
	}
}

func TestClientsEndpoints(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/clients", func(r *http.Request) {
		switch r.Method {
		case "GET":
			wantQuery(t, r, map[string]string{"phone": "79050000000", "tags": "1,2"})
		case "POST":
			body := decodeBody(t, r)
			if body["phone"] != "79050000000" || body["transport"] != "whatsapp" || body["channel_id"] != float64(101) || body["nickname"] != "Иван" {
				t.Errorf("create body %v", body)
			}
		}
	}, 200, `{"status":"success","data":[{"id":555,"name":"Иван","phone":"+7 905 000-00-00","assigned_name":"Иван Покупатель","custom_fields":{"1":"x"},"tags":[{"id":1,"label":"VIP"}]}]}`)
	page, err := c.Clients.List(ctx, ClientListOptions{Phone: "79050000000", Tags: "1,2"})
	if err != nil || page.Items[0].ID != 555 || page.Items[0].AssignedName != "Иван Покупатель" {
		t.Fatalf("%+v %v", page, err)
	}
	created, err := c.Clients.Create(ctx, NewCustomer{Phone: "79050000000", Transport: "whatsapp", ChannelID: 101, Nickname: "Иван"})
	if err != nil || created.ID != 555 {
		t.Fatalf("%+v %v", created, err)
	}

	handle(t, mux, "/v1/clients/555", func(r *http.Request) {
		if r.Method == "PUT" {
			if b := decodeBody(t, r); b["comment"] != "звонить после 18" {
				t.Errorf("update body %v", b)
			}
		}
	}, 200, `{"status":"success","data":{"id":"555","name":"Иван","comment":"звонить после 18"}}`)
	got, err := c.Clients.Get(ctx, 555)
	if err != nil || got.Name != "Иван" {
		t.Fatalf("%+v %v", got, err)
	}
	if err := c.Clients.Update(ctx, 555, ClientUpdate{Comment: "звонить после 18"}); err != nil {
		t.Fatal(err)
	}

	handle(t, mux, "/v1/clients/555/transport", nil, 200, `{"status":"success","data":[{"channel_id":101,"transports":["whatsapp","telegram"]}]}`)
	tr, err := c.Clients.Transports(ctx, 555)
	if err != nil || len(tr) != 1 || tr[0].ChannelID != 101 || len(tr[0].Transports) != 2 {
		t.Fatalf("%+v %v", tr, err)
	}
	handle(t, mux, "/v1/clients/555/dialogs", func(r *http.Request) {
		wantQuery(t, r, map[string]string{"limit": "200"})
	}, 200, `{"status":"success","data":[{"id":9001,"state":"open","begin":"2024-01-10T09:00:00 UTC","end":null,"operator_id":7,"messages":12}]}`)
	dl, err := c.Clients.Dialogs(ctx, 555, ListOptions{Limit: 500})
	if err != nil || dl.Items[0].ID != 9001 || dl.Items[0].State != DialogOpen || !dl.Items[0].End.IsZero() {
		t.Fatalf("%+v %v", dl, err)
	}
}

func TestCreateClientWriteFirstForbidden(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/clients", nil, 400, `{"status":"error","message":"Write first option is disabled","errors":{"phone":["write first is not allowed"]}}`)
	_, err := c.Clients.Create(ctx, NewCustomer{Phone: "79050000000", Transport: "whatsapp", ChannelID: 1})
	if !isType[*ValidationError](err) {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestMessagesList(t *testing.T) {
	c, mux := setup(t)
	read := false
	handle(t, mux, "/v1/messages", func(r *http.Request) {
		wantQuery(t, r, map[string]string{
			"transport": "telegram", "channel_id": "101", "client_id": "555", "dialog_id": "9001", "operator_id": "7",
			"type": "from_client", "read": "0", "start_date": "01-01-2024", "finish_date": "01-02-2024",
			"order": "desc", "limit": "50", "offset": "100",
		})
	}, 200, `{"status":"success","data":[
		{"id":1,"text":"Здравствуйте! Квартира ещё продаётся?","type":"from_client","transport":"telegram","read":0,"created":"2024-01-10T09:00:00 UTC","client_id":555,"dialog_id":9001,"channel_id":101,"operator_id":null,"attachments":[{"name":"plan.pdf","link":"https://files.example/plan.pdf"}],"extra_data":{}},
		{"id":2,"text":"broken","created":"not a date"},
		{"id":3,"text":"Да","type":"to_client","read":"1","created":"10.01.2024 9:05:00","operator_id":"7"}],"meta":{"total":3}}`)
	page, err := c.Messages.List(ctx, MessageListOptions{
		Transport: "telegram", ChannelID: 101, ClientID: 555, DialogID: 9001, OperatorID: 7, Type: TypeFromClient, Read: &read,
		StartDate: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), FinishDate: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC),
		Order: "desc", ListOptions: ListOptions{Offset: 100, Limit: 50},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A time that cannot be read loses the time, not the message.
	if len(page.Items) != 3 || len(page.Skipped) != 0 || len(page.Lost) != 1 || page.Lost[0].ID != "2" || page.Lost[0].Field != "created" {
		t.Fatalf("got %+v", page)
	}
	m := page.Items[0]
	if m.Attachments[0].Name != "plan.pdf" || m.OperatorID != 0 || page.Items[1].Text != "broken" || !page.Items[1].Created.IsZero() ||
		page.Items[2].Created.Hour() != 9 || !bool(page.Items[2].Read) {
		t.Fatalf("got %+v", page.Items)
	}
}

func TestMessagesSinceCursor(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("/v1/messages", func(w http.ResponseWriter, r *http.Request) {
		wantQuery(t, r, map[string]string{"order": "asc", "limit": "100"})
		if r.URL.Query().Get("start_id") == "11" {
			io.WriteString(w, `{"status":"success","data":[]}`)
			return
		}
		io.WriteString(w, `{"status":"success","data":[{"id":9},{"id":10}]}`)
	})
	page, next, err := c.Messages.Since(ctx, 5, 100, MessageListOptions{})
	if err != nil || len(page.Items) != 2 || next != 11 {
		t.Fatalf("%v %d %v", page, next, err)
	}
	page, next2, err := c.Messages.Since(ctx, next, 100, MessageListOptions{})
	if err != nil || len(page.Items) != 0 || next2 != 11 {
		t.Fatalf("%v %d %v", page, next2, err)
	}
}

func TestMessagesSendGetRead(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/messages", func(r *http.Request) {
		wantMethod(t, r, "POST")
		b := decodeBody(t, r)
		if b["client_id"] != float64(555) || b["text"] != "Добрый день!" || b["type"] != "to_client" || b["operator_id"] != float64(7) || b["channel_id"] != float64(101) || b["transport"] != "telegram" {
			t.Errorf("send body %v", b)
		}
		if _, ok := b["attachment"]; ok {
			t.Error("empty attachment sent")
		}
	}, 200, `{"status":"success","data":{"message_id":"777","channel_id":101,"operator_id":7,"transport":"telegram","type":"to_client","client_id":555,"dialog_id":9001,"request_id":31}}`)
	sent, err := c.Messages.Send(ctx, OutgoingMessage{ClientID: 555, Text: "Добрый день!", OperatorID: 7, ChannelID: 101, Transport: "telegram"})
	if err != nil || sent.MessageID != 777 || sent.DialogID != 9001 {
		t.Fatalf("%+v %v", sent, err)
	}
	handle(t, mux, "/v1/messages/777", func(r *http.Request) { wantMethod(t, r, "GET") }, 200, `{"status":"success","data":{"id":777,"text":"Добрый день!","type":"to_client"}}`)
	if m, err := c.Messages.Get(ctx, 777); err != nil || m.Text != "Добрый день!" {
		t.Fatalf("%+v %v", m, err)
	}
	var readCalls, unreadCalls int
	handle(t, mux, "/v1/messages/777/read", func(r *http.Request) { readCalls++ }, 200, `{"status":"success","data":{}}`)
	handle(t, mux, "/v1/messages/777/unread", func(r *http.Request) { unreadCalls++ }, 200, `{"status":"success","data":{}}`)
	if err := c.Messages.MarkRead(ctx, 777); err != nil {
		t.Fatal(err)
	}
	if err := c.Messages.MarkUnread(ctx, 777); err != nil {
		t.Fatal(err)
	}
	if readCalls != 1 || unreadCalls != 1 {
		t.Fatal("read/unread not called")
	}
}

func TestDialogsEndpoints(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/dialogs", func(r *http.Request) {
		wantQuery(t, r, map[string]string{"operator_id": "7", "state": "open"})
	}, 200, `{"status":"success","data":[{"id":9001,"state":"open","begin":"2024-01-10T09:00:00 UTC","operator_id":7,"messages":"3","last_message":{"id":3,"text":"Да","type":"to_client"}}]}`)
	page, err := c.Dialogs.List(ctx, DialogListOptions{OperatorID: 7, State: DialogOpen})
	if err != nil || page.Items[0].LastMessage.Text != "Да" || page.Items[0].Messages != 3 {
		t.Fatalf("%+v %v", page, err)
	}
	handle(t, mux, "/v1/dialogs/9001", func(r *http.Request) {
		if r.Method == "PUT" {
			if b := decodeBody(t, r); b["operator_id"] != float64(8) || b["state"] != "closed" {
				t.Errorf("update body %v", b)
			}
		}
	}, 200, `{"status":"success","data":{"id":9001,"state":"closed","operator_id":8}}`)
	if d, err := c.Dialogs.Get(ctx, 9001); err != nil || d.ID != 9001 {
		t.Fatalf("%+v %v", d, err)
	}
	if err := c.Dialogs.Update(ctx, 9001, DialogUpdate{OperatorID: 8, State: DialogClosed}); err != nil {
		t.Fatal(err)
	}
}

func TestTemplates(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/templates", nil, 200, `{"status":"success","data":[{"id":1,"command":"/hello","text":"Здравствуйте! Чем помочь?","name":"Приветствие","created":"2023-03-01T10:00:00 UTC"}]}`)
	handle(t, mux, "/v1/templates/1", nil, 200, `{"status":"success","data":{"id":1,"command":"/hello","text":"Здравствуйте! Чем помочь?"}}`)
	page, err := c.Templates.List(ctx, ListOptions{})
	if err != nil || page.Items[0].Command != "/hello" {
		t.Fatalf("%+v %v", page, err)
	}
	if tpl, err := c.Templates.Get(ctx, 1); err != nil || tpl.Text == "" {
		t.Fatalf("%+v %v", tpl, err)
	}
}

func TestAllPages(t *testing.T) {
	c, mux := setup(t)
	const total = 23
	mux.HandleFunc("/v1/operators", func(w http.ResponseWriter, r *http.Request) {
		var off, lim int
		fmt.Sscan(r.URL.Query().Get("offset"), &off)
		fmt.Sscan(r.URL.Query().Get("limit"), &lim)
		fmt.Fprint(w, `{"status":"success","meta":{"total":23},"data":[`)
		for i := off; i < min(off+lim, total); i++ {
			if i > off {
				fmt.Fprint(w, ",")
			}
			if i == 12 {
				fmt.Fprint(w, `{"id":"twelve"}`) // one bad record on the second page
				continue
			}
			fmt.Fprintf(w, `{"id":%d}`, i+1)
		}
		fmt.Fprint(w, "]}")
	})
	items, skipped, err := All(ctx, 10, c.Operators.List)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != total-1 || len(skipped) != 1 || skipped[0].Index != 12 {
		t.Fatalf("items %d skipped %v", len(items), skipped)
	}
}

func TestOperatorGroupsAndTransferToGroup(t *testing.T) {
	c, mux := setup(t)
	// A bare list, with ids as Chat2Desk sends them (numbers or strings).
	handle(t, mux, "/v1/operators_groups", func(r *http.Request) { wantMethod(t, r, "GET") }, 200,
		`[{"id":31,"name":"Продажи","operator_ids":[9,"7"]},{"id":32,"name":"Аренда","operator_ids":[]}]`)
	page, err := c.OperatorGroups.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Items[0].Name != "Продажи" || len(page.Items[0].OperatorIDs) != 2 || page.Items[0].OperatorIDs[1] != 7 {
		t.Fatalf("groups %+v", page.Items)
	}
	handle(t, mux, "/v1/messages/555/transfer_to_group", func(r *http.Request) {
		wantMethod(t, r, "GET")
		wantQuery(t, r, map[string]string{"group_id": "31", "force": "1"})
	}, 200, `{"status":"success"}`)
	if err := c.Messages.TransferToGroup(ctx, 555, 31, true); err != nil {
		t.Fatal(err)
	}
}
