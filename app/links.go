package app

// Links in messages come from strangers, and C2Desk fetches some by
// itself (photos, file sizes) the moment a chat opens. A link must not
// make an office PC reach into its own network — the router, a printer's
// page, the office database's server — so a link is fetched only over
// http or https from a public address: checked before each request and
// each redirect, and again at the moment of connecting, after DNS has
// answered (a name may resolve to one address when checked and another
// when dialled). No cookies go with it; size and time are bounded by the
// callers.

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MsgLinkNotPublic is why a file's link is not fetched.
const MsgLinkNotPublic = "The file's link points into this computer or the office's own network, which C2Desk does not reach for a client's message."

// errNotPublic is a link's refusal, before or while connecting.
var errNotPublic = errors.New("the address is not on the public internet")

// nonPublic are ranges netip's predicates do not cover: shared (carrier
// NAT), reserved, documentation, benchmarking and protocol addresses.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/96"), // IPv4-compatible, deprecated
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("fec0::/10"),
}

// Ranges that carry an IPv4 address inside an IPv6 one: public only when
// the address they carry is.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// publicAddress reports whether ip is on the public internet: not this
// machine, not a private, link-local, shared or reserved network.
func publicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	b := ip.As16()
	switch {
	case ip.Is4():
		return true
	case nat64.Contains(ip):
		return publicAddress(netip.AddrFrom4([4]byte(b[12:16])))
	case sixToFour.Contains(ip):
		return publicAddress(netip.AddrFrom4([4]byte(b[2:6])))
	}
	return true
}

// linkFetcher fetches links from strangers: only from public addresses,
// except the servers this machine runs for the demo.
type linkFetcher struct {
	// local are the demo's stand-ins on this machine ("host:port", or a
	// host for any port), which links may reach although they are not
	// public.
	local []string
	// onlyLocal refuses every other link before looking anything up.
	onlyLocal bool
	// lookup resolves a host name (a variable for tests, which decide
	// over made-up answers without connecting).
	lookup func(ctx context.Context, host string) ([]netip.Addr, error)
	// proxy names the proxy a request goes through, nil when none.
	proxy func(*http.Request) (*url.URL, error)
	// direct connects itself, refusing what is not public; proxied hands
	// requests to the office's proxy, which connects.
	direct, proxied http.RoundTripper
}

func newLinkFetcher(local []string, proxy proxySetting) *linkFetcher {
	f := &linkFetcher{local: local, proxy: proxy.via,
		lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}}
	dialer := &net.Dialer{Timeout: 30 * time.Second, Control: f.checkDialled}
	f.direct = &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second}
	f.proxied = newProxiedTransport(proxy, &http.Transport{TLSHandshakeTimeout: 15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second})
	return f
}

// client is an HTTP client for links: no cookie jar, every redirect
// checked as the first request was.
func (f *linkFetcher) client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: f, Timeout: timeout}
}

// RoundTrip checks a request's address, then sends it directly or
// through the proxy.
func (f *linkFetcher) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := f.checkURL(req.Context(), req.URL); err != nil {
		return nil, err
	}
	via, err := f.proxy(req)
	if err != nil {
		return nil, err
	}
	if via != nil {
		return f.proxied.RoundTrip(req)
	}
	return f.direct.RoundTrip(req)
}

// checkURL refuses a link that is not http(s) or whose host is, or
// resolves to, an address that is not public.
func (f *linkFetcher) checkURL(ctx context.Context, u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return errNotPublic
	}
	host := u.Hostname()
	if f.isLocal(host, u.Port(), u.Scheme) {
		return nil
	}
	if f.onlyLocal {
		return errNotPublic
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if !publicAddress(ip) {
			return errNotPublic
		}
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return errNotPublic
	}
	ips, err := f.lookup(ctx, host)
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if !publicAddress(ip) {
			return errNotPublic
		}
	}
	return nil
}

// checkDialled refuses a connection to an address that is not public:
// the address DNS gave when dialling, which may differ from the checked.
func (f *linkFetcher) checkDialled(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return errNotPublic
	}
	if publicAddress(ap.Addr()) || f.isLocal(ap.Addr().Unmap().String(), strconv.Itoa(int(ap.Port())), "") {
		return nil
	}
	return errNotPublic
}

// isLocal reports whether host and port (the scheme's when empty) are one
// of the demo's stand-ins.
func (f *linkFetcher) isLocal(host, port, scheme string) bool {
	if port == "" && scheme != "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	for _, l := range f.local {
		h, p, err := net.SplitHostPort(l)
		if err != nil {
			h, p = l, ""
		}
		if strings.EqualFold(h, host) && (p == "" || p == port) {
			return true
		}
	}
	return false
}
