package app

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"c2desk/c2dapi/c2dfake"

	"golang.org/x/crypto/bcrypt"
)

// officeProxy is a real HTTP proxy on this machine's loopback: it tunnels
// CONNECT and forwards plain requests, always to the test's server
// whatever host was asked (so no name is ever resolved), or answers as a
// proxy that wants a password or refuses.
type officeProxy struct {
	*httptest.Server
	to      string // the one server it reaches
	answer  int    // 0: pass; else the status it answers with
	tunnels atomic.Int32
	asked   atomic.Value // the host last asked for
}

func newOfficeProxy(t *testing.T, to string) *officeProxy {
	p := &officeProxy{to: to}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *officeProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.asked.Store(r.Host)
	switch {
	case p.answer == http.StatusProxyAuthRequired:
		w.Header().Set("Proxy-Authenticate", `Basic realm="office"`)
		w.WriteHeader(p.answer)
	case p.answer != 0:
		w.WriteHeader(p.answer)
	case r.Method == http.MethodConnect:
		p.tunnel(w)
	default:
		p.forward(w, r)
	}
}

func (p *officeProxy) tunnel(w http.ResponseWriter) {
	server, err := net.Dial("tcp", p.to)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	client, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		server.Close()
		return
	}
	p.tunnels.Add(1)
	client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() { io.Copy(server, client); server.Close() }()
	io.Copy(client, server)
	client.Close()
}

func (p *officeProxy) forward(w http.ResponseWriter, r *http.Request) {
	out, _ := http.NewRequest(r.Method, "http://"+p.to+r.URL.RequestURI(), r.Body)
	out.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// proxiedApp is an App that reaches Chat2Desk at apiURL through the proxy
// the environment names (set before it starts, as at a PC's start).
func proxiedApp(t *testing.T, e *env, apiURL string, trust *tls.Config) *App {
	a := New(e.store, Keyring{}, Config{APIURL: apiURL, RequestsPerSecond: -1, PINHashCost: bcrypt.MinCost, DataDir: e.dir})
	a.transport.(*proxiedTransport).base.TLSClientConfig = trust
	return a
}

// Chat2Desk over HTTPS through the office's proxy (HTTPS_PROXY, with a
// password in it that never shows); a proxy that wants a password,
// refuses, or does not answer is named in the sentence and by the doctor.
func TestThroughTheOfficeProxy(t *testing.T) {
	e := newEnv(t)
	api := httptest.NewTLSServer(e.fake)
	defer api.Close()
	trust := api.Client().Transport.(*http.Transport).TLSClientConfig
	proxy := newOfficeProxy(t, api.Listener.Addr().String())
	proxyAt := strings.Replace(proxy.URL, "http://", "http://office:s3cret@", 1)
	t.Setenv("HTTPS_PROXY", proxyAt)
	t.Setenv("NO_PROXY", "intranet.example")

	// example.com is the test certificate's name; only the proxy "resolves" it.
	a := proxiedApp(t, e, "https://example.com/v1", trust)
	if _, err := a.Console().Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatalf("connect through the proxy: %v", err)
	}
	if proxy.tunnels.Load() == 0 || proxy.asked.Load() != "example.com:443" {
		t.Fatalf("the proxy tunnelled %d times, last to %v", proxy.tunnels.Load(), proxy.asked.Load())
	}
	line := doctorLine(t, a.Doctor(ctx), "proxy")
	if !strings.Contains(line.Detail, proxy.URL+" for example.com") || strings.Contains(line.Detail, "s3cret") ||
		!strings.Contains(line.Detail, "HTTPS_PROXY") {
		t.Fatalf("doctor's proxy line: %+v", line)
	}
	if via, _ := proxiedApp(t, e, "https://intranet.example/v1", trust).ProxyInUse(); via != "" {
		t.Fatalf("NO_PROXY's host goes through %s", via)
	}

	for status, want := range map[int]string{http.StatusProxyAuthRequired: MsgProxyAuth, http.StatusForbidden: MsgProxyRefused} {
		proxy.answer = status
		a := proxiedApp(t, e, "https://example.com/v1", trust)
		_, err := a.Console().Connect(ctx, c2dfake.DemoToken)
		if msg, data := Describe(err); msg != want || data["Proxy"] != proxy.URL || data["Host"] != "example.com:443" {
			t.Fatalf("proxy answering %d: %q %v (%v)", status, msg, data, err)
		}
		if api := doctorLine(t, a.Doctor(ctx), "api"); !strings.Contains(api.Detail, "The proxy server "+proxy.URL) {
			t.Fatalf("doctor's api line with the proxy answering %d: %+v", status, api)
		}
	}

	// A plain-http address through HTTP_PROXY: the proxy's 407 is the
	// proxy's, not Chat2Desk's.
	t.Setenv("HTTP_PROXY", proxy.URL)
	proxy.answer = http.StatusProxyAuthRequired
	_, err := proxiedApp(t, e, "http://api.chat2desk.test/v1", nil).Console().Connect(ctx, c2dfake.DemoToken)
	if msg, _ := Describe(err); msg != MsgProxyAuth {
		t.Fatalf("plain http, a password wanted: %q (%v)", msg, err)
	}

	// A proxy that is not there.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	t.Setenv("HTTPS_PROXY", gone.URL)
	_, err = proxiedApp(t, e, "https://example.com/v1", trust).Console().Connect(ctx, c2dfake.DemoToken)
	if msg, data := Describe(err); msg != MsgProxyDown || data["Proxy"] != gone.URL {
		t.Fatalf("no proxy there: %q %v (%v)", msg, data, err)
	}
}
