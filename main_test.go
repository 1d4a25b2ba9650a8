package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"

	"github.com/zalando/go-keyring"
)

type cli struct {
	t       *testing.T
	fake    *c2dfake.Server
	baseArg []string
	dir     string
}

func newCLI(t *testing.T) *cli {
	keyring.MockInit()
	fake := c2dfake.New()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	return &cli{t: t, fake: fake, dir: dir, baseArg: []string{"--data-dir", dir, "--api-url", srv.URL + "/v1"}}
}

func (c *cli) run(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(append(append([]string{}, c.baseArg...), args...), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestConnectSyncDoctorDisconnect(t *testing.T) {
	c := newCLI(t)
	code, out, errOut := c.run(c2dfake.DemoToken+"\n", "connect")
	if code != 0 || !strings.Contains(out, "Connected to "+c2dfake.DemoCompany) || errOut != "" {
		t.Fatalf("connect: %d %q %q", code, out, errOut)
	}
	code, out, _ = c.run("", "sync")
	if code != 0 || !strings.Contains(out, "Channels: 3 (3 new, 0 changed, 0 gone).") || !strings.Contains(out, "Operators: 4 (4 new") ||
		!strings.Contains(out, "Messages: ") || strings.Contains(out, "Messages: 0 ") {
		t.Fatalf("sync: %d %q", code, out)
	}
	code, out, _ = c.run("", "sync")
	if code != 0 || !strings.Contains(out, "Messages: 0 new or changed") {
		t.Fatalf("second sync should find nothing new: %d %q", code, out)
	}
	code, out, _ = c.run("", "doctor")
	if code != 0 || strings.Count(out, "ok  ") != 11 {
		t.Fatalf("doctor: %d %q", code, out)
	}
	code, out, _ = c.run("", "disconnect")
	if code != 0 || !strings.Contains(out, "Disconnected") {
		t.Fatalf("disconnect: %d %q", code, out)
	}
	code, out, _ = c.run("", "doctor")
	if code != 1 || !strings.Contains(out, "FAIL keyring") {
		t.Fatalf("doctor after disconnect: %d %q", code, out)
	}
	code, _, errOut = c.run("", "sync")
	if code != 1 || strings.TrimSpace(errOut) != "c2desk: "+app.MsgNotConnected {
		t.Fatalf("sync after disconnect: %d %q", code, errOut)
	}
	// Flags may follow the command too.
	var out2, err2 bytes.Buffer
	if code := run(append([]string{"connect"}, c.baseArg...), strings.NewReader(c2dfake.DemoToken), &out2, &err2); code != 0 {
		t.Fatalf("flags after command: %d %q", code, err2.String())
	}
	// The token is nowhere in the data folder or the log.
	filepath.Walk(c.dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(c2dfake.DemoToken)) {
				t.Errorf("token found in %s", p)
			}
		}
		return nil
	})
}

func TestConnectErrorsAreOneSentence(t *testing.T) {
	cases := []struct {
		name  string
		token string
		fault *c2dfake.Fault
		want  string
	}{
		{"wrong", "nope-nope", nil, app.MsgAuth},
		{"empty", "", nil, app.MsgEmptyToken},
		{"quota", c2dfake.DemoToken, &c2dfake.FaultQuota, app.MsgQuota},
		{"server", c2dfake.DemoToken, &c2dfake.FaultServer, app.MsgServer},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			if tc.fault != nil {
				c.fake.Inject(*tc.fault)
			}
			code, out, errOut := c.run(tc.token+"\n", "connect")
			if code != 1 || out != "" || errOut != "c2desk: "+tc.want+"\n" {
				t.Fatalf("%d %q %q", code, out, errOut)
			}
		})
	}
}

func TestTokenIsNeverAnArgument(t *testing.T) {
	c := newCLI(t)
	code, _, errOut := c.run("", "connect", c2dfake.DemoToken)
	if code != 2 || !strings.Contains(errOut, "standard input") {
		t.Fatalf("%d %q", code, errOut)
	}
	if strings.Contains(errOut, c2dfake.DemoToken) {
		t.Fatal("the refusal repeats the token")
	}
}

func TestUsageErrors(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run("", "frobnicate"); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("%d %q", code, errOut)
	}
	if code, _, _ := c.run("", "--no-such-flag"); code != 2 {
		t.Fatalf("bad flag: %d", code)
	}
}

