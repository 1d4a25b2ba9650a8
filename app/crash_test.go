package app

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"
)

// The crash test: a child process (this test binary, running
// TestCrashChild) sends messages through the app layer against a fake
// Chat2Desk that lives in the parent, and is killed with SIGKILL at a chosen
// or random moment. After every kill the database must pass SQLite's
// integrity check, every message the child had queued must still be in the
// outbox, and Chat2Desk must hold no message twice. A last child without a
// kill sends what waits; then every queued message is in Chat2Desk exactly
// once.

const crashChildEnv = "C2DESK_CRASH_CHILD"

// crashPlan is what one child does; the parent writes it to the child's
// standard input.
type crashPlan struct {
	Dir      string
	Database string // an office database's address; "" for the file in Dir
	APIURL   string
	Token    string
	Staff    int64
	Dialogs  []int64
	Round    int
	Messages int
	StopAt   string // a crashPoint name, or "" for none
	StopAtK  int    // at which message of the round (1-based)
	// History makes the child load the message history instead of sending.
	History bool
	// For two PCs on one office database: the PC's name (in the texts),
	// the lease's and the claims' length, and Drain: send what waits,
	// until nothing does.
	PC                 string
	LeaseTTL, ClaimTTL time.Duration
	Drain              bool
	// Files makes each message a file of FileSize bytes with the text as
	// its caption, uploaded to the storage set in the database with
	// S3Secret.
	Files    bool
	FileSize int
	S3Secret string
}

// repeatedText is sent now and then by every round, so that a message with
// the same text as an earlier one is never taken for it.
const repeatedText = "Спасибо, записал!"

func crashText(round, k int, pc string) string {
	if k%4 == 0 {
		return repeatedText
	}
	if pc != "" {
		return fmt.Sprintf("Раунд %d, ПК %s, сообщение %d", round, pc, k)
	}
	return fmt.Sprintf("Раунд %d, сообщение %d", round, k)
}

// The moments a round's kill aims at. The two "request" ones are taken in
// the parent's HTTP server: the child is killed before Chat2Desk acts on
// the request, or after it acted but before the answer leaves.
var crashModes = []string{
	"before-outbox-write", "after-outbox-write", "before-request",
	"request-lost", "answer-lost", "before-commit", "random", "random",
}

