package c2dfake

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"time"
)

// Fault makes the server misbehave on matching requests.
type Fault struct {
	PathContains string        // "" matches every request
	Method       string        // "" matches every method
	Times        int           // how many requests it affects; 0 means until cleared
	Delay        time.Duration // wait before answering (or before the fault's own answer)
	Status       int           // answer this status with Body instead of the real answer
	Body         string
	RetryAfter   string // Retry-After header to send with Status
	Truncate     bool   // send only the first half of the real answer
	LoseAnswer   bool   // carry the request out, then never answer (the client times out)
	// Stall sends the first half of the real answer, then waits this long
	// before the rest: a body that trickles in.
	Stall time.Duration
}

// Ready-made faults for the cases the app must survive.
var (
	FaultAuth      = Fault{Status: http.StatusUnauthorized, Body: `{"status":"error","message":"You need to auth"}`}
	FaultRateLimit = Fault{Status: http.StatusTooManyRequests, Body: `{"status":"error","message":"Number of API requests exceeded"}`, RetryAfter: "1"}
	FaultQuota     = Fault{Status: http.StatusForbidden, Body: `{"status":"error","message":"API calls exceeded API limit per month"}`}
	FaultServer    = Fault{Status: http.StatusInternalServerError, Body: `{"status":"error","message":"Internal server error"}`}
	FaultMalformed = Fault{Status: http.StatusOK, Body: `<html><body>Service temporarily unavailable</body></html>`}
	FaultTruncated = Fault{Truncate: true}
)

// Slow returns a fault that delays answers by d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Inject adds a fault; the newest matching fault wins.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the newest fault matching the request and counts its use.
func (s *Server) takeFault(method, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.faults) - 1; i >= 0; i-- {
		f := s.faults[i]
		if f.PathContains != "" && !strings.Contains(path, f.PathContains) || f.Method != "" && f.Method != method {
			continue
		}
		out := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// applyFault answers the request if a fault matches; it reports whether it did.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	f := s.takeFault(r.Method, r.URL.Path)
	if f == nil {
		return false
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		w.Write([]byte(f.Body))
		return true
	case f.LoseAnswer:
		s.serve(httptest.NewRecorder(), r)
		<-r.Context().Done()
		return true
	case f.Truncate, f.Stall > 0:
		// The first half of the real answer; the rest never, or late.
		rec := httptest.NewRecorder()
		s.serve(rec, r)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		w.Write(body[:len(body)/2])
		if f.Truncate {
			return true
		}
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		select {
		case <-time.After(f.Stall):
			w.Write(body[len(body)/2:])
		case <-r.Context().Done():
		}
		return true
	}
	return false // a pure delay: answer normally
}
