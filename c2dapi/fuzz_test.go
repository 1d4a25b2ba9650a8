package c2dapi

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// Decoders survive anything: `make fuzz` runs these for a while each, CI
// for a few seconds. Inputs that once failed are kept by Go under
// testdata/fuzz/ and run with every `go test`.

// FuzzParseTime: every string is parsed or refused, never a panic, and a
// time read is written and read back as the same second.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2024-03-05T14:07:09 UTC", "2024-03-05T14:07:09Z", "2024-03-05T14:07:09+03:00", "2024-03-05 14:07:09",
		"5.3.2024 9:07:09", "05.03.2024 14:07", "2024-03-05", "1709647629", "", "null", "31.02.2024 25:61:61",
		"99999999999999999999", "-1", "2024-13-45T99:99:99 UTC",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err != nil || got.IsZero() || got.Year() < 1 || got.Year() > 9999 {
			return
		}
		b, err := Time{got}.MarshalJSON()
		if err != nil {
			t.Fatalf("%q: marshal %v: %v", s, got, err)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(got.Truncate(time.Second)) {
			t.Fatalf("%q: %v written as %s read back as %v (%v)", s, got, b, back.Time, err)
		}
	})
}

// FuzzDecodeResponse: any body with any status gives an envelope or a
// typed error, and every record type's list decoder accounts for each
// record as read or skipped.
func FuzzDecodeResponse(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `{"status":"success","data":[{"id":101,"text":"Здравствуйте! Квартира ещё продаётся?","type":"from_client","client_id":5001,"dialog_id":9001,"channel_id":101,"transport":"whatsapp","created":"2024-03-05T14:07:09 UTC","read":0,"attachments":[{"name":"plan.pdf","link":"https://x/plan.pdf"}]}],"meta":{"total":1,"limit":20,"offset":0}}`},
		{200, `{"status":"success","data":[{"id":"9001","state":"open","begin":"05.03.2024 9:07:09","operator_id":"7","messages":"12"}]}`},
		{200, `{"status":"success","data":{"5001":{"id":5001,"name":"Иван","phone":"+7 905 000-00-01"},"5002":{"id":"x"}}}`},
		{200, `{"status":"success","data":[{"id":101,"name":"Новостройки","phone":"79050000001","transports":"whatsapp,telegram"}]}`},
		{200, `{"status":"success","data":[{"id":7,"email":"olga@example.com","first_name":"Ольга","role":"admin","opened":true}]}`},
		{200, `{"status":"success","data":{"company_name":"Ключ","current_version":"1.0","requests":1834,"mode":"production"}}`},
		{200, `{"status":"success","data":[{"id":1,"command":"/hello","text":"Здравствуйте!"}]}`},
		{400, `{"status":"error","message":"Validation failed","errors":{"phone":["is invalid"]}}`},
		{403, `{"status":"error","message":"API calls exceeded API limit per month"}`},
		{429, `{"status":"error","message":"Number of API requests exceeded"}`},
		{401, `{"status":"error","message":"Unauthorized"}`},
		{502, `<html><body>Bad gateway</body></html>`},
		{200, `{"status":"success","data":[{"id":1,"text":`},
		{200, `{"status":"success","data":[{"id":[1],"created":{},"read":"maybe","attachments":"none"}]}`},
		{200, `null`}, {200, ``}, {200, `[]`}, {200, `{"data":7}`},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	c, err := NewClient("http://127.0.0.1/v1", "fuzz-token-1234")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		env, err := c.parse("GET", "/fuzz", resp, body)
		if err != nil {
			switch err.(type) {
			case *DecodeError, *ErrorResponse, *AuthError, *RateLimitError, *QuotaError, *NotFoundError, *ValidationError, *ServerError:
			default:
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		checkList[Message](t, env)
		checkList[Dialog](t, env)
		checkList[Customer](t, env)
		checkList[Channel](t, env)
		checkList[Operator](t, env)
		checkList[Template](t, env)
		decodeOne[Message](env)
		decodeOne[Dialog](env)
		decodeOne[Customer](env)
		decodeOne[APIInfo](env)
		decodeOne[SentMessage](env)
	})
}

// checkList decodes env as a list of T: when the data is a JSON array,
// every record is either read or reported as skipped.
func checkList[T any](t *testing.T, env *envelope) {
	t.Helper()
	page, err := decodeList[T](env)
	if err != nil {
		return
	}
	var raw []json.RawMessage
	if json.Unmarshal(env.Data, &raw) == nil && len(page.Items)+len(page.Skipped) != len(raw) {
		t.Fatalf("%d records, %d read and %d skipped", len(raw), len(page.Items), len(page.Skipped))
	}
}

// recordFields are the fields of a message record that FuzzRecordKeepsItsFields
// replaces with a value of any kind.
var recordFields = []string{"video", "audio", "coordinates", "recipient_status", "ai_tips", "photo", "pdf", "attachments",
	"created", "read", "type", "transport", "operator_id", "channel_id", "client_id", "request_id", "is_new", "extra_data", "status", "remote_id", "text", "dialog_id"}

// FuzzRecordKeepsItsFields: a record with a readable id is never dropped,
// whatever kind of value one of its other fields holds, and its other
// fields are read as they are.
func FuzzRecordKeepsItsFields(f *testing.F) {
	for i, v := range []string{`{"url":"https://x/v.mp4"}`, `{"lat":55.7}`, `[{"text":"tip"}]`, `12`, `true`, `null`, `"x"`, `[]`, `{}`, `[1,{"a":[]}]`, `-1.5e9`} {
		f.Add(uint8(i), []byte(v))
	}
	f.Fuzz(func(t *testing.T, which uint8, value []byte) {
		if !json.Valid(value) {
			return
		}
		field := recordFields[int(which)%len(recordFields)]
		record := map[string]json.RawMessage{
			"id": json.RawMessage(`42`), "text": json.RawMessage(`"Квартира ещё продаётся?"`), "dialog_id": json.RawMessage(`9001`),
			"client_id": json.RawMessage(`5001`), "type": json.RawMessage(`"from_client"`),
		}
		record[field] = value
		raw, err := json.Marshal(record)
		if err != nil {
			t.Fatal(err)
		}
		page, err := decodeList[Message](&envelope{Data: json.RawMessage("[" + string(raw) + "]")})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%s: record dropped: %+v %v", raw, page, err)
		}
		m := page.Items[0]
		if m.ID != 42 || (field != "text" && m.Text != "Квартира ещё продаётся?") || (field != "dialog_id" && m.DialogID != 9001) ||
			(field != "client_id" && m.ClientID != 5001) || (field != "type" && m.Type != TypeFromClient) {
			t.Fatalf("%s: other fields not kept: %+v", raw, m)
		}
		for _, d := range []func() error{
			func() error { _, err := decodeRecord(raw, new(Dialog)); return err },
			func() error { _, err := decodeRecord(raw, new(Customer)); return err },
			func() error { _, err := decodeRecord(raw, new(Operator)); return err },
			func() error { _, err := decodeRecord(raw, new(Channel)); return err },
		} {
			if err := d(); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
		}
	})
}