func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) == "" {
		t.Skip("run by TestKillNineNeverLosesOrDuplicates")
	}
	var p crashPlan
	if err := json.NewDecoder(os.Stdin).Decode(&p); err != nil {
		t.Fatal(err)
	}
	say := func(format string, args ...any) { fmt.Fprintf(os.Stdout, format+"\n", args...) }
	current := 0
	crashPoint = func(name string) {
		if name == p.StopAt && current == p.StopAtK {
			say("at %s", name)
			time.Sleep(time.Hour) // the parent kills the process now
		}
	}
	var store *storage.Store
	var err error
	if p.Database != "" {
		store, err = storage.OpenOffice(ctx, p.Database)
	} else {
		store, err = storage.Open(ctx, p.Dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	secrets := &Memory{}
	// The data folder names the process in the office's lease: a child
	// restarted on it takes the lease of the one killed before it, as a
	// C2Desk restarted after a crash does.
	a := New(store, secrets, Config{APIURL: p.APIURL, RequestsPerSecond: -1, HTTPClient: &http.Client{Timeout: 5 * time.Second}, DataDir: p.Dir, LeaseTTL: p.LeaseTTL, ClaimTTL: p.ClaimTTL})
	acc, err := a.account(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secrets.Set(acc, p.Token)
	if p.S3Secret != "" {
		id, err := store.InstallationID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		secrets.Set(storageSecretAccount(id), p.S3Secret)
	}
	say("started")
	if p.History {
		res, err := a.Poll(ctx, nil)
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		say("loaded %d", res.Stored)
		return
	}
	if _, err := a.DeliverPending(ctx); err != nil {
		t.Fatalf("recovery: %v", err)
	}
	if p.Drain {
		// The other PC's lease may still run: wait it out, then send all.
		deadline := time.Now().Add(30 * time.Second)
		for {
			pending, err := store.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			waiting := 0
			for _, it := range pending {
				if it.State != storage.OutboxFailed {
					waiting++
				}
			}
			if waiting == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d items still wait", len(pending))
			}
			time.Sleep(50 * time.Millisecond)
			if _, err := a.DeliverPending(ctx); err != nil {
				t.Fatalf("drain: %v", err)
			}
		}
		say("done")
		return
	}
	s, err := a.SignIn(ctx, p.Staff, "")
	if err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= p.Messages; k++ {
		current = k
		text := crashText(p.Round, k, p.PC)
		var it storage.OutboxItem
		if p.Files {
			data := bytes.Repeat([]byte(text+"\n"), p.FileSize/len(text)+1)[:p.FileSize]
			items, qerr := s.QueueFiles(ctx, p.Dialogs[k%len(p.Dialogs)], []OutgoingFile{{Name: fmt.Sprintf("plan-%d-%d.pdf", p.Round, k), Data: data}}, text)
			if qerr == nil {
				it = items[0]
			}
			err = qerr
		} else {
			it, err = s.Queue(ctx, p.Dialogs[k%len(p.Dialogs)], text, KindReply)
		}
		if err != nil {
			t.Fatalf("queue: %v", err)
		}
		say("queued %d %s", it.ID, text)
		if _, err := a.Deliver(ctx, it.ID); err != nil {
			t.Fatalf("deliver: %v", err)
		}
		if k%2 == 0 {
			// Beside another PC that polls for the office, a PC does not.
			if _, err := a.Poll(ctx, nil); err != nil && Explain(err) != MsgOtherPolls {
				t.Fatalf("poll: %v", err)
			}
		}
	}
	say("done")
}

// crashParent runs the children and kills them.
type crashParent struct {
	t     *testing.T
	fake  *c2dfake.Server
	mu    sync.Mutex
	child *exec.Cmd
	// In the "request" modes, the n-th message sent in the round kills it.
	requestMode string
	requestsTo  int
	killed      bool
}

// ServeHTTP passes requests to the fake, killing the child around the
// chosen message send.
func (c *crashParent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/messages") {
		c.fake.ServeHTTP(w, r)
		return
	}
	c.mu.Lock()
	mode := ""
	if c.requestMode != "" && !c.killed {
		if c.requestsTo--; c.requestsTo == 0 {
			mode, c.killed = c.requestMode, true
		}
	}
	c.mu.Unlock()
	switch mode {
	case "request-lost":
		c.kill()
	case "answer-lost":
		c.fake.ServeHTTP(httptest.NewRecorder(), r)
		c.kill()
	default:
		c.fake.ServeHTTP(w, r)
	}
}

func (c *crashParent) kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.killed = true
	if c.child != nil && c.child.Process != nil {
		c.child.Process.Kill() // SIGKILL: nothing runs in the child after it
	}
}

// round runs one child and returns the outbox ids and texts it reported as
// queued, and whether it was killed.
func (c *crashParent) round(p crashPlan, randomKill time.Duration) (queued map[int64]string, killed bool) {
	t := c.t
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1")
	plan, _ := json.Marshal(p)
	cmd.Stdin = strings.NewReader(string(plan))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	c.mu.Lock()
	c.child, c.killed = cmd, false
	c.mu.Unlock()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if randomKill > 0 {
		timer := time.AfterFunc(randomKill, c.kill)
		defer timer.Stop()
	}
	guard := time.AfterFunc(60*time.Second, c.kill)
	defer guard.Stop()
	queued = map[int64]string{}
	var transcript []string
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		line := lines.Text()
		transcript = append(transcript, line)
		switch {
		case strings.HasPrefix(line, "at "):
			c.kill()
		case strings.HasPrefix(line, "queued "):
			f := strings.SplitN(line, " ", 3)
			id, _ := strconv.ParseInt(f[1], 10, 64)
			queued[id] = f[2]
		}
	}
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	c.mu.Lock()
	killed = c.killed
	c.child = nil
	c.mu.Unlock()
	if !killed && err != nil {
		t.Fatalf("round %d: the child failed on its own: %v\n%s\n%s", p.Round, err, strings.Join(transcript, "\n"), stderr.String())
	}
	if p.StopAt != "" && !killed {
		t.Fatalf("round %d: the child never reached %s\n%s", p.Round, p.StopAt, strings.Join(transcript, "\n"))
	}
	return queued, killed
}

