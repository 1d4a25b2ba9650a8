package c2dapi

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLooseScalars(t *testing.T) {
	var rec struct {
		ID   ID     `json:"id"`
		N    Int    `json:"n"`
		Read Bool   `json:"read"`
		Name String `json:"name"`
	}
	cases := []struct {
		body  string
		id, n int64
		read  bool
		name  string
	}{
		{`{"id":12,"n":3,"read":1,"name":"Анна"}`, 12, 3, true, "Анна"},
		{`{"id":"12","n":"3","read":"1","name":"x"}`, 12, 3, true, "x"},
		{`{"id":null,"n":null,"read":null,"name":null}`, 0, 0, false, ""},
		{`{"id":"","n":"","read":"0","name":42}`, 0, 0, false, "42"},
		{`{"id":12.0,"n":3,"read":true,"name":"a","unknown":{"x":[1,2]}}`, 12, 3, true, "a"},
		{`{"read":false}`, 0, 0, false, ""},
	}
	for _, c := range cases {
		rec.ID, rec.N, rec.Read, rec.Name = 0, 0, false, ""
		if err := json.Unmarshal([]byte(c.body), &rec); err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if int64(rec.ID) != c.id || int64(rec.N) != c.n || bool(rec.Read) != c.read || string(rec.Name) != c.name {
			t.Errorf("%s: got %+v", c.body, rec)
		}
	}
	for _, bad := range []string{`{"id":"abc"}`, `{"id":1.5}`, `{"read":"maybe"}`, `{"name":{"a":1}}`} {
		if err := json.Unmarshal([]byte(bad), &rec); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2019, 6, 5, 8, 30, 5, 0, time.UTC)
	for _, s := range []string{
		"2019-06-05T08:30:05 UTC",
		"05.06.2019 08:30:05",
		"5.06.2019 8:30:05",
		"2019-06-05T08:30:05Z",
		"2019-06-05T11:30:05+03:00",
		"2019-06-05 08:30:05",
		"1559723405",
	} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got, err := ParseTime(""); err != nil || !got.IsZero() {
		t.Errorf("empty: %v %v", got, err)
	}
	for _, bad := range []string{"yesterday", "31.02.2019 10:00:00", "05.06.2019 25:00:00", "1.2.3.4 1:2:3"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q): want an error", bad)
		}
	}
}

func TestTimeJSON(t *testing.T) {
	var v struct{ T Time }
	for _, body := range []string{`{"T":1559723405}`, `{"T":"05.06.2019 08:30:05"}`} {
		if err := json.Unmarshal([]byte(body), &v); err != nil || v.T.Unix() != 1559723405 {
			t.Errorf("%s: %v %v", body, v.T, err)
		}
	}
	if err := json.Unmarshal([]byte(`{"T":null}`), &v); err != nil || !v.T.IsZero() {
		t.Errorf("null: %v %v", v.T, err)
	}
	out, _ := json.Marshal(Time{time.Date(2019, 6, 5, 8, 30, 5, 0, time.UTC)})
	if string(out) != `"2019-06-05T08:30:05 UTC"` {
		t.Errorf("marshal: %s", out)
	}
}

func TestStrings(t *testing.T) {
	for body, want := range map[string]int{
		`["telegram","whatsapp"]`: 2, `"telegram, viber"`: 2, `"vk"`: 1, `null`: 0, `[]`: 0, `["",null,"sms"]`: 1,
	} {
		var s Strings
		if err := json.Unmarshal([]byte(body), &s); err != nil || len(s) != want {
			t.Errorf("%s: %v %v", body, s, err)
		}
	}
}

func TestDecodeListSkipsOnlyUnreadableRecords(t *testing.T) {
	// A bad name loses the name; a bad id or a record that is not an
	// object loses the record.
	env := &envelope{Data: json.RawMessage(`[{"id":1,"name":"ok"},{"id":2,"name":{"bad":1}},{"id":"3","name":"ok too"},{"id":"x4","name":"no id"},"five"]`)}
	page, err := decodeList[Channel](env)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 || page.Items[1].ID != 2 || page.Items[1].Name != "" || len(page.Lost) != 1 || page.Lost[0].Field != "name" {
		t.Fatalf("got %+v", page)
	}
	if len(page.Skipped) != 2 || page.Skipped[0].ID != "x4" || page.Skipped[0].Index != 3 || page.Skipped[1].Index != 4 {
		t.Fatalf("skipped %+v", page.Skipped)
	}
	if _, err := decodeList[Channel](&envelope{Data: json.RawMessage(`"nope"`)}); err == nil {
		t.Fatal("a string is not a list")
	}
}
