package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"

	"github.com/zalando/go-keyring"
)

// The token never leaks: connect with a known token, sync, send, make
// Chat2Desk echo the token back in its errors, crash twice (in run and in
// another goroutine), then look for the token everywhere C2Desk could have
// put it: every file under a private home (the data folder, the log, the
// crash report, an exported settings file, anything a toolkit writes),
// everything printed, and the process's arguments and environment.

const leakChildEnv = "C2DESK_LEAK_CHILD"

// leakHome points HOME and the XDG and temp folders into one scanned tree.
func leakHome(t *testing.T) string {
	home := t.TempDir()
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR"} {
		dir := filepath.Join(home, strings.ToLower(v))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		t.Setenv(v, dir)
	}
	return home
}

// echoFaults make Chat2Desk repeat the token in what it sends back, as a
// badly configured proxy might.
func echoFaults(token string) []c2dfake.Fault {
	return []c2dfake.Fault{
		{PathContains: "/messages", Status: http.StatusBadRequest,
			Body: `{"status":"error","message":"Validation failed for ` + token + `","errors":{"text":["` + token + ` is not allowed"],"` + token + `":["?"]}}`},
		{PathContains: "/channels", Status: http.StatusInternalServerError,
			Body: `<html>Upstream error. Authorization: ` + token + `</html>`},
		{PathContains: "/operators", Status: http.StatusUnauthorized,
			Body: `{"status":"error","message":"Token ` + token + ` was revoked"}`},
	}
}

