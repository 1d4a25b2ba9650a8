package main

// c2desk poll --listen --acme-domain against a real ACME server: Pebble,
// Let's Encrypt's test server, run in this process, with a DNS server of
// its own that names the test domain 127.0.0.1.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"

	"github.com/letsencrypt/challtestsrv"
	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"
	"github.com/miekg/dns"
)

const acmeTestDomain = "c2desk.test"

// startDNS serves A records for the test domain on a free port and waits
// until it answers.
func startDNS(t *testing.T) string {
	t.Helper()
	addr := freePort(t)
	srv, err := challtestsrv.New(challtestsrv.Config{DNSAddrs: []string{addr}, Log: log.New(io.Discard, "", 0)})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetDefaultDNSIPv6("") // the server listens on IPv4 only
	srv.SetDefaultDNSIPv4("")
	srv.AddDNSARecord(acmeTestDomain, []string{"127.0.0.1"})
	go srv.Run()
	t.Cleanup(srv.Shutdown)
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(acmeTestDomain), dns.TypeA)
	c := &dns.Client{Net: "tcp", Timeout: time.Second}
	waitTrue(t, "the test DNS server answers", 10*time.Second, func() bool {
		r, _, err := c.Exchange(q, addr)
		return err == nil && len(r.Answer) == 1
	})
	return addr
}

// startPebble runs an ACME server whose validation authority checks the
// tls-alpn-01 challenge on tlsPort, resolving through dnsAddr. It returns
// the directory URL, a file with the authority of the server's own HTTPS,
// and a pool trusting the certificates it issues.
func startPebble(t *testing.T, tlsPort int, dnsAddr string) (directory, caFile string, issued *x509.CertPool) {
	t.Helper()
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	logger := log.New(io.Discard, "", 0)
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "default"}})
	validation := va.New(logger, 0, tlsPort, false, dnsAddr, store)
	front := wfe.New(logger, store, validation, authority, []string{"pebble.letsencrypt.org"}, false, false, 1, 1)
	hs := httptest.NewTLSServer(front.Handler())
	t.Cleanup(hs.Close)
	caFile = filepath.Join(t.TempDir(), "pebble-https.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.Certificate().Raw}), 0o600)
	issued = x509.NewCertPool()
	issued.AddCert(authority.GetRootCert(0).Cert)
	return hs.URL + wfe.DirectoryPath, caFile, issued
}

func TestPollGetsItsCertificateByACME(t *testing.T) {
	c := newCLI(t)
	t.Cleanup(c.fake.Close)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	addr := freePort(t)
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	directory, caFile, issued := startPebble(t, port, startDNS(t))
	// Chat2Desk reaches the server by its name; here the name is this machine.
	dial := &net.Dialer{Timeout: 5 * time.Second}
	c.fake.SetWebhookClient(&http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: issued},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dial.DialContext(ctx, network, addr)
		}}})
	public := "https://" + acmeTestDomain + ":" + portText
	r, w := io.Pipe()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- run(append(append([]string{}, c.baseArg...), "poll", "--listen", addr, "--acme-domain", acmeTestDomain,
			"--acme-directory", directory, "--acme-ca", caFile, "--public-url", public), strings.NewReader(""), w, &errOut)
		w.Close()
	}()
	go io.Copy(io.Discard, bufio.NewReader(r))
	waitTrue(t, "the webhook registered", 20*time.Second, func() bool { return len(c.fake.Webhooks()) == 1 })
	c.fake.ClientWrites(c.fake.Clients()[0].ID, "Через сертификат ACME")
	// The first delivery's handshake makes the server obtain its
	// certificate; the delivery then goes through.
	waitTrue(t, "a delivery over the ACME certificate", 60*time.Second, func() bool { n, _ := c.fake.Deliveries(); return n >= 1 })
	if _, err := os.Stat(filepath.Join(c.dir, "acme", acmeTestDomain)); err != nil {
		t.Fatalf("the certificate is not kept for the next start: %v", err)
	}
	stopPoll(t, done, &errOut)
}