func TestDemoNeedsNoToken(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--demo", "doctor"}, strings.NewReader(""), &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), c2dfake.DemoCompany) {
		t.Fatalf("%d %q %q", code, out.String(), errOut.String())
	}
}

// TestDemoAgencyIsBig: --demo-agency serves the generated agency; one day
// of its history is already thousands of messages (the small demo has a
// few hundred in all).
func TestDemoAgencyIsBig(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"--demo-agency", "--history-days", "1", "sync"}, strings.NewReader(""), &out, &errOut)
	var n int
	for line := range strings.SplitSeq(out.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "Messages: "); ok {
			fmt.Sscanf(rest, "%d", &n)
		}
	}
	if code != 0 || n < 3000 {
		t.Fatalf("%d, %d messages: %q %q", code, n, out.String(), errOut.String())
	}
}

func TestExportImportConfig(t *testing.T) {
	dir := t.TempDir()
	demoFile := filepath.Join(dir, "office.json")
	var out, errOut bytes.Buffer
	if code := run([]string{"--demo", "export-config", demoFile}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("demo export: %d %q", code, errOut.String())
	}
	if fi, err := os.Stat(demoFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", fi, err)
	}

	// Another PC of the same account: connected and synced, no staff yet.
	// The file would make its administrator one without a PIN here, whom
	// anyone at this PC could sign in as: refused, until she has one.
	c := newCLI(t)
	c.run(c2dfake.DemoToken, "connect")
	c.run("", "sync")
	code, stdout, stderr := c.run("", "import-config", demoFile)
	if code != 1 || !strings.Contains(stderr, "The file makes Ольга Смирнова an administrator, but Ольга Смирнова has no PIN on this computer") ||
		strings.Contains(stdout, "Settings imported.") {
		t.Fatalf("import of a PIN-less admin: %d %q %q", code, stdout, stderr)
	}
	addAdminWithPIN(t, c, "Ольга Смирнова", "2468")
	// Now that an administrator has a PIN, the command line acts for her.
	c.baseArg = append(c.baseArg, "--as", "Ольга Смирнова")
	code, stdout, stderr = c.run("2468\n", "import-config", demoFile)
	if code != 0 || strings.Contains(stdout, "Add Ольга Смирнова") || !strings.Contains(stdout, "Add Dmitry Ivanov (agent), without a PIN") ||
		!strings.Contains(stdout, "Default account: none › Офис Общий") || !strings.Contains(stdout, "Settings imported.") {
		t.Fatalf("import: %d %q %q", code, stdout, stderr)
	}
	back := filepath.Join(dir, "back.json")
	if code, _, stderr := c.run("2468\n", "export-config", back); code != 0 {
		t.Fatalf("export: %q", stderr)
	}
	a, _ := os.ReadFile(demoFile)
	b, _ := os.ReadFile(back)
	strip := func(x []byte) string { return exportedAtRE.ReplaceAllString(string(x), "") }
	if strip(a) != strip(b) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", a, b)
	}

	// A file from another account is refused, naming what is missing.
	foreign := strings.Replace(string(a), `"id": 103`, `"id": 999`, 1)
	other := filepath.Join(dir, "foreign.json")
	os.WriteFile(other, []byte(foreign), 0o600)
	code, _, stderr = c.run("2468\n", "import-config", other)
	if code != 1 || !strings.Contains(stderr, "channel Аренда (#999)") {
		t.Fatalf("foreign: %d %q", code, stderr)
	}
	if code, _, stderr := c.run("", "import-config"); code != 2 || !strings.Contains(stderr, "needs one file name") {
		t.Fatalf("no file: %d %q", code, stderr)
	}
}

