package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

func TestListenFlagsGoTogether(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--listen", ":8443"}, "for poll only"},
		{[]string{"poll", "--tls-cert", "a.pem"}, "need --listen"},
		{[]string{"poll", "--listen", ":8443"}, "Webhooks come over HTTPS"},
		{[]string{"poll", "--listen", ":8443", "--tls-cert", "a.pem"}, "go together"},
		{[]string{"poll", "--listen", ":8443", "--tls-cert", "a.pem", "--tls-key", "k.pem", "--acme-domain", "c2.example.ru"}, "not both"},
		{[]string{"poll", "--listen", ":8443", "--tls-cert", "a.pem", "--tls-key", "k.pem"}, "--public-url"},
	} {
		if code, _, errOut := c.run("", tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: %d %q", tc.args, code, errOut)
		}
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// files and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "c2desk test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitTrue(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// c2desk poll --listen registers its webhook, stores what Chat2Desk
// delivers over HTTPS, and on SIGTERM with --remove-webhook removes it.
func TestPollListensForWebhooks(t *testing.T) {
	c := newCLI(t)
	t.Cleanup(c.fake.Close)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	if code, _, errOut := c.run("", "sync"); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	certFile, keyFile, pool := selfSigned(t)
	c.fake.SetWebhookClient(&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}})
	addr := freePort(t)
	r, w := io.Pipe()
	done := make(chan int, 1)
	var errOut strings.Builder
	go func() {
		done <- run(append(append([]string{}, c.baseArg...), "poll", "--listen", addr, "--tls-cert", certFile, "--tls-key", keyFile,
			"--public-url", "https://"+addr, "--remove-webhook"), strings.NewReader(""), w, &errOut)
		w.Close()
	}()
	lines := bufio.NewScanner(r)
	lines.Scan()
	if !lines.Scan() || !strings.Contains(lines.Text(), "Receiving Chat2Desk's webhooks on "+addr) {
		t.Fatalf("second line: %q (%s)", lines.Text(), errOut.String())
	}
	go io.Copy(io.Discard, r)
	waitTrue(t, "the webhook registered", 10*time.Second, func() bool { return len(c.fake.Webhooks()) == 1 })
	hook := c.fake.Webhooks()[0]
	if !strings.HasPrefix(string(hook.URL), "https://"+addr+"/c2desk/hook/") || len(string(hook.URL)) < len("https://"+addr+"/c2desk/hook/")+32 {
		t.Fatalf("registered %s", hook.URL)
	}
	m, _ := c.fake.ClientWrites(c.fake.Clients()[0].ID, "Сообщение через веб-хук")
	waitTrue(t, "the delivery taken", 10*time.Second, func() bool { n, _ := c.fake.Deliveries(); return n >= 1 })
	stopPoll(t, done, &errOut)
	if len(c.fake.Webhooks()) != 0 {
		t.Fatal("--remove-webhook left the webhook registered")
	}
	s, err := storage.Open(context.Background(), c.dir)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := s.IncomingAfter(context.Background(), int64(m.ID)-1, 1)
	s.Close()
	if len(msgs) != 1 || msgs[0].Text != "Сообщение через веб-хук" {
		t.Fatalf("stored %+v", msgs)
	}
	_, out, _ := c.run("", "doctor")
	if !strings.Contains(out, "not received since the server stopped") {
		t.Fatalf("doctor: %s", out)
	}
	if strings.Contains(out, string(hook.URL)) || strings.Contains(errOut.String(), strings.TrimPrefix(string(hook.URL), "https://"+addr+"/c2desk/hook/")) {
		t.Fatal("the webhook's secret was shown")
	}
}

// stopPoll sends SIGTERM, as systemd does, and expects poll to exit 0.
func stopPoll(t *testing.T, done <-chan int, errOut *strings.Builder) {
	t.Helper()
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("poll did not stop on SIGTERM")
	}
}
