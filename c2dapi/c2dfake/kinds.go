package c2dfake

// The value kinds the live API sends (c2d-api.md, revision 3): flags as
// 0/1, external ids as numbers or null. The fake answers so unless
// SetLegacyKinds asks for the forms it used to send (true/false, ""),
// which c2dapi must read as well.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// flagFields are sent as 0/1 by the live API.
var flagFields = map[string]bool{"read": true, "online": true, "is_new": true}

// SetLegacyKinds makes the server answer flags as true/false, external ids
// as "" and the operator groups as a bare list, as older fakes and some
// accounts did.
func (s *Server) SetLegacyKinds(on bool) { s.mu.Lock(); s.legacyKinds = on; s.mu.Unlock() }

// kindWriter holds an answer back so that its values can be rewritten in
// the live API's kinds before it is sent.
type kindWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (k *kindWriter) WriteHeader(status int)      { k.status = status }
func (k *kindWriter) Write(b []byte) (int, error) { return k.body.Write(b) }

// flush sends the answer, its JSON rewritten in live kinds.
func (k *kindWriter) flush() {
	body := k.body.Bytes()
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if strings.HasPrefix(k.Header().Get("Content-Type"), "application/json") && dec.Decode(&v) == nil {
		if out, err := json.Marshal(liveKinds(v, "")); err == nil {
			body = append(out, '\n')
		}
	}
	if k.status == 0 {
		k.status = http.StatusOK
	}
	k.ResponseWriter.WriteHeader(k.status)
	k.ResponseWriter.Write(body)
}

// liveKinds rewrites a decoded JSON value: key is the field it sits in.
func liveKinds(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, fv := range x {
			x[k] = liveKinds(fv, k)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = liveKinds(e, "")
		}
		return x
	case bool:
		if flagFields[key] {
			if x {
				return 1
			}
			return 0
		}
	case string:
		if key == "external_id" {
			if x == "" {
				return nil
			}
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n
			}
		}
	}
	return v
}