// addAdminWithPIN does on c's PC what the Staff tab does for a new
// administrator.
func addAdminWithPIN(t *testing.T, c *cli, name, pin string) {
	t.Helper()
	store, err := storage.Open(context.Background(), c.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	core := app.New(store, app.Keyring{}, app.Config{APIURL: c.baseArg[3], PINHashCost: 4})
	if _, err := core.Console().AddStaff(context.Background(), app.StaffInput{Name: name, Role: storage.RoleAdmin, PIN: &pin}); err != nil {
		t.Fatal(err)
	}
}

var exportedAtRE = regexp.MustCompile(`"exported_at": "[^"]*"`)

func TestSyncHistoryDays(t *testing.T) {
	messages := func(days string) int {
		c := newCLI(t)
		if code, _, errOut := c.run(c2dfake.DemoToken, "connect"); code != 0 {
			t.Fatal(errOut)
		}
		code, out, errOut := c.run("", "--history-days", days, "sync")
		if code != 0 {
			t.Fatalf("%d %q", code, errOut)
		}
		var n int
		for line := range strings.SplitSeq(out, "\n") {
			if _, err := fmt.Sscanf(line, "Messages: %d new", &n); err == nil {
				return n
			}
		}
		t.Fatalf("no message count in %q", out)
		return 0
	}
	if short, long := messages("2"), messages("30"); short == 0 || short >= long {
		t.Fatalf("2 days brought %d messages, 30 days %d", short, long)
	}
}

// A database from a later C2Desk is refused with a sentence and left
// exactly as it was.
func TestNewerDatabaseIsRefusedUntouched(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatal(errOut)
	}
	path := filepath.Join(c.dir, storage.FileName)
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"doctor", "sync"} {
		code, out, errOut := c.run("", cmd)
		if code != 1 || out != "" || errOut != "c2desk: "+app.MsgTooNew+"\n" {
			t.Fatalf("%s: %d %q %q", cmd, code, out, errOut)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) {
		t.Fatalf("the newer database was changed (%d bytes before, %d after, %v)", len(before), len(after), err)
	}
}

