package main

import (
	"bufio"
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// office create copies a connected PC's data into an empty office
// database, refuses one that is not empty, and the PC then works in it
// with --database.
func TestOfficeCreateThenWorkInTheOffice(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	if code, _, errOut := c.run("", "sync"); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	address := pgtest.Database(t)
	code, out, errOut := c.run("", "office", "create", address)
	if code != 0 || !strings.Contains(out, "Copied into ") || !strings.Contains(out, " 3 channels, 4 operators") ||
		strings.Contains(out, " 0 messages") || !strings.Contains(out, "--database "+address) {
		t.Fatalf("office create: %d %q %q", code, out, errOut)
	}
	code, _, errOut = c.run("", "office", "create", address)
	if code != 1 || !strings.Contains(errOut, "already holds an office's data") || !strings.Contains(errOut, "nothing was copied") {
		t.Fatalf("second office create: %d %q", code, errOut)
	}
	// The token in this PC's keyring is found in the office: its entry is
	// named after the installation, which moved in with the data.
	code, out, errOut = c.run("", "--database", address, "doctor")
	if code != 0 || !strings.Contains(out, "office database "+address) || !strings.Contains(out, "token stored") {
		t.Fatalf("doctor in the office: %d %q %q", code, out, errOut)
	}
	code, out, _ = c.run("", "--database", address, "sync")
	if code != 0 || !strings.Contains(out, "Messages: 0 new or changed") {
		t.Fatalf("sync in the office found what the copy had: %d %q", code, out)
	}
	if code, _, errOut := c.run("", "--database", "/home/anna/c2desk.db", "doctor"); code != 2 || !strings.Contains(errOut, "postgres://") {
		t.Fatalf("a file for --database: %d %q", code, errOut)
	}
}

// A password given in the address is checked, then moved to the keyring:
// the next start needs only the address.
func TestOfficePasswordMovesToTheKeyring(t *testing.T) {
	c := newCLI(t)
	cluster := pgtest.Shared(t)
	address := pgtest.Database(t)
	if err := cluster.Exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'office_pw') THEN CREATE ROLE office_pw LOGIN PASSWORD 'Kl1uch'; END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(address)
	if err := cluster.Exec(`ALTER DATABASE ` + strings.TrimPrefix(u.Path, "/") + ` OWNER TO office_pw`); err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("office_pw", "wrong")
	code, _, errOut := c.run("", "--database", u.String(), "doctor")
	if code != 1 || !strings.Contains(errOut, "did not accept the password") || strings.Contains(errOut, "wrong") {
		t.Fatalf("wrong password: %d %q", code, errOut)
	}
	u.User = url.UserPassword("office_pw", "Kl1uch")
	code, _, errOut = c.run("", "--database", u.String(), "doctor")
	if !strings.Contains(errOut, "password is now kept in this computer's keyring") || strings.Contains(errOut, "Kl1uch") {
		t.Fatalf("right password: %d %q", code, errOut)
	}
	u.User = url.User("office_pw")
	code, out, errOut := c.run("", "--database", u.String(), "doctor")
	if !strings.Contains(out, "ok   database  office database") || strings.Contains(errOut, "password") {
		t.Fatalf("from the keyring: %d %q %q", code, out, errOut)
	}
}

