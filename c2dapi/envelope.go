package c2dapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// envelope is the object most Chat2Desk answers are wrapped in. Some
// answers come without it (a bare list); parse wraps those in one.
type envelope struct {
	Status  String          `json:"status"`
	Data    json.RawMessage `json:"data"`
	Meta    *Meta           `json:"meta"`
	Message String          `json:"message"`
	Errors  json.RawMessage `json:"errors"`
}

// Meta is the paging information of a list answer.
type Meta struct {
	Total  Int `json:"total"`
	Limit  Int `json:"limit"`
	Offset Int `json:"offset"`
}

// errorFields reads an answer's "errors" in every shape seen: an object of
// lists (or of single strings), a plain string, a list of strings. Texts
// that belong to no field land under the empty key.
func errorFields(raw json.RawMessage) map[string][]string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var byField map[string]json.RawMessage
	if json.Unmarshal(raw, &byField) == nil {
		out := make(map[string][]string, len(byField))
		for k, v := range byField {
			out[k] = errorTexts(v)
		}
		return out
	}
	return map[string][]string{"": errorTexts(raw)}
}

// errorTexts flattens one error value into texts: strings as they are,
// lists element by element, anything else as its compact JSON.
func errorTexts(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		var out []string
		for _, e := range list {
			out = append(out, errorTexts(e)...)
		}
		return out
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return []string{excerpt(raw)}
	}
	return []string{compact.String()}
}

// SkippedRecord is a record of a list that could not be read at all (not
// an object, or without a readable id). The rest of the page is still
// returned; callers report skipped records, never fail on them.
type SkippedRecord struct {
	Index int    // position in the page
	ID    string // the record's id when it could be read
	Err   error
}

func (s SkippedRecord) String() string {
	if s.ID != "" {
		return fmt.Sprintf("record %d (id %s): %v", s.Index, s.ID, s.Err)
	}
	return fmt.Sprintf("record %d: %v", s.Index, s.Err)
}

// LostField is a field of a record that came in an unexpected form: the
// record is kept without it.
type LostField struct {
	Index int    // position of the record in the page
	ID    string // the record's id
	Field string // the JSON name of the field
}

func (l LostField) String() string {
	return fmt.Sprintf("record %d (id %s): field %q", l.Index, l.ID, l.Field)
}

// Page is one page of a list answer.
type Page[T any] struct {
	Items   []T
	Meta    Meta
	Skipped []SkippedRecord
	Lost    []LostField
}

// decodeList reads data as a list, decoding each record on its own so that
// one malformed record is skipped rather than failing the page, and one
// malformed field is dropped rather than its record.
func decodeList[T any](env *envelope) (*Page[T], error) {
	page := &Page[T]{}
	if env.Meta != nil {
		page.Meta = *env.Meta
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return page, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(env.Data, &raw); err != nil {
		// Some endpoints answer an object keyed by id instead of a list.
		var byKey map[string]json.RawMessage
		if err2 := json.Unmarshal(env.Data, &byKey); err2 != nil {
			return nil, &DecodeError{Err: fmt.Errorf("data is not a list: %w", err)}
		}
		for _, v := range byKey {
			raw = append(raw, v)
		}
	}
	page.Items = make([]T, 0, len(raw))
	for i, r := range raw {
		var item T
		lost, err := decodeRecord(r, &item)
		if err != nil {
			page.Skipped = append(page.Skipped, SkippedRecord{Index: i, ID: peekID(r), Err: err})
			continue
		}
		if len(lost) > 0 {
			id := peekID(r)
			for _, f := range lost {
				page.Lost = append(page.Lost, LostField{Index: i, ID: id, Field: f})
			}
		}
		page.Items = append(page.Items, item)
	}
	return page, nil
}

// decodeOne reads data as a single record.
func decodeOne[T any](env *envelope) (*T, error) {
	var item T
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return nil, &DecodeError{Err: fmt.Errorf("answer has no data")}
	}
	data := env.Data
	// A few endpoints wrap a single record in a one-element list.
	var list []json.RawMessage
	if json.Unmarshal(data, &list) == nil {
		if len(list) == 0 {
			return nil, &DecodeError{Err: fmt.Errorf("answer has an empty list")}
		}
		data = list[0]
	}
	if _, err := decodeRecord(data, &item); err != nil {
		return nil, &DecodeError{Err: err}
	}
	return &item, nil
}

// decodeRecord reads one JSON object into the struct v points to. When a
// field has an unexpected kind (an object where text was expected, say),
// the record is read field by field and the unreadable fields are left
// empty and named in lost. A record that is not an object, or whose id
// cannot be read, is an error: without its id it cannot be stored.
func decodeRecord(raw json.RawMessage, v any) (lost []string, err error) {
	strictErr := json.Unmarshal(raw, v)
	if strictErr == nil {
		return nil, nil
	}
	rv := reflect.ValueOf(v).Elem()
	if rv.Kind() != reflect.Struct {
		return nil, strictErr
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return nil, strictErr
	}
	rv.SetZero()
	return decodeFields(fields, rv, "")
}

// decodeFields fills a struct's fields from a record's fields one by one,
// descending into nested records (a dialog's last message) so that a bad
// field deep inside loses only itself.
func decodeFields(fields map[string]json.RawMessage, rv reflect.Value, prefix string) (lost []string, err error) {
	rt := rv.Type()
	for i := range rt.NumField() {
		sf := rt.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		value, ok := fields[name]
		if !ok {
			continue
		}
		fv := rv.Field(i)
		if json.Unmarshal(value, fv.Addr().Interface()) == nil {
			continue
		}
		fv.SetZero()
		if name == "id" && prefix == "" {
			return nil, fmt.Errorf("id %.40s is not an id", value)
		}
		if nested, ok := nestedRecord(fv, value); ok {
			inner, _ := decodeFields(nested.fields, nested.value, prefix+name+".")
			fv.Set(nested.result)
			lost = append(lost, inner...)
			continue
		}
		lost = append(lost, prefix+name)
	}
	return lost, nil
}

type nested struct {
	fields map[string]json.RawMessage
	value  reflect.Value // the struct to fill
	result reflect.Value // what to store in the field
}

// nestedRecord says whether a field that failed to decode is a record of
// its own (a struct or a pointer to one without its own decoder) given as
// a JSON object, to be read field by field.
func nestedRecord(fv reflect.Value, value json.RawMessage) (nested, bool) {
	t := fv.Type()
	ptr := t.Kind() == reflect.Pointer
	if ptr {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return nested{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(value, &fields) != nil || fields == nil {
		return nested{}, false
	}
	p := reflect.New(t)
	result := p
	if !ptr {
		result = p.Elem()
	}
	return nested{fields: fields, value: p.Elem(), result: result}, true
}

// peekID reads the id of a record, for reports.
func peekID(r json.RawMessage) string {
	var probe map[string]json.RawMessage
	if json.Unmarshal(r, &probe) != nil || len(probe["id"]) == 0 {
		return ""
	}
	return excerpt([]byte(unquoteLoose(probe["id"])))
}