// TestVersionMatchesFyneApp keeps the version in the binary and the one
// fyne package stamps into the packages the same.
func TestVersionMatchesFyneApp(t *testing.T) {
	raw, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	toml := string(raw)
	for key, want := range map[string]string{"Version": `"` + version + `"`, "Build": build, "ID": `"` + appID + `"`} {
		if !regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*` + regexp.QuoteMeta(want) + `\s*$`).MatchString(toml) {
			t.Errorf("FyneApp.toml's %s is not %s", key, want)
		}
	}
}

// TestCrashReportIsKeptOnlyWhenWrittenAndRotated: a clean run leaves no
// report behind, and a report past the limit moves aside.
func TestCrashReportIsKeptOnlyWhenWrittenAndRotated(t *testing.T) {
	c := newCLI(t)
	report := filepath.Join(c.dir, app.CrashFileName)
	if code, _, errOut := c.run("", "doctor"); code != 1 || errOut != "" {
		t.Fatalf("doctor: %d %q", code, errOut)
	}
	if _, err := os.Stat(report); !os.IsNotExist(err) {
		t.Fatalf("a clean run left a crash report: %v", err)
	}
	big := bytes.Repeat([]byte("panic: old\n"), app.CrashFileLimit/10)
	if err := os.WriteFile(report, big, 0o600); err != nil {
		t.Fatal(err)
	}
	// The old report moves aside; the fresh one stays empty, and this
	// clean run removes it again.
	if _, out, _ := c.run("", "doctor"); strings.Contains(out, "FAIL crashes") {
		t.Fatalf("doctor: %q", out)
	}
	old, err := os.ReadFile(filepath.Join(c.dir, app.OldCrashFileName))
	if err != nil || !bytes.Equal(old, big) {
		t.Fatalf("the big report was not moved aside: %v", err)
	}
	if _, err := os.Stat(report); !os.IsNotExist(err) {
		t.Fatalf("after rotation the report should start empty and go: %v", err)
	}
	if err := os.WriteFile(report, []byte("panic: recent\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, out, _ := c.run("", "doctor"); !strings.Contains(out, "FAIL crashes") || !strings.Contains(out, report) {
		t.Fatalf("doctor does not name the report: %q", out)
	}
	if got, _ := os.ReadFile(report); string(got) != "panic: recent\n" {
		t.Fatalf("a small report must stay as it is: %q", got)
	}
}

// TestSecondInstanceIsRefused: two C2Desks on one data folder would both
// poll and could both send one queued message. Only one polls and sends;
// the other says so. doctor still answers.
func TestSecondInstanceIsRefused(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run(c2dfake.DemoToken, "connect"); code != 0 {
		t.Fatalf("connect: %q", errOut)
	}
	release, err := lockDataDir(c.dir) // the C2Desk already open
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := c.run("", "sync")
	if code != 1 || strings.TrimSpace(errOut) != "c2desk: "+app.MsgRunning {
		t.Fatalf("sync beside a running C2Desk: %d %q", code, errOut)
	}
	if code, out, _ := c.run("", "doctor"); code != 0 || !strings.Contains(out, "ok   api") {
		t.Fatalf("doctor beside a running C2Desk: %d %q", code, out)
	}
	release()
	if code, _, errOut := c.run("", "sync"); code != 0 {
		t.Fatalf("sync once the other closed: %d %q", code, errOut)
	}
}

// quietChildEnv makes this test binary run one command as c2desk would.
const quietChildEnv = "C2DESK_QUIET_CHILD"

// Under the C locale Fyne complains at start-up, before main runs; a
// command's stderr is for its one sentence, so those lines go to the log.
func TestCommandsAreQuietUnderTheCLocale(t *testing.T) {
	if args := os.Getenv(quietChildEnv); args != "" {
		os.Exit(run(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr))
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LANG=") && !strings.HasPrefix(kv, "LC_") && !strings.HasPrefix(kv, "LANGUAGE=") {
			env = append(env, kv)
		}
	}
	for _, locale := range []string{"C", "C.UTF-8", "POSIX"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCommandsAreQuietUnderTheCLocale$", "-test.count=1")
		cmd.Env = append(env, "LANG="+locale, quietChildEnv+"=--demo doctor")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() != 0 || !strings.Contains(string(out), c2dfake.DemoCompany) {
			t.Fatalf("LANG=%s: %v\nstderr: %q\nstdout: %s", locale, err, stderr.String(), out)
		}
	}
}

// The demo sends files without any storage of the office's: through its
// own stand-in, labelled as the demo's, and its sample photos load.
func TestDemoSendsFilesThroughItsOwnStorage(t *testing.T) {
	ctx := context.Background()
	env, err := setup(ctx, options{demo: true, historyDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer env.close()
	fs, ok, err := env.core.FileStorage(ctx)
	if err != nil || !ok || !fs.Demo || !strings.HasPrefix(fs.Endpoint, "http://127.0.0.1:") {
		t.Fatalf("%+v %v %v", fs, ok, err)
	}
	if _, err := env.core.Poll(ctx, nil); err != nil { // the history, as the window's poller loads it
		t.Fatal(err)
	}
	staff, err := env.store.AllStaff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(staff, func(s storage.Staff) bool { return s.Role == storage.RoleAdmin })
	olga, err := env.core.SignIn(ctx, staff[i].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	plan := c2dfake.SamplePDF()
	items, err := olga.QueueFiles(ctx, 9001, []app.OutgoingFile{{Name: "planirovka.pdf", Data: plan}}, "Планировка")
	if err != nil {
		t.Fatal(err)
	}
	if sent, err := env.core.Deliver(ctx, items[0].ID); err != nil || sent.State != storage.OutboxSent {
		t.Fatalf("%+v %v", sent, err)
	}
	conv, err := olga.Conversation(ctx, 9001, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var links []storage.Attachment
	for _, m := range conv.Messages {
		links = append(links, m.Attachments...)
	}
	var sentBack, photo bool
	for _, a := range links {
		p, err := env.core.Media(ctx, a.Link, a.Name)
		if err != nil {
			t.Fatalf("%s: %v", a.Link, err)
		}
		data, _ := os.ReadFile(p)
		sentBack = sentBack || (a.Name == "planirovka.pdf" && bytes.Equal(data, plan) && strings.HasPrefix(a.Link, fs.Endpoint))
		photo = photo || (a.Kind == app.KindPhoto && len(data) > 1000)
	}
	if !sentBack || !photo {
		t.Fatalf("sent file back: %v, a sample photo: %v, in %+v", sentBack, photo, links)
	}
}

// The command line acts for a person: once an administrator has a PIN, a
// command needs --as and that person's PIN, and has their rights. A wrong
// PIN, an agent doing an administrator's command or a missing --as is one
// sentence, exit 1, and nothing changed.
func TestCommandsActForAPerson(t *testing.T) {
	c := newCLI(t)
	if code, _, stderr := c.run("", "staff", "add", "Ivan Petrov"); code != 1 || !strings.Contains(stderr, "the first person is an administrator") {
		t.Fatalf("a first person who is no administrator: %d %q", code, stderr)
	}
	if code, out, stderr := c.run("1234\n", "staff", "add", "Ольга Смирнова", "--admin"); code != 0 || !strings.Contains(out, "Added Ольга Смирнова (administrator).") {
		t.Fatalf("the first administrator: %d %q %q", code, out, stderr)
	}
	file := filepath.Join(c.dir, "setup.json")
	for _, tc := range []struct {
		stdin, want string
		args        []string
	}{
		{"", app.MsgSayWhoYouAre, []string{"export-config", file}},
		{"0000\n", app.MsgWrongPIN, []string{"--as", "ольга  смирнова", "export-config", file}},
		{"", "Nobody called Никто works here", []string{"--as", "Никто", "export-config", file}},
	} {
		code, out, stderr := c.run(tc.stdin, tc.args...)
		if code != 1 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 || out != "" {
			t.Errorf("%v: %d %q %q", tc.args, code, out, stderr)
		}
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("a refused export wrote the file: %v", err)
	}
	olga := []string{"--as", "Ольга Смирнова"}
	as := func(who []string, args ...string) []string { return append(append([]string{}, who...), args...) }
	// Her PIN first, then what the command reads: the token, a new PIN.
	if code, out, stderr := c.run("1234\n"+c2dfake.DemoToken+"\n", as(olga, "connect")...); code != 0 || !strings.Contains(out, "Connected to") {
		t.Fatalf("connect as Ольга: %d %q %q", code, out, stderr)
	}
	if code, out, stderr := c.run("1234\n5678\n", as(olga, "staff", "add", "Ivan Petrov")...); code != 0 || !strings.Contains(out, "Added Ivan Petrov (agent).") {
		t.Fatalf("add Ivan: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := c.run("1234\n", as(olga, "export-config", file)...); code != 0 {
		t.Fatalf("export as Ольга: %q", stderr)
	}
	ivan := []string{"--as", "Ivan Petrov"}
	before, _ := os.ReadFile(file)
	for _, args := range [][]string{{"export-config", file + ".2"}, {"import-config", file}, {"staff", "deactivate", "Ольга Смирнова"},
		{"staff", "add", "Мошенник", "--admin"}, {"disconnect"}} {
		code, _, stderr := c.run("5678\n1111\n", as(ivan, args...)...)
		if code != 1 || !strings.Contains(stderr, app.MsgNotAllowed) {
			t.Errorf("Ivan: %v: %d %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(file + ".2"); !os.IsNotExist(err) {
		t.Fatal("an agent's export wrote the file")
	}
	code, out, _ := c.run("5678\n", as(ivan, "staff", "list")...)
	if code != 0 || out != "Ivan Petrov\tagent\tPIN\tactive\nОльга Смирнова\tadministrator\tPIN\tactive\n" {
		t.Fatalf("staff list: %d %q", code, out)
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Fatal("the setup changed")
	}
	if code, out, stderr := c.run("1234\n9999\n", as(olga, "staff", "pin", "ivan petrov")...); code != 0 || !strings.Contains(out, "Ivan Petrov has a new PIN.") {
		t.Fatalf("new PIN: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := c.run("5678\n", as(ivan, "staff", "list")...); code != 1 || !strings.Contains(stderr, app.MsgWrongPIN) {
		t.Fatalf("the old PIN: %d %q", code, stderr)
	}
	if code, out, stderr := c.run("1234\n", as(olga, "staff", "deactivate", "Ivan Petrov")...); code != 0 || !strings.Contains(out, "Ivan Petrov is deactivated") {
		t.Fatalf("deactivate: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := c.run("9999\n", as(ivan, "staff", "list")...); code != 1 || !strings.Contains(stderr, "Ivan Petrov is deactivated") {
		t.Fatalf("a deactivated person: %d %q", code, stderr)
	}
	for _, args := range [][]string{{"staff"}, {"staff", "add"}, {"staff", "fire", "Ivan"}, {"--admin", "sync"}} {
		if code, _, _ := c.run("", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