// openChecked opens a database file directly and checks it: SQLite's
// integrity check, the full-text index (once a migration made it) and the
// foreign keys.
func openChecked(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	fail := func(format string, args ...any) {
		t.Helper()
		db.Close()
		t.Fatalf(format, args...)
	}
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		fail("integrity check: %q %v", res, err)
	}
	var indexed bool
	if err := db.QueryRow(`SELECT count(*) > 0 FROM sqlite_master WHERE name = 'message_words'`).Scan(&indexed); err != nil {
		fail("%v", err)
	}
	if indexed {
		if _, err := db.Exec(`INSERT INTO message_words (message_words) VALUES ('integrity-check')`); err != nil {
			fail("search index: %v", err)
		}
	}
	var badKeys int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&badKeys); err != nil || badKeys != 0 {
		fail("%d broken references (%v)", badKeys, err)
	}
	return db
}

type outboxRow struct {
	id, messageID int64
	text, state   string
}

// openLeft opens the database the children left: the office database at
// address, or the file in dir after openChecked's checks.
func openLeft(t *testing.T, dir, address string) *sql.DB {
	t.Helper()
	if address == "" {
		return openChecked(t, filepath.Join(dir, storage.FileName))
	}
	db, err := sql.Open("pgx", address)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// checkDatabase checks the database the child left and returns its outbox.
func checkDatabase(t *testing.T, dir, address string) []outboxRow {
	t.Helper()
	db := openLeft(t, dir, address)
	exists := `SELECT count(*) > 0 FROM sqlite_master WHERE name = 'outbox'`
	if address != "" {
		exists = `SELECT to_regclass('outbox') IS NOT NULL`
	}
	var migrated bool
	if err := db.QueryRow(exists).Scan(&migrated); err != nil {
		t.Fatal(err)
	}
	if !migrated {
		db.Close()
		return nil // killed before the first migration committed: an empty database
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, COALESCE(message_id, 0), text, state FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.id, &r.messageID, &r.text, &r.state); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	// A confirmed item's message is stored with it.
	var orphans int
	if err := db.QueryRow(`SELECT count(*) FROM outbox o WHERE o.state = 'sent'
		AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = o.message_id AND m.text = o.text)`).Scan(&orphans); err != nil || orphans != 0 {
		t.Fatalf("%d sent items without their message (%v)", orphans, err)
	}
	return out
}

// checkRound checks the outbox after a round: every item ever queued is
// still there with its text, and none reached Chat2Desk twice. what names
// the round and the kind of item, for the failure.
func checkRound(t *testing.T, fake *c2dfake.Server, outbox []outboxRow, everQueued map[int64]string, round int, what string) {
	t.Helper()
	inOutbox := map[int64]string{}
	for _, row := range outbox {
		inOutbox[row.id] = row.text
	}
	for id, text := range everQueued {
		if inOutbox[id] != text {
			t.Fatalf("%s %d %q is gone from the outbox", what, id, text)
		}
	}
	checkNoneTwice(t, fake, outbox, round)
}

// checkNoneTwice compares Chat2Desk with the outbox: no text more often
// than it was queued, every confirmed item its own message with its text.
func checkNoneTwice(t *testing.T, fake *c2dfake.Server, outbox []outboxRow, round int) (inFake map[string]int) {
	t.Helper()
	byID := map[c2dapi.ID]string{}
	inFake = map[string]int{}
	for _, m := range fake.Messages() {
		text := string(m.Text)
		if strings.HasPrefix(text, "Раунд ") || text == repeatedText {
			inFake[text]++
			byID[m.ID] = text
		}
	}
	queued := map[string]int{}
	owner := map[int64]int64{}
	for _, r := range outbox {
		queued[r.text]++
		if r.state != storage.OutboxSent {
			continue
		}
		if byID[c2dapi.ID(r.messageID)] != r.text {
			t.Fatalf("round %d: item %d confirmed as message %d, which Chat2Desk has as %q", round, r.id, r.messageID, byID[c2dapi.ID(r.messageID)])
		}
		if other, taken := owner[r.messageID]; taken {
			t.Fatalf("round %d: items %d and %d both confirmed as message %d", round, other, r.id, r.messageID)
		}
		owner[r.messageID] = r.id
	}
	for text, n := range inFake {
		if n > queued[text] {
			t.Fatalf("round %d: Chat2Desk has %q %d times, queued %d times", round, text, n, queued[text])
		}
	}
	return inFake
}

func TestKillNineNeverLosesOrDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("200 child processes")
	}
	rounds := 200
	if n, err := strconv.Atoi(os.Getenv("C2DESK_CRASH_ROUNDS")); err == nil {
		rounds = n
	}
	o := chatsOffice(t)
	if len(o.fake.MessagesWithText(repeatedText)) != 0 {
		t.Fatal("the seed already has the repeated text")
	}
	c := &crashParent{t: t, fake: o.fake}
	srv := httptest.NewServer(c)
	defer srv.Close()
	o.store.Close() // the children own the database now
	plan := crashPlan{Dir: o.dir, APIURL: srv.URL + "/v1", Token: c2dfake.DemoToken, Staff: o.ivan.Staff().ID,
		Dialogs: []int64{chatOn101, 9004, 9007}}
	if o.store.Office() {
		plan.Database = o.store.Path()
	}

	rng := rand.New(rand.NewPCG(6, uint64(rounds)))
	everQueued := map[int64]string{}
	kills := map[string]int{}
	for r := 1; r <= rounds; r++ {
		p := plan
		p.Round, p.Messages = r, 4
		mode := crashModes[r%len(crashModes)]
		var randomKill time.Duration
		c.mu.Lock()
		c.requestMode, c.requestsTo = "", 0
		switch mode {
		case "random":
			// A child lives a few tens of milliseconds: anywhere in it.
			randomKill = time.Duration(500+rng.IntN(30000)) * time.Microsecond
		case "request-lost", "answer-lost":
			c.requestMode, c.requestsTo = mode, 1+rng.IntN(p.Messages)
		default:
			p.StopAt, p.StopAtK = mode, 1+rng.IntN(p.Messages)
		}
		c.mu.Unlock()
		queued, killed := c.round(p, randomKill)
		if killed {
			kills[mode]++
		}
		for id, text := range queued {
			everQueued[id] = text
		}
		checkRound(t, o.fake, checkDatabase(t, o.dir, plan.Database), everQueued, r, fmt.Sprintf("round %d (%s): queued item", r, mode))
	}
	t.Logf("kills by moment: %v", kills)
	for _, mode := range crashModes {
		if kills[mode] == 0 {
			t.Fatalf("no round was killed at %s: %v", mode, kills)
		}
	}

	// A last start without a kill sends whatever waits.
	p := plan
	p.Round = rounds + 1
	if _, killed := c.round(p, 0); killed {
		t.Fatal("the last child was killed")
	}
	outbox := checkDatabase(t, o.dir, plan.Database)
	inFake := checkNoneTwice(t, o.fake, outbox, rounds+1)
	queued := map[string]int{}
	for _, row := range outbox {
		if row.state != storage.OutboxSent {
			t.Fatalf("after the last start item %d %q is %s", row.id, row.text, row.state)
		}
		queued[row.text]++
	}
	for text, n := range queued {
		if inFake[text] != n {
			t.Fatalf("%q queued %d times, in Chat2Desk %d times", text, n, inFake[text])
		}
	}
	t.Logf("%d rounds, %d messages queued, all in Chat2Desk once", rounds, len(outbox))
}

