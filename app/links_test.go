package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// The address check is decided over lists of addresses: nothing here
// connects anywhere.
func TestPublicAddressOverLists(t *testing.T) {
	notPublic := []string{"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.254", "192.168.1.1",
		"169.254.169.254", "100.64.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255", "198.18.0.1",
		"192.0.2.1", "203.0.113.9", "240.0.0.1", "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:192.168.0.10", "::127.0.0.1", "64:ff9b::a00:1",
		"64:ff9b::7f00:1", "2002:c0a8:101::1", "2002:7f00:1::1", "2001:db8::1", "fec0::1"}
	public := []string{"8.8.8.8", "93.184.216.34", "77.88.55.242", "172.32.0.1", "100.128.0.1", "2a00:1450:4010:c05::8a",
		"64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"}
	for _, s := range notPublic {
		if publicAddress(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as public", s)
		}
	}
	for _, s := range public {
		if !publicAddress(netip.MustParseAddr(s)) {
			t.Errorf("%s counted as not public", s)
		}
	}
}

// countingTrip answers every request it is handed, counting them.
type countingTrip struct{ calls atomic.Int32 }

func (c *countingTrip) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("ok")), Request: r}, nil
}

// A link is checked before any connection: its scheme, its host as
// written, and every address its name resolves to (made-up answers here).
func TestLinkCheckedBeforeConnecting(t *testing.T) {
	answers := map[string][]string{
		"files.example":  {"10.0.0.7"},
		"mixed.example":  {"93.184.216.34", "192.168.0.2"},
		"cdn.example":    {"93.184.216.34", "2a00:1450:4010:c05::8a"},
		"router.example": {"::ffff:192.168.1.1"},
	}
	f := newLinkFetcher(nil, proxySetting{})
	f.lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, s := range answers[host] {
			out = append(out, netip.MustParseAddr(s))
		}
		if out == nil {
			return nil, errors.New("no such host")
		}
		return out, nil
	}
	direct, proxied := &countingTrip{}, &countingTrip{}
	f.direct, f.proxied = direct, proxied
	f.proxy = func(*http.Request) (*url.URL, error) { return nil, nil }
	refused := []string{"http://10.0.0.7/a.jpg", "https://192.168.1.1/", "http://[::1]:8080/x", "http://169.254.169.254/latest/meta-data/",
		"https://files.example/a.jpg", "https://mixed.example/a.jpg", "http://router.example/", "http://localhost:5432/",
		"http://db.localhost/", "ftp://cdn.example/a.jpg", "file:///etc/passwd"}
	client := f.client(0)
	for _, link := range refused {
		_, err := client.Get(link)
		if !errors.Is(err, errNotPublic) {
			t.Errorf("%s: %v, want a refusal", link, err)
		}
	}
	if direct.calls.Load() != 0 || proxied.calls.Load() != 0 {
		t.Fatalf("refused links reached a transport: %d direct, %d through the proxy", direct.calls.Load(), proxied.calls.Load())
	}
	if resp, err := client.Get("https://cdn.example/a.jpg"); err != nil || resp.StatusCode != http.StatusOK || direct.calls.Load() != 1 {
		t.Fatalf("a public link: %v, %d direct calls", err, direct.calls.Load())
	}
	// Through the office's proxy, which connects for C2Desk: the names are
	// still checked here first.
	f.proxy = func(*http.Request) (*url.URL, error) { return url.Parse("http://10.0.0.1:3128") }
	if _, err := client.Get("https://files.example/a.jpg"); !errors.Is(err, errNotPublic) || proxied.calls.Load() != 0 {
		t.Fatalf("a private name through the proxy: %v, %d calls", err, proxied.calls.Load())
	}
	if _, err := client.Get("https://cdn.example/a.jpg"); err != nil || proxied.calls.Load() != 1 {
		t.Fatalf("a public link through the proxy: %v, %d calls", err, proxied.calls.Load())
	}

	// The demo and the tests: nothing but their own servers, no name
	// looked up.
	f.onlyLocal = true
	f.lookup = func(context.Context, string) ([]netip.Addr, error) {
		t.Fatal("a name was looked up")
		return nil, nil
	}
	if _, err := client.Get("https://cdn.example/a.jpg"); !errors.Is(err, errNotPublic) {
		t.Fatalf("a public link with links kept local: %v", err)
	}
}

// The address dialled is checked again (a name may resolve to another
// address by then); the demo's stand-ins pass by host and port only.
func TestDialledAddressChecked(t *testing.T) {
	f := newLinkFetcher([]string{"127.0.0.1:8080"}, proxySetting{})
	cases := map[string]bool{"127.0.0.1:8080": true, "127.0.0.1:8081": false, "10.0.0.5:443": false, "[::1]:8080": false,
		"93.184.216.34:443": true, "[2a00:1450:4010:c05::8a]:443": true, "[::ffff:192.168.0.1]:80": false}
	for addr, ok := range cases {
		if err := f.checkDialled("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("dialling %s: %v", addr, err)
		}
	}
}

// Real fetches, on this machine's loopback only: a link to 127.0.0.1 is
// refused outside the demo, and so is a redirect to it from a server the
// demo runs; no cookie is kept between requests.
func TestLinksIntoThisMachineRefused(t *testing.T) {
	e := newEnv(t)
	var inside atomic.Int32
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inside.Add(1)
		w.Write([]byte("the router's page"))
	}))
	defer private.Close()
	var cookies atomic.Int32
	stand := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") != "" {
			cookies.Add(1)
		}
		switch r.URL.Path {
		case "/to-router.jpg":
			http.Redirect(w, r, private.URL+"/admin", http.StatusFound)
		case "/again.jpg":
			http.SetCookie(w, &http.Cookie{Name: "track", Value: "1"})
			http.Redirect(w, r, "/a.jpg", http.StatusFound)
		default:
			w.Write([]byte("a photo"))
		}
	}))
	defer stand.Close()

	e.app.links = newLinkFetcher(nil, proxySetting{}) // not the demo: nothing on this machine
	for _, link := range []string{private.URL + "/a.jpg", stand.URL + "/a.jpg"} {
		if _, err := e.app.Media(ctx, link, "a.jpg"); explained(err) != MsgLinkNotPublic {
			t.Fatalf("%s: %v", link, err)
		}
		if _, _, err := e.app.MediaInfo(ctx, link, "a.jpg"); explained(err) != MsgLinkNotPublic {
			t.Fatalf("size of %s: %v", link, err)
		}
	}
	e.app.links = newLinkFetcher([]string{strings.TrimPrefix(stand.URL, "http://")}, proxySetting{}) // the demo's stand-in
	if _, err := e.app.Media(ctx, stand.URL+"/to-router.jpg", "a.jpg"); explained(err) != MsgLinkNotPublic {
		t.Fatalf("a redirect into this machine: %v", err)
	}
	if p, err := e.app.Media(ctx, stand.URL+"/again.jpg", "b.jpg"); err != nil || p == "" {
		t.Fatalf("the stand-in's own file: %v", err)
	}
	if inside.Load() != 0 || cookies.Load() != 0 {
		t.Fatalf("the private server was asked %d times; %d requests carried a cookie", inside.Load(), cookies.Load())
	}
}

// explained is the sentence an error tells the user.
func explained(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return p.Msg
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
