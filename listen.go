package main

// c2desk poll --listen: the office server receives Chat2Desk's webhooks
// over HTTPS, with a certificate the admin gives or one obtained by ACME
// (Let's Encrypt) for a public domain name.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"c2desk/app"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// listenOptions are poll's webhook flags.
type listenOptions struct {
	address    string // --listen host:port
	tlsCert    string
	tlsKey     string
	acmeDomain string
	// acmeDirectory is the ACME server (default Let's Encrypt); tests
	// give a local one.
	acmeDirectory string
	acmeCA        string // a file: the certificate authority of that ACME server, if private
	publicURL     string
	removeHook    bool // --remove-webhook: unregister on a clean stop
}

// check says what is wrong with the flags, or "".
func (l listenOptions) check(cmd string) string {
	used := l.tlsCert != "" || l.tlsKey != "" || l.acmeDomain != "" || l.publicURL != "" || l.removeHook || l.acmeDirectory != "" || l.acmeCA != ""
	switch {
	case l.address == "" && !used:
		return ""
	case cmd != "poll":
		return "--listen and the flags that go with it are for poll only."
	case l.address == "":
		return "The webhook flags need --listen ADDRESS (for example --listen :443)."
	case (l.tlsCert == "") != (l.tlsKey == ""):
		return "--tls-cert and --tls-key go together: the certificate and its key."
	case l.tlsCert != "" && l.acmeDomain != "":
		return "Give either a certificate (--tls-cert, --tls-key) or --acme-domain, not both."
	case l.tlsCert == "" && l.acmeDomain == "":
		return "Webhooks come over HTTPS: give a certificate (--tls-cert FILE --tls-key FILE) or a public domain name to get one for (--acme-domain NAME)."
	case l.publicURL == "" && l.acmeDomain == "":
		return "Say where Chat2Desk reaches this server: --public-url https://NAME[:PORT]."
	}
	return ""
}

// public is the address Chat2Desk posts to.
func (l listenOptions) public() string {
	if l.publicURL != "" {
		return l.publicURL
	}
	return "https://" + l.acmeDomain
}

// tlsConfig is the server's TLS: the admin's certificate, or autocert's.
func (l listenOptions) tlsConfig(dataDir string) (*tls.Config, error) {
	if l.tlsCert != "" {
		pair, err := tls.LoadX509KeyPair(l.tlsCert, l.tlsKey)
		if err != nil {
			return nil, fmt.Errorf("read the certificate and its key: %w", err)
		}
		return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
	}
	cache := filepath.Join(dataDir, "acme")
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return nil, fmt.Errorf("make the certificate folder: %w", err)
	}
	m := &autocert.Manager{Prompt: autocert.AcceptTOS, HostPolicy: autocert.HostWhitelist(l.acmeDomain), Cache: autocert.DirCache(cache)}
	if l.acmeDirectory != "" {
		hc, err := acmeHTTPClient(l.acmeCA)
		if err != nil {
			return nil, err
		}
		m.Client = &acme.Client{DirectoryURL: l.acmeDirectory, HTTPClient: hc}
	}
	cfg := m.TLSConfig() // answers the tls-alpn-01 challenge on this listener
	cfg.MinVersion = tls.VersionTLS12
	return cfg, nil
}

// acmeHTTPClient talks to the ACME server trusting, besides the system's
// authorities, the one in caFile (an office's own ACME server, a test's).
func acmeHTTPClient(caFile string) (*http.Client, error) {
	if caFile == "" {
		return http.DefaultClient, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read the ACME server's authority: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no certificate", caFile)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// webhookServer serves the stream until stop is called.
type webhookServer struct {
	srv    *http.Server
	stream *app.Stream
	done   chan struct{}
}

// startWebhooks listens, registers the webhook with Chat2Desk and serves
// deliveries. A registration that fails is said and tried again by the
// poller; a listener or certificate that fails stops the command.
func startWebhooks(ctx context.Context, core *app.App, l listenOptions, dataDir string, logger *slog.Logger, stdout, stderr io.Writer) (*webhookServer, error) {
	stream, err := core.NewStream(ctx, l.public())
	if err != nil {
		return nil, err
	}
	cfg, err := l.tlsConfig(dataDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", l.address)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", l.address, err)
	}
	ws := &webhookServer{stream: stream, done: make(chan struct{}),
		srv: &http.Server{Handler: stream, TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
			// Handshakes of scanners and the like go to the log, not the terminal.
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelInfo)}}
	go func() {
		defer close(ws.done)
		if err := ws.srv.Serve(tls.NewListener(ln, cfg)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "c2desk: the webhook server stopped:", err)
		}
	}()
	fmt.Fprintf(stdout, "Receiving Chat2Desk's webhooks on %s, posted to %s (the path's secret is not shown).\n", ln.Addr(), l.public())
	if err := stream.Register(ctx); err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err), "C2Desk polls meanwhile and tries again.")
	}
	return ws, nil
}

// stop ends the server; with remove, the webhook is unregistered too.
func (ws *webhookServer) stop(remove bool, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws.srv.Shutdown(ctx)
	<-ws.done
	if remove {
		if err := ws.stream.Unregister(ctx); err != nil {
			fmt.Fprintln(stderr, "c2desk:", sentence(err))
		}
	}
	ws.stream.Stopped(ctx)
}