// Power loss, as near as a test gets: the history load writes pages of
// messages, their search index and the cursor, and is killed at random
// moments. The database must pass the integrity checks after every kill,
// and the next start must go on to the same result as an undisturbed load.
func TestKillNineDuringHistoryLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	fake := c2dfake.New(c2dfake.WithScale(c2dfake.Scale{Clients: 600, Messages: 12_000, BigDialog: 800}))
	c := &crashParent{t: t, fake: fake}
	srv := httptest.NewServer(c)
	defer srv.Close()
	rng := rand.New(rand.NewPCG(6, 12))
	kills := 0
	// Five fresh databases, each killed three times while loading, then
	// loaded to the end.
	for group := 1; group <= 5; group++ {
		dir := t.TempDir()
		p := crashPlan{Dir: dir, APIURL: srv.URL + "/v1", Token: c2dfake.DemoToken, History: true}
		if pgtest.OnPostgres() {
			p.Database = pgtest.Database(t)
		}
		for r := 1; r <= 3; r++ {
			p.Round = r
			if _, killed := c.round(p, time.Duration(10+rng.IntN(150*r))*time.Millisecond); killed {
				kills++
			}
			checkDatabase(t, dir, p.Database)
		}
		p.Round = 4
		if _, killed := c.round(p, 0); killed {
			t.Fatal("the last load was killed")
		}
		checkDatabase(t, dir, p.Database)
		db := openLeft(t, dir, p.Database)
		var got int
		err := db.QueryRow(`SELECT count(*) FROM messages`).Scan(&got)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := len(fake.Messages()); got != want {
			t.Fatalf("after %d kills the database has %d messages, Chat2Desk %d", kills, got, want)
		}
	}
	t.Logf("%d of 15 loads killed", kills)
	if kills < 10 {
		t.Fatalf("only %d of 15 loads were killed", kills)
	}
}

