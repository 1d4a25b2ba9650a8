package c2dfake

// How the fake reads requests and writes answers: paging, filters and
// Chat2Desk's envelopes and errors.

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"c2desk/c2dapi"
)

func match(seg []string, want ...string) bool { return slices.Equal(seg, want) }

func filter[T any](in []T, keep func(T) bool) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

func parseID(s string) c2dapi.ID {
	n, _ := strconv.ParseInt(s, 10, 64)
	return c2dapi.ID(n)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Lists answer 20 records unless asked otherwise, at most 200.
const (
	defaultLimit = c2dapi.DefaultPageSize
	maxLimit     = c2dapi.MaxPageSize
)

// page is one page of a list, with what meta says of it.
type page[T any] struct {
	items                []T
	total, limit, offset int
}

func pageOf[T any](r *http.Request, all []T) page[T] {
	offset, limit := pageBounds(r)
	return page[T]{items: all[min(offset, len(all)):min(offset+limit, len(all))], total: len(all), limit: limit, offset: offset}
}

// pageBounds reads a list request's offset and limit, as Chat2Desk bounds
// them.
func pageBounds(r *http.Request) (offset, limit int) {
	q := r.URL.Query()
	offset, _ = strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = defaultLimit
	}
	return max(offset, 0), min(limit, maxLimit)
}

func writePage[T any](w http.ResponseWriter, r *http.Request, all []T) {
	writePageOf(w, pageOf(r, all), func(v T) any { return v })
}

func writePageOf[T any](w http.ResponseWriter, p page[T], wire func(T) any) {
	data := make([]any, len(p.items))
	for i, v := range p.items {
		data[i] = wire(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "success",
		"data":   data,
		"meta":   map[string]int{"total": p.total, "limit": p.limit, "offset": p.offset},
	})
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": data})
}

func writeError(w http.ResponseWriter, status int, msg string, fields map[string][]string) {
	body := map[string]any{"status": "error"}
	if msg != "" {
		body["message"] = msg
	}
	if fields != nil {
		body["errors"] = fields
	}
	writeJSON(w, status, body)
}

// writeErrorText answers an error whose errors field is a plain string.
func writeErrorText(w http.ResponseWriter, status int, text string) {
	writeJSON(w, status, map[string]any{"status": "error", "errors": text})
}

func writeRaw(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, text)
}

func notFound(w http.ResponseWriter) { writeError(w, http.StatusNotFound, "Page not found", nil) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