func scanForToken(t *testing.T, token, root string, printed ...string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(path, token) {
			t.Errorf("the token is in a file name: %s", path)
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(token)) {
			t.Errorf("the token is in %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range printed {
		if strings.Contains(p, token) {
			t.Errorf("the token was printed (output %d): %q", i, p)
		}
	}
	for _, kv := range os.Environ() {
		if strings.Contains(kv, token) {
			t.Errorf("the token is in the environment: %s", strings.SplitN(kv, "=", 2)[0])
		}
	}
	t.Logf("%d files scanned", files)
}

func TestTokenNeverLeaks(t *testing.T) {
	home := leakHome(t)
	c := newCLI(t)
	c.dir = filepath.Join(home, "home", "C2Desk")
	c.baseArg[1] = c.dir
	token := knownToken(t)
	c.fake.AddToken(token)
	var printed []string
	run := func(stdin string, args ...string) int {
		code, out, errOut := c.run(stdin, args...)
		printed = append(printed, out, errOut)
		return code
	}

	if code := run(token+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %d %q", code, printed)
	}
	if code := run("", "sync"); code != 0 {
		t.Fatalf("sync: %d %q", code, printed)
	}
	// A reply waits in the outbox; Chat2Desk refuses it, echoing the token.
	queueReply(t, c)
	faults := echoFaults(token)
	c.fake.Inject(faults[0])
	if code := run("", "sync"); code == 0 || !strings.Contains(printed[len(printed)-1], "not sent") {
		t.Fatalf("sync passed the refusal: %q", printed[len(printed)-1])
	}
	// Then the channels and operators.
	for _, f := range faults[1:] {
		c.fake.Inject(f)
	}
	if code := run("", "sync"); code == 0 {
		t.Fatal("sync passed the faults")
	}
	run("", "doctor")
	run("", "export-config", filepath.Join(home, "home", "settings.json"))
	c.fake.ClearFaults()
	if code := run("", "sync"); code != 0 {
		t.Fatalf("sync after the faults: %d %q", code, printed[len(printed)-1])
	}

	// A panic that reaches run, its value holding the token.
	code, _, errOut := c.runWithStdout(panickingWriter{token}, "", "doctor")
	printed = append(printed, errOut)
	if code != 3 || !strings.Contains(errOut, app.CrashFileName) {
		t.Fatalf("crash: %d %q", code, errOut)
	}
	report, err := os.ReadFile(filepath.Join(c.dir, app.CrashFileName))
	if err != nil || !bytes.Contains(report, []byte("panic: write to a closed terminal: [redacted]")) {
		t.Fatalf("crash report: %q %v", report, err)
	}

	// A panic in another goroutine of a real process, with an error
	// Chat2Desk made holding the token; the parent also reads the child's
	// arguments and environment while it runs.
	leakChild(t, c, token)

	scanForToken(t, token, home, printed...)
	if b, _ := os.ReadFile("/proc/self/cmdline"); bytes.Contains(b, []byte(token)) {
		t.Error("the token is in this process's arguments")
	}
	if b, _ := os.ReadFile("/proc/self/environ"); bytes.Contains(b, []byte(token)) {
		t.Error("the token is in this process's environment")
	}
	logged, _ := os.ReadFile(filepath.Join(c.dir, app.LogFileName))
	if !bytes.Contains(logged, []byte("[redacted]")) {
		t.Fatalf("the echoed token should show as [redacted] in the log:\n%s", logged)
	}
}

func knownToken(t *testing.T) string {
	b := make([]byte, 12)
	rand.Read(b)
	return "leak" + hex.EncodeToString(b)
}

type panickingWriter struct{ token string }

func (w panickingWriter) Write([]byte) (int, error) {
	panic(fmt.Errorf("write to a closed terminal: %s", w.token))
}

func (c *cli) runWithStdout(stdout io.Writer, stdin string, args ...string) (code int, out, stderr string) {
	var errOut bytes.Buffer
	code = run(append(append([]string{}, c.baseArg...), args...), strings.NewReader(stdin), stdout, &errOut)
	return code, "", errOut.String()
}

// queueReply puts a reply from the admin in the outbox, as the window would.
func queueReply(t *testing.T, c *cli) {
	ctx := context.Background()
	store, err := storage.Open(ctx, c.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	core := app.New(store, app.Keyring{}, app.Config{APIURL: c.baseArg[3]})
	admin, err := core.CreateFirstAdmin(ctx, "Ольга", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.SaveMapping(ctx, storage.Mapping{Owners: map[int64]int64{7: admin.Staff().ID}, Default: 8}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Queue(ctx, 9001, "Договор во вложении", app.KindReply); err != nil {
		t.Fatal(err)
	}
}

// leakChild runs this test binary as C2Desk: it connects with the token
// from standard input, meets the echoing faults, and panics in a goroutine
// with the error it got.
func leakChild(t *testing.T, c *cli, token string) {
	for _, f := range echoFaults(token) {
		c.fake.Inject(f)
	}
	defer c.fake.ClearFaults()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLeakChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), leakChildEnv+"=1", "C2DESK_LEAK_DIR="+c.dir, "C2DESK_LEAK_API="+c.baseArg[3])
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(stdin, token)
	lines := bufio.NewScanner(out)
	ready := false
	for lines.Scan() {
		if lines.Text() == "ready" {
			ready = true
			break
		}
	}
	if !ready {
		cmd.Wait()
		t.Fatalf("the child did not get ready: %s", errOut.String())
	}
	for _, f := range []string{"cmdline", "environ"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", cmd.Process.Pid, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(token)) {
			t.Errorf("the token is in the running C2Desk's %s", f)
		}
	}
	stdin.Close() // the child panics now
	io.Copy(io.Discard, out)
	err := cmd.Wait()
	if err == nil {
		t.Fatal("the child did not crash")
	}
	report, _ := os.ReadFile(filepath.Join(c.dir, app.CrashFileName))
	if !bytes.Contains(report, []byte("goroutine")) || !bytes.Contains(report, []byte("[redacted]")) {
		t.Fatalf("the goroutine's crash is not in the report:\n%s\nstderr: %s", report, errOut.String())
	}
	if strings.Contains(errOut.String(), token) {
		t.Error("the child printed the token")
	}
}

func TestLeakChild(t *testing.T) {
	if os.Getenv(leakChildEnv) == "" {
		t.Skip("run by TestTokenNeverLeaks")
	}
	keyring.MockInit() // the real keyring is tested in app; here it is not scanned
	ctx := context.Background()
	token, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	env, err := setup(ctx, options{dataDir: os.Getenv("C2DESK_LEAK_DIR"), apiURL: os.Getenv("C2DESK_LEAK_API")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.core.Console().Connect(ctx, strings.TrimSpace(token)); err != nil {
		t.Fatal(err)
	}
	_, syncErr := env.core.Console().Sync(ctx)
	if syncErr == nil {
		t.Fatal("sync passed the faults")
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	go func() { panic(syncErr) }()
	time.Sleep(10 * time.Second)
}