// twoPCChild is one of two children running at once on the office
// database: its transcript's queued items, read as it goes.
type twoPCChild struct {
	cmd    *exec.Cmd
	queued map[int64]string
	out    strings.Builder
	done   chan error
}

func startTwoPCChild(t *testing.T, p crashPlan) *twoPCChild {
	t.Helper()
	c := &twoPCChild{queued: map[int64]string{}, done: make(chan error, 1)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	c.cmd.Env = append(os.Environ(), crashChildEnv+"=1")
	plan, _ := json.Marshal(p)
	c.cmd.Stdin = strings.NewReader(string(plan))
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stderr = &c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			line := lines.Text()
			if f := strings.SplitN(line, " ", 3); f[0] == "queued" && len(f) == 3 {
				id, _ := strconv.ParseInt(f[1], 10, 64)
				c.queued[id] = f[2]
			}
		}
		c.done <- c.cmd.Wait()
	}()
	return c
}

// Two PCs on one office database, both with the token, queue and send at
// once, and one of them is killed with SIGKILL, or frozen (SIGSTOP) past
// its lease while the other takes over, then thawed. Nothing queued is
// lost and Chat2Desk gets nothing twice; a last PC sends what waits.
func TestKillNineTwoPCsOnOnePostgreSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	t.Setenv(pgtest.EngineEnv, "postgres")
	rounds := 40
	if n, err := strconv.Atoi(os.Getenv("C2DESK_CRASH_ROUNDS")); err == nil {
		rounds = max(n/5, 4)
	}
	o := chatsOffice(t)
	address := o.store.Path()
	const lease = 400 * time.Millisecond
	plans := []crashPlan{
		{Dir: t.TempDir(), PC: "A"}, {Dir: t.TempDir(), PC: "B"},
	}
	for i := range plans {
		plans[i].Database, plans[i].APIURL, plans[i].Token = address, o.srv.URL+"/v1", c2dfake.DemoToken
		plans[i].Staff, plans[i].Dialogs, plans[i].Messages, plans[i].LeaseTTL = o.ivan.Staff().ID, []int64{chatOn101, 9004, 9007}, 4, lease
		plans[i].ClaimTTL = 10 * lease
	}
	rng := rand.New(rand.NewPCG(7, uint64(rounds)))
	everQueued := map[int64]string{}
	kills, freezes := 0, 0
	for r := 1; r <= rounds; r++ {
		// Items both PCs find waiting as they start: they race for them.
		for k := 1; k <= 3; k++ {
			text := fmt.Sprintf("Раунд %d, общее %d", r, k)
			id, err := o.store.Enqueue(ctx, storage.OutboxItem{ClientID: 5001, DialogID: chatOn101, ChannelID: 101, Type: KindReply,
				Text: text, Author: o.ivan.Staff().ID, OperatorID: 8})
			if err != nil {
				t.Fatal(err)
			}
			everQueued[id] = text
		}
		var children []*twoPCChild
		for _, p := range plans {
			p.Round = r
			children = append(children, startTwoPCChild(t, p))
		}
		victim := children[rng.IntN(2)]
		time.Sleep(time.Duration(1000+rng.IntN(30000)) * time.Microsecond)
		if r%4 == 0 {
			// Frozen past its lease: the other goes on sending meanwhile.
			if freeze(victim.cmd.Process, 3*lease) {
				freezes++
			}
		} else if victim.cmd.Process.Kill() == nil {
			kills++
		}
		for _, c := range children {
			select {
			case err := <-c.done:
				if err != nil && c != victim {
					t.Fatalf("round %d: a PC failed on its own: %v\n%s", r, err, c.out.String())
				}
			case <-time.After(60 * time.Second):
				c.cmd.Process.Kill()
				t.Fatalf("round %d: a PC did not finish", r)
			}
			for id, text := range c.queued {
				everQueued[id] = text
			}
		}
		checkRound(t, o.fake, checkDatabase(t, "", address), everQueued, r, fmt.Sprintf("round %d: queued item", r))
	}
	last := plans[0]
	last.Round, last.Drain = rounds+1, true
	final := startTwoPCChild(t, last)
	if err := <-final.done; err != nil {
		t.Fatalf("the last PC: %v\n%s", err, final.out.String())
	}
	outbox := checkDatabase(t, "", address)
	inFake := checkNoneTwice(t, o.fake, outbox, rounds+1)
	queued := map[string]int{}
	for _, row := range outbox {
		if row.state != storage.OutboxSent {
			t.Fatalf("after the last start item %d %q is %s", row.id, row.text, row.state)
		}
		queued[row.text]++
	}
	for text, n := range queued {
		if inFake[text] != n {
			t.Fatalf("%q queued %d times, in Chat2Desk %d times", text, n, inFake[text])
		}
	}
	t.Logf("%d rounds of two PCs, %d killed, %d frozen, %d messages queued, all in Chat2Desk once", rounds, kills, freezes, len(outbox))
}

