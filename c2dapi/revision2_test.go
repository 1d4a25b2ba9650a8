package c2dapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Answers as Chat2Desk gives them today (../shared/c2d-api.md, revision 2),
// each read the way C2Desk needs it.

func TestWrongTokenIsAnAuthErrorWhateverTheStatus(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"200 with status error", 200, `{"status":"error","message":"Token is not correct"}`},
		{"200 without status", 200, `{"message":"Token is not correct"}`},
		{"200 as errors text", 200, `{"status":"error","errors":"Token is not correct"}`},
		{"400", 400, `{"status":"error","message":"Token is not correct"}`},
		{"401 older text", 401, `{"status":"error","message":"You need to auth"}`},
		{"plain text body", 200, `Token is not correct`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			handle(t, mux, "/v1/companies/api_info", nil, tc.status, tc.body)
			_, err := c.Info.Get(ctx)
			if !isType[*AuthError](err) {
				t.Fatalf("got %T %v", err, err)
			}
		})
	}
}

func TestNotFoundInAllItsForms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"message not_found", 200, `{"status":"error","message":"not_found"}`},
		{"errors object", 200, `{"status":"error","errors":{"client":["Client not found"]}}`},
		{"errors string", 400, `{"status":"error","errors":"Dialog not found"}`},
		{"bare not_found", 200, `not_found`},
		{"bare JSON string", 200, `"not_found"`},
		{"page not found", 200, `{"status":"error","message":"Page not found"}`},
		{"404 only", 404, `{"status":"error"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			handle(t, mux, "/v1/dialogs/9001", nil, tc.status, tc.body)
			_, err := c.Dialogs.Get(ctx, 9001)
			if !isType[*NotFoundError](err) {
				t.Fatalf("got %T %v", err, err)
			}
		})
	}
	// api_info's fallback to the older path still works with the newer texts.
	c, mux := setup(t)
	handle(t, mux, "/v1/companies/api_info", nil, 200, `{"status":"error","message":"not_found"}`)
	handle(t, mux, "/v1/api_info", nil, 200, `{"status":"success","data":{"company_name":"Old Co"}}`)
	if info, err := c.Info.Get(ctx); err != nil || info.CompanyName != "Old Co" {
		t.Fatalf("%+v %v", info, err)
	}
}

func TestEnvelopeShapes(t *testing.T) {
	ok := func(items int) func(*Page[Channel], error) error {
		return func(p *Page[Channel], err error) error {
			if err != nil || len(p.Items) != items {
				return fmt.Errorf("want %d channels, got %+v %v", items, p, err)
			}
			return nil
		}
	}
	fails := func(check func(error) bool) func(*Page[Channel], error) error {
		return func(p *Page[Channel], err error) error {
			if err == nil || !check(err) {
				return fmt.Errorf("want a typed error, got %+v %T %v", p, err, err)
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name   string
		status int
		body   string
		check  func(*Page[Channel], error) error
	}{
		{"status ok", 200, `{"status":"ok","data":[{"id":1,"name":"A"}]}`, ok(1)},
		{"no status", 200, `{"data":[{"id":1},{"id":2}]}`, ok(2)},
		{"bare array", 200, `[{"id":1},{"id":2},{"id":3}]`, ok(3)},
		{"errors absent on success", 200, `{"status":"success","data":[]}`, ok(0)},
		{"errors null on success", 200, `{"status":"success","data":[{"id":1}],"errors":null}`, ok(1)},
		{"errors as a plain string", 400, `{"status":"error","errors":"phone is invalid"}`, fails(func(err error) bool {
			var ve *ValidationError
			return errors.As(err, &ve) && ve.Says("phone is invalid")
		})},
		{"errors as an object of lists", 400, `{"status":"error","message":"Validation failed","errors":{"phone":["is invalid","is too short"]}}`, fails(func(err error) bool {
			var ve *ValidationError
			return errors.As(err, &ve) && len(ve.Fields["phone"]) == 2
		})},
		{"errors as an object of strings", 400, `{"status":"error","errors":{"phone":"is invalid, use digits"}}`, fails(func(err error) bool {
			var ve *ValidationError
			return errors.As(err, &ve) && len(ve.Fields["phone"]) == 1 && ve.Fields["phone"][0] == "is invalid, use digits"
		})},
		{"errors as a list", 400, `{"status":"error","errors":["phone is invalid"]}`, fails(isType[*ValidationError])},
		{"errors of odd kinds", 400, `{"status":"error","errors":{"phone":7,"x":{"y":[1]}}}`, fails(isType[*ValidationError])},
		{"error nested in data", 200, `{"status":"success","data":{"status":"error","message":"Number of API requests exceeded"}}`, fails(isType[*RateLimitError])},
		{"error nested in data with errors", 200, `{"data":{"status":"error","errors":{"channel":["not found"]}}}`, fails(isType[*NotFoundError])},
		{"rate limit text with 400", 400, `{"status":"error","message":"Number of API requests exceeded"}`, fails(isType[*RateLimitError])},
		{"rate limit text without status", 200, `{"message":"Number of API requests exceeded"}`, fails(isType[*RateLimitError])},
		{"quota text with 200", 200, `{"status":"error","message":"API calls exceeded API limit per month"}`, fails(isType[*QuotaError])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux := setup(t)
			handle(t, mux, "/v1/channels", nil, tc.status, tc.body)
			if err := tc.check(c.Channels.List(ctx, ChannelListOptions{})); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRecordWithStatusOfItsOwnIsNotAnError(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/messages/5", nil, 200, `{"status":"success","data":{"id":5,"text":"Добрый день","status":"failed","type":"to_client"}}`)
	m, err := c.Messages.Get(ctx, 5)
	if err != nil || m.Text != "Добрый день" {
		t.Fatalf("%+v %v", m, err)
	}
}

func TestPutAnswersWithoutARecordAreSuccesses(t *testing.T) {
	for _, body := range []string{
		`{"status":"success"}`,
		`{"status":"success","data":{}}`,
		`{"status":"success","data":[]}`,
		`{"status":"success","data":{"result":"ok","dialog":{"id":"9001"}}}`,
		`{"status":"success","data":"updated"}`,
		`{"status":"ok"}`,
	} {
		c, mux := setup(t)
		handle(t, mux, "/v1/dialogs/9001", func(r *http.Request) { wantMethod(t, r, "PUT") }, 200, body)
		handle(t, mux, "/v1/clients/5001", func(r *http.Request) { wantMethod(t, r, "PUT") }, 200, body)
		if err := c.Dialogs.Update(ctx, 9001, DialogUpdate{State: DialogClosed}); err != nil {
			t.Errorf("dialog, %s: %v", body, err)
		}
		if err := c.Clients.Update(ctx, 5001, ClientUpdate{Comment: "x"}); err != nil {
			t.Errorf("client, %s: %v", body, err)
		}
	}
	// Closing a closed dialog is done already.
	c, mux := setup(t)
	handle(t, mux, "/v1/dialogs/9001", nil, 400, `{"status":"error","errors":"Dialog 9001 already has state closed"}`)
	if err := c.Dialogs.Update(ctx, 9001, DialogUpdate{State: DialogClosed}); err != nil {
		t.Fatalf("already closed: %v", err)
	}
	// A refusal is still a refusal.
	c, mux = setup(t)
	handle(t, mux, "/v1/dialogs/9001", nil, 400, `{"status":"error","errors":{"operator_id":["not found"]}}`)
	if err := c.Dialogs.Update(ctx, 9001, DialogUpdate{OperatorID: 77}); err == nil {
		t.Fatal("a refused transfer reported success")
	}
}

func TestDateFiltersAreDayMonthYear(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/messages", func(r *http.Request) {
		wantQuery(t, r, map[string]string{"start_date": "02-11-2026", "finish_date": "01-12-2026", "start_id": "1"})
	}, 200, `{"status":"success","data":[]}`)
	// A time late in the day is still that day in UTC.
	start := time.Date(2026, 11, 2, 23, 30, 0, 0, time.UTC)
	if _, _, err := c.Messages.Since(ctx, 1, 200, MessageListOptions{StartDate: start, FinishDate: start.AddDate(0, 0, 29)}); err != nil {
		t.Fatal(err)
	}
	if got := FormatDate(time.Date(2026, 3, 8, 1, 0, 0, 0, time.FixedZone("MSK", 3*3600))); got != "07-03-2026" {
		t.Fatalf("FormatDate = %s, want the UTC day", got)
	}
}

func TestPagesAreAtMost200AndShortMeansShortAgainst200(t *testing.T) {
	const total = 450
	serve := func(withTotal bool, limits *[]int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			*limits = append(*limits, lim)
			if lim <= 0 {
				lim = DefaultPageSize
			}
			lim = min(lim, MaxPageSize) // as Chat2Desk caps it
			var b strings.Builder
			if withTotal {
				fmt.Fprintf(&b, `{"status":"success","meta":{"total":%d,"limit":%d,"offset":%d},"data":[`, total, lim, off)
			} else {
				fmt.Fprintf(&b, `{"status":"success","meta":{"limit":%d},"data":[`, lim)
			}
			for i := off; i < min(off+lim, total); i++ {
				if i > off {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"id":%d}`, i+1)
			}
			b.WriteString("]}")
			io.WriteString(w, b.String())
		}
	}
	for _, withTotal := range []bool{true, false} {
		for _, asked := range []int{0, 50, 200, 500, 1000} {
			c, mux := setup(t)
			var limits []int
			mux.HandleFunc("/v1/operators", serve(withTotal, &limits))
			items, _, err := All(ctx, asked, c.Operators.List)
			if err != nil || len(items) != total {
				t.Fatalf("total %v, page %d: %d of %d operators (%v)", withTotal, asked, len(items), total, err)
			}
			for _, l := range limits {
				if l <= 0 || l > MaxPageSize {
					t.Fatalf("page %d: asked for limit %d", asked, l)
				}
			}
		}
	}
	// A server that ignores the limit and sends its default 20, with a total.
	c, mux := setup(t)
	mux.HandleFunc("/v1/clients/5001/dialogs", func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var b strings.Builder
		fmt.Fprintf(&b, `{"status":"success","meta":{"total":45},"data":[`)
		for i := off; i < min(off+DefaultPageSize, 45); i++ {
			if i > off {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":%d}`, 9000+i)
		}
		b.WriteString("]}")
		io.WriteString(w, b.String())
	})
	got, _, err := All(ctx, MaxPageSize, func(ctx context.Context, o ListOptions) (*Page[Dialog], error) {
		return c.Clients.Dialogs(ctx, 5001, o)
	})
	if err != nil || len(got) != 45 {
		t.Fatalf("client's dialogs: %d of 45 (%v)", len(got), err)
	}
}

