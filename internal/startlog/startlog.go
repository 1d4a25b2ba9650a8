// Package startlog holds back what libraries write to the standard logger
// while the program's packages are initialised, before main runs: Fyne
// writes three "Error parsing user locale C" lines there under LANG=C. A
// command's standard error is for its one sentence, so main takes the held
// lines (to write them to C2Desk's log) and only then lets the standard
// logger write to standard error again.
//
// main imports it first; Go initialises packages in import-path order when
// it may (c2desk/... before fyne.io/...), and this package needs nothing
// but the standard library, so it is set up before Fyne's are.
package startlog

import (
	"bytes"
	"io"
	"log"
	"sync"
)

// held is the one piece of state: what was logged before main ran.
var held struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

type holder struct{}

func (holder) Write(p []byte) (int, error) {
	held.mu.Lock()
	defer held.mu.Unlock()
	return held.buf.Write(p)
}

func init() { log.SetOutput(holder{}) }

// Release sends the standard logger to w from now on and returns what was
// held until now (empty when nothing was logged, or on a second call).
func Release(w io.Writer) string {
	held.mu.Lock()
	defer held.mu.Unlock()
	log.SetOutput(w)
	out := held.buf.String()
	held.buf.Reset()
	return out
}
