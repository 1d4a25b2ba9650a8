package c2dfake

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The seeded files do not load until the fake serves them, and then load
// as what their names say.
func TestSampleFilesLoadOnceServed(t *testing.T) {
	s := New()
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	links := func() []string {
		var out []string
		for _, m := range s.Messages() {
			if m.DialogID != 9001 {
				continue
			}
			for _, a := range m.Attachments {
				out = append(out, string(a.Link))
			}
		}
		return out
	}
	before := links()
	if len(before) < 3 || !strings.HasPrefix(before[0], sampleHost) {
		t.Fatalf("the first chat's files: %v", before)
	}
	s.ServeSamples(hs.URL + "/v1")
	after := links()
	for _, link := range after {
		if !strings.HasPrefix(link, hs.URL+samplesPath) {
			t.Fatalf("a link not moved: %s", link)
		}
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode != http.StatusOK:
			t.Fatalf("%s: %s", link, resp.Status)
		case strings.HasSuffix(link, ".pdf"):
			if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data, []byte("%%EOF")) {
				t.Fatalf("%s is no PDF", link)
			}
		default:
			cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil || format != "jpeg" || cfg.Width != 640 || resp.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("%s: %v %s %v", link, cfg, format, err)
			}
		}
	}
	one, two := SamplePhoto(1), SamplePhoto(2)
	if bytes.Equal(one, two) {
		t.Fatal("two photos are the same")
	}
}