// c2desk poll polls until SIGTERM, then exits 0.
func TestPollRunsUntilStopped(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	address := pgtest.Database(t)
	if code, _, errOut := c.run("", "office", "create", address); code != 0 {
		t.Fatalf("office create: %s", errOut)
	}
	r, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var errOut strings.Builder
		done <- run(append(append([]string{}, c.baseArg...), "--database", address, "poll"), strings.NewReader(""), w, &errOut)
		w.Close()
	}()
	lines := bufio.NewScanner(r)
	if !lines.Scan() || !strings.Contains(lines.Text(), "Polling Chat2Desk for the office") {
		t.Fatalf("first line: %q", lines.Text())
	}
	before := c.fake.RequestsThisMonth()
	deadline := time.Now().Add(30 * time.Second)
	for c.fake.RequestsThisMonth() == before {
		if time.Now().After(deadline) {
			t.Fatal("poll made no request in 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	go io.Copy(io.Discard, r)
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("poll did not stop on SIGTERM")
	}
}

// The window's Office database buttons (ui.Databases): moving in copies
// and remembers the office for the next start, a wrong password saves
// nothing, and leaving goes back to the file.
func TestWindowMovesInJoinsAndLeaves(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	if code, _, errOut := c.run("", "sync"); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	cluster := pgtest.Shared(t)
	address := pgtest.Database(t)
	u, _ := url.Parse(address)
	if err := cluster.Exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'window_pw') THEN CREATE ROLE window_pw LOGIN PASSWORD 'Kl1uch'; END IF; END $$`); err != nil {
		t.Fatal(err)
	}
	if err := cluster.Exec(`ALTER DATABASE ` + strings.TrimPrefix(u.Path, "/") + ` OWNER TO window_pw`); err != nil {
		t.Fatal(err)
	}
	u.User = url.User("window_pw")
	office := u.String()

	env, err := setup(context.Background(), options{dataDir: c.dir, apiURL: c.baseArg[3]})
	if err != nil {
		t.Fatal(err)
	}
	defer env.close()
	d := &databases{env: env}
	if _, _, err := d.MoveIn(context.Background(), office, "wrong"); app.Explain(err) != app.MsgOfficePassword {
		t.Fatalf("wrong password: %v", err)
	}
	if readOfficeChoice(c.dir) != "" {
		t.Fatal("a refused password saved the office")
	}
	counts, core, err := d.MoveIn(context.Background(), office, "Kl1uch")
	if err != nil || counts["channels"] != 3 || !core.Office() || readOfficeChoice(c.dir) != office {
		t.Fatalf("move in: %v %v %v %q", counts, err, core.Office(), readOfficeChoice(c.dir))
	}
	// The next start opens the office without being told, the password
	// from the keyring.
	code, out, errOut := c.run("", "doctor")
	if code != 0 || !strings.Contains(out, "office database "+office) {
		t.Fatalf("doctor after joining: %d %q %q", code, out, errOut)
	}
	if core, err = d.Leave(context.Background()); err != nil || core.Office() || readOfficeChoice(c.dir) != "" {
		t.Fatalf("leave: %v", err)
	}
	if _, out, _ = c.run("", "doctor"); !strings.Contains(out, filepath.Join(c.dir, "c2desk.db")) {
		t.Fatalf("doctor after leaving: %q", out)
	}
	if core, err = d.Join(context.Background(), office, ""); err != nil || !core.Office() {
		t.Fatalf("join again with the kept password: %v", err)
	}
}

// connect with --database keeps the token in this PC's keyring and the
// account's details in the office database, where every PC reads them.
func TestConnectIntoTheOffice(t *testing.T) {
	c := newCLI(t)
	address := pgtest.Database(t)
	code, out, errOut := c.run(c2dfake.DemoToken+"\n", "--database", address, "connect")
	if code != 0 || !strings.Contains(out, "Connected to "+c2dfake.DemoCompany) {
		t.Fatalf("connect: %d %q %q", code, out, errOut)
	}
	doctor := func(cl *cli) string {
		_, out, _ := cl.run("", "--database", address, "doctor")
		return out
	}
	if out := doctor(c); !strings.Contains(out, "token stored") || !strings.Contains(out, c2dfake.DemoCompany) {
		t.Fatalf("the PC that connected: %q", out)
	}
	// Another PC (its own data folder and an empty keyring: newCLI starts
	// a fresh mock) sees the account, and holds no token.
	other := newCLI(t)
	other.baseArg[3] = c.baseArg[3]
	if out := doctor(other); !strings.Contains(out, "no token on this computer") || !strings.Contains(out, "used this month by the office") {
		t.Fatalf("another PC: %q", out)
	}
	file := filepath.Join(t.TempDir(), "office.json")
	if code, _, errOut := other.run("", "--database", address, "export-config", file); code != 0 {
		t.Fatalf("export on another PC: %q", errOut)
	}
	if b, _ := os.ReadFile(file); !strings.Contains(string(b), c2dfake.DemoCompany) {
		t.Fatalf("another PC does not see the account: %s", b)
	}
}
