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
// database, asking a PIN for everyone without one, refuses one that is
// not empty, and the PC then works in the office from its next start.
func TestOfficeCreateThenWorkInTheOffice(t *testing.T) {
	c := newCLI(t)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	if code, _, errOut := c.run("", "sync"); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	address := pgtest.Database(t)
	if code, _, errOut := c.run("", "office", "create", address); code != 1 || !strings.Contains(errOut, "office needs its administrator") {
		t.Fatalf("office create without an administrator: %d %q", code, errOut)
	}
	if code, _, errOut := c.run("2468\n", "staff", "add", "Ольга Смирнова", "--admin"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	if code, _, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "staff", "add", "Ivan Petrov"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	release, err := lockDataDir(c.dir) // the window, open
	if err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "office", "create", address); code != 1 || !strings.Contains(errOut, "quit it first") {
		t.Fatalf("office create beside the open window: %d %q", code, errOut)
	}
	release()
	// Ivan has no PIN: office create asks for it, after the administrator's.
	code, out, errOut := c.run("2468\n1357\n", "--as", "Ольга Смирнова", "office", "create", address)
	if code != 0 || !strings.Contains(out, "Copied into ") || !strings.Contains(out, " 3 channels, 4 operators") ||
		strings.Contains(out, " 0 messages") || !strings.Contains(out, "works in the office from its next start") {
		t.Fatalf("office create: %d %q %q", code, out, errOut)
	}
	if !strings.Contains(readOfficeChoice(c.dir), "_pc@") {
		t.Fatalf("this PC works in the office as one of its computers: %q", readOfficeChoice(c.dir))
	}
	// Started again as usual, this computer works in the office, and so
	// it does when office.json is lost: its own file knows it moved.
	code, out, errOut = c.run("2468\n", "--as", "Ольга Смирнова", "doctor")
	if code != 0 || !strings.Contains(out, "office database ") || strings.Contains(out, "c2desk.db") {
		t.Fatalf("doctor after office create, without --database: %d %q %q", code, out, errOut)
	}
	choice := readOfficeChoice(c.dir)
	if err := os.Remove(filepath.Join(c.dir, officeChoiceFile)); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = c.run("2468\n", "--as", "Ольга Смирнова", "sync")
	if code != 0 || !strings.Contains(errOut, "moved into the office database") ||
		!(strings.Contains(out, "Messages: 0 new or changed") || strings.Contains(out, "polls Chat2Desk for this office")) {
		t.Fatalf("sync with office.json lost polled into the file: %d %q %q", code, out, errOut)
	}
	if readOfficeChoice(c.dir) != choice {
		t.Fatalf("office.json is written again: %q, want %q", readOfficeChoice(c.dir), choice)
	}
	code, _, errOut = c.run("2468\n", "--as", "Ольга Смирнова", "office", "create", address)
	if code != 1 || !strings.Contains(errOut, "already works in the office database") {
		t.Fatalf("office create again: %d %q", code, errOut)
	}
	// The token in this PC's keyring is found in the office: its entry is
	// named after the installation, which moved in with the data.
	code, out, errOut = c.run("", "--database", address, "doctor")
	if code != 0 || !strings.Contains(out, "office database "+address) || !strings.Contains(out, "token stored") {
		t.Fatalf("doctor in the office: %d %q %q", code, out, errOut)
	}
	code, out, _ = c.run("2468\n", "--as", "Ольга Смирнова", "--database", address, "sync")
	if code != 0 || !strings.Contains(out, "Messages: 0 new or changed") {
		t.Fatalf("sync in the office found what the copy had: %d %q", code, out)
	}
	if code, _, errOut := c.run("", "--database", "/home/anna/c2desk.db", "doctor"); code != 2 || !strings.Contains(errOut, "postgres://") {
		t.Fatalf("a file for --database: %d %q", code, errOut)
	}

	// Another computer joins with an invitation, and its people sign in
	// through the office database.
	code, invitation, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "office", "invite", "Ресепшн")
	if code != 0 || !strings.HasPrefix(invitation, "c2desk-invite:") || !strings.Contains(errOut, "c2desk office join") {
		t.Fatalf("office invite: %d %q %q", code, invitation, errOut)
	}
	if code, _, errOut := c.run("1357\n", "--as", "Ivan Petrov", "office", "invite", "Чужой"); code != 1 || !strings.Contains(errOut, "Only an administrator") {
		t.Fatalf("an agent invited: %d %q", code, errOut)
	}
	if code, _, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "office", "invite", "Сервер", "--poller"); code != 0 || !strings.Contains(errOut, "poller's credential") {
		t.Fatalf("office invite --poller: %d %q", code, errOut)
	}
	reception := newCLI(t) // a fresh keyring too
	reception.baseArg[3] = c.baseArg[3]
	code, out, errOut = reception.run(invitation, "office", "join")
	if code != 0 || !strings.Contains(out, "This computer joined the office") {
		t.Fatalf("office join: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := reception.run(invitation, "office", "join"); code != 1 || !strings.Contains(errOut, "cannot be used") {
		t.Fatalf("the invitation used twice: %d %q", code, errOut)
	}
	if code, _, errOut := reception.run("0000\n", "--as", "Ivan Petrov", "staff", "list"); code != 1 || !strings.Contains(errOut, "Wrong PIN") {
		t.Fatalf("a wrong PIN: %d %q", code, errOut)
	}
	code, out, errOut = reception.run("1357\n", "--as", "Ivan Petrov", "staff", "list")
	if code != 0 || !strings.Contains(out, "Ольга Смирнова\tadministrator\tPIN") || !strings.Contains(out, "Ivan Petrov\tagent\tPIN") {
		t.Fatalf("staff list on the joined computer: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := reception.run("", "staff", "list"); code != 1 || !strings.Contains(errOut, "say who you are") {
		t.Fatalf("a joined computer's command line without --as: %d %q", code, errOut)
	}
	if code, _, errOut := reception.run("1357\nsecret\n", "--as", "Ivan Petrov", "files", "secret"); code != 1 || !strings.Contains(errOut, "Only an administrator") {
		t.Fatalf("an agent keeps the storage's secret: %d %q", code, errOut)
	}
	// On a joined computer doctor too needs someone: it reads nothing else.
	if code, _, errOut := reception.run("", "doctor"); code != 1 || !strings.Contains(errOut, "say who you are") {
		t.Fatalf("doctor on a joined computer without --as: %d %q", code, errOut)
	}
	if code, out, errOut := reception.run("1357\n", "--as", "Ivan Petrov", "doctor"); !strings.Contains(out, "no token on this computer") || !strings.Contains(out, "ok   outbox") {
		t.Fatalf("doctor on a joined computer: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := reception.run("", "poll"); code != 1 || !strings.Contains(errOut, "cannot poll Chat2Desk for the office") {
		t.Fatalf("poll on a joined computer without the poller's credential: %d %q", code, errOut)
	}

	// The office changed the computers' password: this computer says so
	// at start, and how to join again.
	pcAddress, _ := url.Parse(readOfficeChoice(c.dir))
	if err := pgtest.Shared(t).Exec(`ALTER ROLE ` + pcAddress.User.Username() + ` PASSWORD 'Drugoy-2026'`); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := reception.run("1357\n", "--as", "Ivan Petrov", "staff", "list"); code != 1 || !strings.Contains(errOut, "no longer accepts this computer's password") || !strings.Contains(errOut, "c2desk office join") {
		t.Fatalf("a computer whose password the office changed: %d %q", code, errOut)
	}

	// A computer with its own data cannot create over the office's.
	other := newCLI(t)
	other.baseArg[3] = c.baseArg[3]
	other.run("1111\n", "staff", "add", "Анна", "--admin")
	code, _, errOut = other.run("1111\n", "--as", "Анна", "office", "create", address)
	if code != 1 || !strings.Contains(errOut, "already holds an office's data") || !strings.Contains(errOut, "nothing was copied") {
		t.Fatalf("office create over an office: %d %q", code, errOut)
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
	if code, _, errOut := c.run("2468\n", "staff", "add", "Ольга Смирнова", "--admin"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	if code, _, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "office", "create", address); code != 0 {
		t.Fatalf("office create: %s", errOut)
	}
	// The PC that created the office polls through the poller's role.
	r, w := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var errOut strings.Builder
		done <- run(append(append([]string{}, c.baseArg...), "poll"), strings.NewReader(""), w, &errOut)
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
	// The owner makes the office's roles: it needs CREATEROLE.
	if err := cluster.Exec(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'window_pw') THEN CREATE ROLE window_pw LOGIN CREATEROLE PASSWORD 'Kl1uch'; END IF; END $$`); err != nil {
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
	// An office needs its administrator, with a PIN.
	if _, _, err := d.MoveIn(context.Background(), office, "Kl1uch"); app.Explain(err) != app.Explain(&app.Problem{Msg: app.MsgOfficeNeedsAdmin}) {
		t.Fatalf("no administrator: %v", err)
	}
	if code, _, errOut := c.run("2468\n", "staff", "add", "Ольга Смирнова", "--admin"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	if _, _, err := d.MoveIn(context.Background(), office, "wrong"); app.Explain(err) != app.MsgOfficePassword {
		t.Fatalf("wrong password: %v", err)
	}
	if readOfficeChoice(c.dir) != "" {
		t.Fatal("a refused password saved the office")
	}
	counts, core, err := d.MoveIn(context.Background(), office, "Kl1uch")
	if err != nil || counts["channels"] != 3 || !core.Office() || !core.Joined() || !strings.Contains(readOfficeChoice(c.dir), "_pc@") {
		t.Fatalf("move in: %v %v %v %q", counts, err, core.Office(), readOfficeChoice(c.dir))
	}
	// The next start opens the office as this joined computer, with what
	// its keyring keeps; the owner's password is not kept.
	code, out, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "staff", "list")
	if code != 0 || !strings.Contains(out, "Ольга Смирнова") {
		t.Fatalf("staff list after moving in: %d %q %q", code, out, errOut)
	}
	if _, err := env.secrets.Get("office-db " + office); err == nil {
		t.Fatal("the owner's password stayed in the keyring")
	}
	olga, err := core.CommandSession(context.Background(), "Ольга Смирнова", func() (string, error) { return "2468", nil })
	if err != nil {
		t.Fatal(err)
	}
	invitation, err := olga.Invite(context.Background(), "Ресепшн", false)
	if err != nil {
		t.Fatal(err)
	}
	if core, err = d.Leave(context.Background()); err != nil || core.Office() || readOfficeChoice(c.dir) != "" {
		t.Fatalf("leave: %v", err)
	}
	if _, out, _ = c.run("", "doctor"); !strings.Contains(out, filepath.Join(c.dir, "c2desk.db")) {
		t.Fatalf("doctor after leaving: %q", out)
	}
	if core, err = d.Join(context.Background(), invitation); err != nil || !core.Joined() {
		t.Fatalf("join with an invitation: %v", err)
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

// An office an older C2Desk made (every PC with the owner's password) is
// secured in place by its administrator: the roles are made, that PC
// joins and works through them, and the other PCs join with invitations.
func TestOfficeMadeByAnOlderC2DeskIsSecured(t *testing.T) {
	c := newCLI(t)
	address := pgtest.Database(t)
	if code, _, errOut := c.run(c2dfake.DemoToken+"\n", "--database", address, "connect"); code != 0 {
		t.Fatalf("connect: %s", errOut)
	}
	if code, _, errOut := c.run("2468\n", "--database", address, "staff", "add", "Ольга Смирнова", "--admin"); code != 0 {
		t.Fatalf("staff add: %s", errOut)
	}
	code, out, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "--database", address, "office", "secure")
	if code != 0 || !strings.Contains(out, "The office is secured") || !strings.Contains(out, "change the owner's password") {
		t.Fatalf("office secure: %d %q %q", code, out, errOut)
	}
	if !strings.Contains(readOfficeChoice(c.dir), "_pc@") {
		t.Fatalf("this PC works in the office through its role: %q", readOfficeChoice(c.dir))
	}
	if code, _, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "--database", address, "office", "secure"); code != 1 || !strings.Contains(errOut, "secured already") {
		t.Fatalf("office secure again: %d %q", code, errOut)
	}
	code, invitation, errOut := c.run("2468\n", "--as", "Ольга Смирнова", "office", "invite", "Ресепшн")
	if code != 0 {
		t.Fatalf("office invite: %q", errOut)
	}
	// Another PC that kept the owner's address in office.json joins with
	// the invitation: office join does not open the office it named.
	other := newCLI(t)
	other.baseArg[3] = c.baseArg[3]
	if err := saveOfficeChoice(other.dir, "postgres://c2desk@db.invalid/c2desk"); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := other.run(invitation, "office", "join"); code != 0 || !strings.Contains(out, "joined the office") {
		t.Fatalf("office join from an office that lets this PC in no more: %d %q %q", code, out, errOut)
	}
	if code, out, errOut := other.run("2468\n", "--as", "Ольга Смирнова", "staff", "list"); code != 0 || !strings.Contains(out, "Ольга Смирнова") {
		t.Fatalf("the other PC after joining: %d %q %q", code, out, errOut)
	}
}
