package app

import (
	"bytes"
	"io"
	"sync"
)

// Redactor knows the secrets in use and removes them from text. The token is
// never logged on purpose; this is the net under that rule.
type Redactor struct {
	mu      sync.RWMutex
	secrets [][]byte
}

// Add registers a secret to hide.
func (r *Redactor) Add(secret string) {
	if len(secret) < 4 {
		return // too short to redact without mangling ordinary text
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.secrets {
		if string(s) == secret {
			return
		}
	}
	r.secrets = append(r.secrets, []byte(secret))
}

// Redact replaces every known secret in b.
func (r *Redactor) Redact(b []byte) []byte {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.secrets {
		b = bytes.ReplaceAll(b, s, []byte("[redacted]"))
	}
	return b
}

// Writer wraps w so that everything written through it is redacted. slog
// handlers write one record per call, so a secret is never split.
func (r *Redactor) Writer(w io.Writer) io.Writer { return redactingWriter{r, w} }

type redactingWriter struct {
	r *Redactor
	w io.Writer
}

func (rw redactingWriter) Write(p []byte) (int, error) {
	if _, err := rw.w.Write(rw.r.Redact(bytes.Clone(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
