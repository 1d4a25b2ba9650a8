package app

// Offices sit behind proxies: set in Windows (by hand, by a PAC script or
// found by automatic detection) or, anywhere, in HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY. Every call C2Desk makes — Chat2Desk, the file storage, the
// links it fetches — goes through the proxy this computer names, and a
// proxy that asks for a password, refuses or does not answer is named in
// the sentence the person reads.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"golang.org/x/net/http/httpproxy"
)

// Sentences about the office's proxy.
const (
	MsgProxyAuth    = "The proxy server {{.Proxy}} asks for a password, which C2Desk cannot give. Ask whoever runs the office's network to let C2Desk through to {{.Host}}."
	MsgProxyRefused = "The proxy server {{.Proxy}} refused to connect C2Desk to {{.Host}} (answer {{.Status}}). Ask whoever runs the office's network to let C2Desk through."
	MsgProxyDown    = "The proxy server {{.Proxy}} set on this computer does not answer. Check the proxy in the system's network settings, or ask whoever runs the office's network."
)

// ProxyError: the proxy between C2Desk and a server stopped a request.
type ProxyError struct {
	Proxy  string // the proxy's address, without any password
	Host   string // where the request was going
	Status int    // the proxy's answer (407: it wants a password); 0: none
	Err    error
}

func (e *ProxyError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("proxy %s does not answer: %v", e.Proxy, e.Err)
	}
	return fmt.Sprintf("proxy %s answered %d for %s", e.Proxy, e.Status, e.Host)
}

func (e *ProxyError) Unwrap() error { return e.Err }

// sentence is what the person reads.
func (e *ProxyError) sentence() *Problem {
	data := []any{"Proxy", e.Proxy, "Host", e.Host, "Status", strconv.Itoa(e.Status)}
	switch e.Status {
	case 0:
		return problem(MsgProxyDown, data...)
	case http.StatusProxyAuthRequired:
		return problem(MsgProxyAuth, data...)
	}
	return problem(MsgProxyRefused, data...)
}

// proxySetting is the proxy this computer names: where the setting comes
// from, for the doctor, and the proxy for each request (nil: none).
type proxySetting struct {
	source string // empty when no proxy is set
	forReq func(*http.Request) (*url.URL, error)
}

// systemProxy reads the proxy setting: the environment's variables when
// set, as on every system; else, on Windows, Windows' own.
func systemProxy() proxySetting {
	env := httpproxy.FromEnvironment()
	if env.HTTPProxy != "" || env.HTTPSProxy != "" {
		f := env.ProxyFunc()
		return proxySetting{source: "HTTPS_PROXY, HTTP_PROXY and NO_PROXY",
			forReq: func(r *http.Request) (*url.URL, error) { return f(r.URL) }}
	}
	return osProxy()
}

// via is the proxy a request goes through, nil when none.
func (s proxySetting) via(r *http.Request) (*url.URL, error) {
	if s.forReq == nil {
		return nil, nil
	}
	return s.forReq(r)
}

// proxiedTransport sends requests through the proxy and turns a proxy's
// refusal into a ProxyError.
type proxiedTransport struct {
	proxy proxySetting
	base  *http.Transport
}

func newProxiedTransport(s proxySetting, base *http.Transport) *proxiedTransport {
	base.Proxy = s.via
	base.OnProxyConnectResponse = func(_ context.Context, proxy *url.URL, connect *http.Request, resp *http.Response) error {
		if resp.StatusCode == http.StatusOK {
			return nil
		}
		return &ProxyError{Proxy: proxyName(proxy), Host: connect.Host, Status: resp.StatusCode}
	}
	return &proxiedTransport{proxy: s, base: base}
}

// RoundTrip asks the proxy setting again only to name a proxy that failed:
// the transport asked it for the request already, and on Windows each
// question may go to WinHTTP.
func (p *proxiedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := p.base.RoundTrip(req)
	var op *net.OpError
	switch {
	case err != nil && errors.As(err, &op) && op.Op == "proxyconnect": // only a proxy is dialled so
		proxy, _ := p.proxy.via(req)
		return nil, &ProxyError{Proxy: proxyName(proxy), Host: req.URL.Host, Err: err}
	case err != nil || resp.StatusCode != http.StatusProxyAuthRequired:
		return resp, err
	}
	// 407 to a plain-http request: the proxy's, when there is one.
	proxy, _ := p.proxy.via(req)
	if proxy == nil {
		return resp, nil
	}
	resp.Body.Close()
	return nil, &ProxyError{Proxy: proxyName(proxy), Host: req.URL.Host, Status: resp.StatusCode}
}

// proxyName is a proxy's address without the password it may carry.
func proxyName(u *url.URL) string {
	if u == nil {
		return ""
	}
	scheme := u.Scheme
	if scheme == "" {
		scheme = "http" // a PAC script names host:port only
	}
	return (&url.URL{Scheme: scheme, Host: u.Host}).String()
}

// newTransport is a transport for Chat2Desk and the file storage.
func (a *App) newTransport(base *http.Transport) http.RoundTripper {
	return newProxiedTransport(a.proxy, base)
}

// ProxyInUse names the proxy a call to the API goes through and where
// that setting comes from; empty when C2Desk connects directly.
func (a *App) ProxyInUse() (proxy, source string) {
	req, err := http.NewRequest(http.MethodGet, a.cfg.APIURL, nil)
	if err != nil {
		return "", ""
	}
	u, err := a.proxy.via(req)
	if err != nil || u == nil {
		return "", a.proxy.source
	}
	return proxyName(u), a.proxy.source
}
