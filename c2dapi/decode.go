package c2dapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The Chat2Desk API is loosely typed: ids arrive as numbers or strings,
// flags as 0/1, "0"/"1" or booleans, and any field may be null. The types
// below accept every variant seen in public clients so that one odd field
// does not fail a whole record.

// ID is a Chat2Desk identifier, sent as a number or a numeric string.
type ID int64

// UnmarshalJSON accepts 123, "123", null and "".
func (id *ID) UnmarshalJSON(b []byte) error {
	n, err := parseLooseInt(b)
	if err != nil {
		return fmt.Errorf("id: %w", err)
	}
	*id = ID(n)
	return nil
}

// String formats the id for URLs and query parameters.
func (id ID) String() string { return strconv.FormatInt(int64(id), 10) }

// Int is a count or number that may arrive as a string.
type Int int64

// UnmarshalJSON accepts 5, "5", 5.0, null and "".
func (n *Int) UnmarshalJSON(b []byte) error {
	v, err := parseLooseInt(b)
	if err != nil {
		return err
	}
	*n = Int(v)
	return nil
}

// Bool is a flag sent as true/false, 0/1 or "0"/"1".
type Bool bool

// UnmarshalJSON accepts booleans, numbers and their string forms; null is false.
func (v *Bool) UnmarshalJSON(b []byte) error {
	s := strings.ToLower(strings.TrimSpace(unquoteLoose(b)))
	switch s {
	case "", "null", "0", "false", "no":
		*v = false
	case "1", "true", "yes":
		*v = true
	default:
		return fmt.Errorf("not a flag: %.20q", s)
	}
	return nil
}

// String is text that may arrive as a number or null.
type String string

// UnmarshalJSON accepts strings, numbers, booleans and null.
func (s *String) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*s = ""
		return nil
	}
	if b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = String(v)
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		return fmt.Errorf("text expected, got %c", b[0])
	}
	*s = String(b)
	return nil
}

// Link is the address of a media file. Chat2Desk sends a URL as text, but
// some answers give media fields as objects or lists; the URL is taken
// from those where one is plainly there, and otherwise the field is empty
// rather than an error, so the message keeps its other fields.
type Link string

// UnmarshalJSON accepts "https://…", {"url"|"link"|"src"|"href": "…"},
// a list of those (the first wins) and anything else as no link.
func (l *Link) UnmarshalJSON(b []byte) error {
	*l = ""
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
	case b[0] == '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			*l = Link(strings.TrimSpace(s))
		}
	case b[0] == '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) != nil {
			return nil
		}
		for _, key := range []string{"url", "link", "src", "href"} {
			var s string
			if json.Unmarshal(obj[key], &s) == nil && s != "" {
				*l = Link(strings.TrimSpace(s))
				return nil
			}
		}
	case b[0] == '[':
		var list []json.RawMessage
		if json.Unmarshal(b, &list) != nil {
			return nil
		}
		for _, item := range list {
			var one Link
			if one.UnmarshalJSON(item); one != "" {
				*l = one
				return nil
			}
		}
	}
	return nil
}

// Time is a Chat2Desk timestamp. The zero Time means absent.
type Time struct{ time.Time }

// Timestamps are in UTC unless the text says otherwise: the API's
// "05.06.2019 08:30:05" form carries no zone, and the documented
// "... UTC" form suggests the server works in UTC [guess].
var timeLayouts = []string{
	"2006-01-02T15:04:05 MST",
	"2006-01-02T15:04:05.999999999 MST",
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05",
	"02.01.2006 15:04:05",
	"2006-01-02",
}

// ParseTime reads every timestamp form seen from Chat2Desk: ISO with " UTC",
// RFC 3339, "dd.mm.yyyy H:mm:ss" with one- or two-digit hours, and Unix seconds.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if isDigits(s) {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("time %.40q: %w", s, err)
		}
		return time.Unix(sec, 0).UTC(), nil
	}
	if t, ok := parseDottedTime(s); ok {
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format %.40q", s)
}

// parseDottedTime reads "d.m.yyyy H:mm[:ss]" where day, month and hour may
// have one digit, which time.Parse cannot express for hours.
func parseDottedTime(s string) (time.Time, bool) {
	datePart, clockPart, ok := strings.Cut(s, " ")
	if !ok {
		clockPart = "0:00:00"
	}
	dmy := strings.Split(datePart, ".")
	if len(dmy) != 3 {
		return time.Time{}, false
	}
	hms := strings.Split(strings.TrimSpace(clockPart), ":")
	if len(hms) == 2 {
		hms = append(hms, "0")
	}
	if len(hms) != 3 {
		return time.Time{}, false
	}
	var n [6]int
	for i, part := range append(dmy, hms...) {
		v, err := strconv.Atoi(part)
		if err != nil || v < 0 {
			return time.Time{}, false
		}
		n[i] = v
	}
	day, month, year, hour, minute, sec := n[0], n[1], n[2], n[3], n[4], n[5]
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 || year < 1970 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // 31.02 rolled over
		return time.Time{}, false
	}
	return t, true
}

// UnmarshalJSON accepts the string forms of ParseTime, Unix seconds as a
// number, and null.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := unquoteLoose(b)
	if s == "null" {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON writes the ISO form the API itself uses, so fakes round-trip.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format("2006-01-02T15:04:05 UTC"))
}

// Strings is a list of names that may arrive as a list, a single string,
// a comma-separated string or null.
type Strings []string

// UnmarshalJSON accepts ["a","b"], "a,b", "a" and null.
func (s *Strings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*s = nil
		return nil
	}
	if b[0] == '[' {
		var raw []String
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make([]string, 0, len(raw))
		for _, r := range raw {
			if v := strings.TrimSpace(string(r)); v != "" {
				out = append(out, v)
			}
		}
		*s = out
		return nil
	}
	var one String
	if err := one.UnmarshalJSON(b); err != nil {
		return err
	}
	var out []string
	for _, part := range strings.Split(string(one), ",") {
		if v := strings.TrimSpace(part); v != "" {
			out = append(out, v)
		}
	}
	*s = out
	return nil
}

func parseLooseInt(b []byte) (int64, error) {
	s := strings.TrimSpace(unquoteLoose(b))
	if s == "" || s == "null" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int64(f)) {
		return 0, fmt.Errorf("not a whole number: %.20q", s)
	}
	return int64(f), nil
}

// unquoteLoose returns the text of a JSON string, or the raw token otherwise.
func unquoteLoose(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err == nil {
			return s
		}
	}
	return string(b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