// Files killed midway: a child queues files and is killed in the middle
// of an upload, before the message's request, or with Chat2Desk's answer
// lost. Nothing queued is lost, no file goes to Chat2Desk twice, and each
// message Chat2Desk has carries a link it could fetch.
func TestKillNineMidUploadNeverLosesOrDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("child processes")
	}
	o := chatsOffice(t)
	s3 := newS3(t)
	if err := o.admin.SetFileStorage(ctx, s3.storage(), "secret-key"); err != nil {
		t.Fatal(err)
	}
	c := &crashParent{t: t, fake: o.fake}
	srv := httptest.NewServer(c)
	defer srv.Close()
	o.store.Close()
	plan := crashPlan{Dir: o.dir, APIURL: srv.URL + "/v1", Token: c2dfake.DemoToken, Staff: o.ivan.Staff().ID,
		Dialogs: []int64{chatOn101, 9004}, Files: true, FileSize: 3 << 20, S3Secret: "secret-key", Messages: 2}
	if o.store.Office() {
		plan.Database = o.store.Path()
	}
	modes := []string{"mid-upload", "before-request", "answer-lost", "mid-upload", "before-commit", "request-lost"}
	everQueued := map[int64]string{}
	kills := map[string]int{}
	for r := 1; r <= 2*len(modes); r++ {
		p := plan
		p.Round = r
		mode := modes[r%len(modes)]
		c.mu.Lock()
		c.requestMode, c.requestsTo = "", 0
		switch mode {
		case "request-lost", "answer-lost":
			c.requestMode, c.requestsTo = mode, 1+r%p.Messages
		default:
			p.StopAt, p.StopAtK = mode, 1+r%p.Messages
		}
		c.mu.Unlock()
		queued, killed := c.round(p, 0)
		if killed {
			kills[mode]++
		}
		for id, text := range queued {
			everQueued[id] = text
		}
		checkRound(t, o.fake, checkDatabase(t, o.dir, plan.Database), everQueued, r, fmt.Sprintf("round %d (%s): queued file", r, mode))
	}
	for _, mode := range modes {
		if kills[mode] == 0 {
			t.Fatalf("no round was killed at %s: %v", mode, kills)
		}
	}
	p := plan
	p.Round, p.Drain = 2*len(modes)+1, true
	if _, killed := c.round(p, 0); killed {
		t.Fatal("the last child was killed")
	}
	outbox := checkDatabase(t, o.dir, plan.Database)
	inFake := checkNoneTwice(t, o.fake, outbox, p.Round)
	fetched := map[string]bool{}
	for _, link := range o.fake.Fetched() {
		fetched[link] = true
	}
	for _, row := range outbox {
		if row.state != storage.OutboxSent || inFake[row.text] != 1 {
			t.Fatalf("file %d %q is %s, in Chat2Desk %d times", row.id, row.text, row.state, inFake[row.text])
		}
	}
	for _, m := range o.fake.Messages() {
		if strings.HasPrefix(string(m.Text), "Раунд ") && (len(m.Attachments) != 1 || !fetched[string(m.Attachments[0].Link)]) {
			t.Fatalf("message %q has no fetched file: %+v", m.Text, m.Attachments)
		}
	}
	t.Logf("%d files queued, every one in Chat2Desk once; kills: %v; %d objects in the bucket", len(outbox), kills, s3.objects(t))
}
