package app

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// mediaServer serves files by name, counting the downloads, and refuses
// HEAD as a link signed for GET only does.
type mediaServer struct {
	*httptest.Server
	gets atomic.Int32
}

func newMediaServer(t *testing.T, files map[string][]byte) *mediaServer {
	m := &mediaServer{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		switch {
		case r.Method == http.MethodHead:
			w.WriteHeader(http.StatusForbidden)
		case name == "huge.mp4": // says its size before any byte
			w.Header().Set("Content-Length", strconv.Itoa(maxMediaSize+1))
			w.WriteHeader(http.StatusOK)
		case files[name] != nil:
			if r.Header.Get("Range") == "" {
				m.gets.Add(1)
			}
			http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(files[name]))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(m.Close)
	return m
}

func TestMediaIsCachedWithinItsBound(t *testing.T) {
	e := newEnv(t)
	photo := bytes.Repeat([]byte("p"), 4000)
	srv := newMediaServer(t, map[string][]byte{"a.jpg": photo, "b.jpg": photo, "c.pdf": photo})
	p, err := e.app.Media(ctx, srv.URL+"/a.jpg", "kvartira.jpg")
	if err != nil || filepath.Ext(p) != ".jpg" {
		t.Fatalf("%s %v", p, err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, photo) {
		t.Fatal("the cached file differs")
	}
	if again, err := e.app.Media(ctx, srv.URL+"/a.jpg", "kvartira.jpg"); err != nil || again != p || srv.gets.Load() != 1 {
		t.Fatalf("downloaded again: %d gets, %v", srv.gets.Load(), err)
	}
	// The size of a cached file is read on disk; of another, from a
	// one-byte GET, since HEAD is refused.
	if size, _, err := e.app.MediaInfo(ctx, srv.URL+"/a.jpg", "kvartira.jpg"); err != nil || size != 4000 {
		t.Fatalf("%d %v", size, err)
	}
	if size, kind, err := e.app.MediaInfo(ctx, srv.URL+"/c.pdf", ""); err != nil || size != 4000 || kind != "application/pdf" || srv.gets.Load() != 1 {
		t.Fatalf("%d %q %v, %d gets", size, kind, err, srv.gets.Load())
	}
	_, err = e.app.Media(ctx, srv.URL+"/huge.mp4", "")
	wantProblem(t, err, MsgMediaTooBig)
	_, err = e.app.Media(ctx, srv.URL+"/gone.jpg", "")
	wantProblem(t, err, MsgMediaUnavailable)
	_, err = e.app.Media(ctx, "javascript:alert(1)", "")
	wantProblem(t, err, MsgMediaUnavailable)

	// Past its bound the cache lets the least recently used go.
	defer func(was int64) { maxMediaCache = was }(maxMediaCache)
	maxMediaCache = 9000
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	b, err := e.app.Media(ctx, srv.URL+"/b.jpg", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Media(ctx, srv.URL+"/c.pdf", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatal("the oldest file is still cached")
	}
	if _, err := os.Stat(b); err != nil {
		t.Fatal("a recent file was removed")
	}
}