func TestFieldOfUnexpectedKindLosesOnlyThatField(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/messages", nil, 200, `{"status":"success","data":[
		{"id":1,"text":"Видео с показа","type":"from_client","client_id":5001,"dialog_id":9001,"video":{"url":"https://storage.chat2desk.com/v/1.mp4","duration":12}},
		{"id":2,"text":"Голосовое","type":"from_client","client_id":5001,"dialog_id":9001,"audio":{"id":5},"recipient_status":{"code":2}},
		{"id":3,"text":"Я тут","type":"from_client","client_id":5001,"dialog_id":9001,"coordinates":{"lat":55.7,"lon":37.6},"ai_tips":[{"text":"Предложите показ"}]},
		{"id":4,"text":"Список","type":"from_client","client_id":5001,"dialog_id":9001,"photo":["https://storage.chat2desk.com/p/1.jpg"],"pdf":17,"recipient_status":12},
		{"id":5,"text":"Всё вместе","type":"to_client","client_id":5001,"dialog_id":9001,"read":"maybe","attachments":"none","extra_data":"x","remote_id":{"a":1},"created":"2026-11-30T10:00:00 UTC"}
	]}`)
	page, err := c.Messages.List(ctx, MessageListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 5 || len(page.Skipped) != 0 {
		t.Fatalf("%d kept, %v skipped", len(page.Items), page.Skipped)
	}
	m := page.Items
	if m[0].Video != "https://storage.chat2desk.com/v/1.mp4" || m[0].Text != "Видео с показа" {
		t.Errorf("video object: %+v", m[0])
	}
	if m[1].Audio != "" || m[1].RecipientStatus != "" || m[1].Text != "Голосовое" || m[1].DialogID != 9001 {
		t.Errorf("audio object: %+v", m[1])
	}
	if m[2].Text != "Я тут" || m[2].ClientID != 5001 {
		t.Errorf("coordinates: %+v", m[2])
	}
	if m[3].Photo != "https://storage.chat2desk.com/p/1.jpg" || m[3].PDF != "" || m[3].Text != "Список" {
		t.Errorf("photo list: %+v", m[3])
	}
	if m[4].Text != "Всё вместе" || bool(m[4].Read) || m[4].Attachments != nil || m[4].Created.IsZero() || m[4].Type != TypeToClient {
		t.Errorf("several odd fields: %+v", m[4])
	}
	var lost []string
	for _, l := range page.Lost {
		lost = append(lost, l.ID+"."+l.Field)
	}
	if want := "2.recipient_status 5.read 5.attachments 5.remote_id"; strings.Join(lost, " ") != want {
		t.Errorf("lost fields %q, want %q", strings.Join(lost, " "), want)
	}
	// Without a readable id a record cannot be kept.
	handle(t, mux, "/v1/dialogs", nil, 200, `{"status":"success","data":[{"id":{"x":1},"state":"open"},{"id":9002,"state":"open","last_message":{"id":7,"text":"ok","video":{"x":[]},"created":[]}}]}`)
	dl, err := c.Dialogs.List(ctx, DialogListOptions{})
	if err != nil || len(dl.Items) != 1 || len(dl.Skipped) != 1 || dl.Items[0].LastMessage == nil || dl.Items[0].LastMessage.Text != "ok" {
		t.Fatalf("%+v %v", dl, err)
	}
}

func TestOperatorsInThe2026RoleModel(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/operators", nil, 200, `{"status":"success","data":[
		{"id":1,"first_name":"Ольга","status":"admin","access_right_id":1,"access_right_name":"Администратор","role":"operator"},
		{"id":2,"first_name":"Дмитрий","status":"enabled","access_right_id":2,"access_right_name":"Супервайзер","role":"operator"},
		{"id":3,"first_name":"Офис","status":"enabled","access_right_id":3,"access_right_name":"Оператор"},
		{"id":4,"first_name":"Пётр","status":"disabled","access_right_name":"Оператор","role":"operator"},
		{"id":5,"first_name":"Анна","status":"deleted","role":"supervisor"},
		{"id":6,"first_name":"Old","role":"supervisor"},
		{"id":7,"first_name":"Старший","status":"enabled","access_right_name":"Старший смены (Supervisor)"},
		{"id":8,"first_name":"Custom","status":"enabled","access_right_name":"Менеджер по аренде"},
		{"id":9,"first_name":"Odd","status":"blocked"}
	]}`)
	page, err := c.Operators.List(ctx, ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ role, name string }{
		{RoleAdmin, "Администратор"}, {RoleSupervisor, "Супервайзер"}, {RoleOperator, "Оператор"}, {RoleDisabled, ""},
		{RoleDeleted, ""}, {RoleSupervisor, ""}, {RoleSupervisor, "Старший смены (Supervisor)"}, {RoleOperator, "Менеджер по аренде"}, {"blocked", ""},
	}
	for i, o := range page.Items {
		if o.Role() != want[i].role || o.RoleName() != want[i].name {
			t.Errorf("%s: role %q named %q, want %q named %q", o.FirstName, o.Role(), o.RoleName(), want[i].role, want[i].name)
		}
	}
}

func TestWriteFirstToAnExistingClient(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/clients", func(r *http.Request) {
		if b := decodeBody(t, r); b["channel_id"] != nil {
			t.Errorf("channel_id sent while unset: %v", b)
		}
	}, 400, `{"status":"error","message":"Validation failed","errors":{"client":["Client already exist","{\"id\":5012,\"phone\":\"79051234567\",\"name\":\"Иван\"}"]}}`)
	_, err := c.Clients.Create(ctx, NewCustomer{Phone: "79051234567", Transport: "whatsapp"})
	var exists *ClientExistsError
	if !errors.As(err, &exists) || exists.ClientID != 5012 {
		t.Fatalf("got %T %v", err, err)
	}
}

func TestAPIInfoSaysWhetherWritingFirstIsAllowed(t *testing.T) {
	for body, want := range map[string]string{
		`{"status":"success","data":{"company_name":"Ключ","write_first_option":false,"companyID":77,"partnerID":1,"admin_email":"a@b.ru"}}`: "false",
		`{"status":"success","data":{"company_name":"Ключ","write_first_option":true}}`:                                                      "true",
		`{"status":"success","data":{"company_name":"Ключ","write_first_option":0}}`:                                                         "false",
		`{"status":"success","data":{"company_name":"Ключ"}}`:                                                                                "unknown",
	} {
		c, mux := setup(t)
		handle(t, mux, "/v1/companies/api_info", nil, 200, body)
		info, err := c.Info.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := "unknown"
		if info.WriteFirstOption != nil {
			got = strconv.FormatBool(bool(*info.WriteFirstOption))
		}
		if got != want {
			t.Errorf("%s: write first %s, want %s", body, got, want)
		}
	}
}

func TestSiteChatClientHasNoPhoneNumber(t *testing.T) {
	c, mux := setup(t)
	handle(t, mux, "/v1/clients/5001", nil, 200, `{"status":"success","data":{"id":5001,"name":"Посетитель сайта","phone":"[chat] 6f1c0e9ab2d34","client_phone":"+7 916 555-12-34"}}`)
	handle(t, mux, "/v1/clients/5002", nil, 200, `{"status":"success","data":{"id":5002,"name":"","phone":"[chat] 0a9b8c7d","client_phone":null}}`)
	handle(t, mux, "/v1/clients/5003", nil, 200, `{"status":"success","data":{"id":5003,"name":"Иван","assigned_name":"Иван (Лесная)","phone":"79051234567"}}`)
	for id, want := range map[ID][2]string{
		5001: {"+7 916 555-12-34", "Посетитель сайта"}, 5002: {"", ""}, 5003: {"79051234567", "Иван (Лесная)"},
	} {
		cl, err := c.Clients.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cl.PhoneNumber() != want[0] || cl.DisplayName() != want[1] {
			t.Errorf("client %d: phone %q name %q, want %q", id, cl.PhoneNumber(), cl.DisplayName(), want)
		}
	}
}
