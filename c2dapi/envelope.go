package c2dapi

import (
	"encoding/json"
	"fmt"
)

// envelope is the object every Chat2Desk answer is wrapped in.
type envelope struct {
	Status  String             `json:"status"`
	Data    json.RawMessage    `json:"data"`
	Meta    *Meta              `json:"meta"`
	Message String             `json:"message"`
	Errors  map[string]Strings `json:"errors"`
}

// Meta is the paging information of a list answer.
type Meta struct {
	Total  Int `json:"total"`
	Limit  Int `json:"limit"`
	Offset Int `json:"offset"`
}

// SkippedRecord is a record of a list that could not be read. The rest of
// the page is still returned; callers report skipped records, never fail on them.
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

// Page is one page of a list answer.
type Page[T any] struct {
	Items   []T
	Meta    Meta
	Skipped []SkippedRecord
}

// decodeList reads data as a list, decoding each record on its own so that
// one malformed record is skipped rather than failing the page.
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
		if err := json.Unmarshal(r, &item); err != nil {
			page.Skipped = append(page.Skipped, SkippedRecord{Index: i, ID: peekID(r), Err: err})
			continue
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
	if err := json.Unmarshal(data, &item); err != nil {
		return nil, &DecodeError{Err: err}
	}
	return &item, nil
}

// peekID reads the id of a record that failed to decode, for the report.
func peekID(r json.RawMessage) string {
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(r, &probe) != nil || len(probe.ID) == 0 {
		return ""
	}
	return unquoteLoose(probe.ID)
}
