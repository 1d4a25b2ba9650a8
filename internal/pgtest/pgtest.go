// Package pgtest starts a throwaway PostgreSQL server for tests: initdb
// into a temporary folder, a Unix socket there and no TCP port; the
// superuser is trusted on that socket, other roles need their password.
// No Docker: the server is Debian's postgresql package
// (scripts/install-deps.sh --test installs it).
//
// A test that needs PostgreSQL fails when none can be started; it never
// skips, so that CI cannot pass without having run it.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EngineEnv names the variable that runs the storage, app and ui suites
// on PostgreSQL: C2DESK_TEST_ENGINE=postgres. Unset, they use SQLite.
const EngineEnv = "C2DESK_TEST_ENGINE"

// OnPostgres reports whether the suites run on PostgreSQL.
func OnPostgres() bool { return os.Getenv(EngineEnv) == "postgres" }

// Cluster is a running throwaway server.
type Cluster struct {
	dir    string // holds data/, the socket and the log
	bin    string
	asUser *user.User // who runs the server when the tests run as root
	n      atomic.Int64
}

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
)

// Shared is this test binary's server, started at the first call. Stop it
// from TestMain with StopShared.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Start() })
	if sharedErr != nil {
		tb.Fatalf("PostgreSQL is needed for this test and could not be started: %v\n"+
			"Install it with: sudo sh scripts/install-deps.sh --test", sharedErr)
	}
	return shared
}

// StopShared stops the shared server, if one was started.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}

// Database creates a new empty database on the shared server, dropped when
// the test ends, and returns its address.
func Database(tb testing.TB) string {
	tb.Helper()
	if c := current.Load(); c != nil {
		return c.Database(tb)
	}
	return Shared(tb).Database(tb)
}

// current, when set (UseOwn), is where Database makes databases.
var current atomic.Pointer[Cluster]

// UseOwn starts a server of the test's own (Own) and makes Database use
// it until the test ends, so that helpers which open a test database land
// on a server the test may stop. Not for parallel tests.
func UseOwn(tb testing.TB) *Cluster {
	tb.Helper()
	c := Own(tb)
	current.Store(c)
	tb.Cleanup(func() { current.Store(nil) })
	return c
}

// Own starts a server of the test's own, stopped when it ends: for tests
// that stop and start it.
func Own(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := Start()
	if err != nil {
		tb.Fatalf("PostgreSQL is needed for this test and could not be started: %v", err)
	}
	tb.Cleanup(c.Stop)
	return c
}

// LastingDatabase creates a new empty database on the shared server that
// lives as long as the server: for what a test binary builds once and
// shares between its tests (bigagency).
func LastingDatabase(tb testing.TB) string {
	tb.Helper()
	c := Shared(tb)
	name := fmt.Sprintf("lasting%d_%d", os.Getpid(), c.n.Add(1))
	if err := c.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	return c.URL(name)
}

// Database creates a new empty database on this server, dropped when the
// test ends, and returns its address.
func (c *Cluster) Database(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.n.Add(1))
	if err := c.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() { c.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	return c.URL(name)
}

// URL is the address of a database on this server.
func (c *Cluster) URL(database string) string {
	q := url.Values{}
	q.Set("host", c.dir)
	return "postgres://postgres@localhost/" + database + "?" + q.Encode()
}

// Dir is the folder of the server's data, socket and log.
func (c *Cluster) Dir() string { return c.dir }

// Exec runs a statement as the server's superuser in the postgres database.
func (c *Cluster) Exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// Start runs initdb and starts a server, waiting (at most two minutes, for
// a cold CI machine) until it answers.
func Start() (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "c2desk-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root.
		if c.asUser, err = user.Lookup("postgres"); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user that Debian's package creates: %w", err)
		}
		uid, _ := strconv.Atoi(c.asUser.Uid)
		gid, _ := strconv.Atoi(c.asUser.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	// C.UTF-8 folds Cyrillic in lower() and in the text-search parser, as
	// an office's server must (storage refuses one that does not).
	if out, err := c.run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// The superuser is trusted on the socket; every other role needs its
	// password, so that tests can see a wrong one refused.
	hba := "local all postgres trust\nlocal all all scram-sha-256\n"
	if err := os.WriteFile(filepath.Join(data, "pg_hba.conf"), []byte(hba), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if out, err := c.run("pg_ctl", "-D", data, "-o", c.opts(), "-l", filepath.Join(dir, "server.log"), "-w", "-t", "120", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	// pg_ctl -w waited for the server; make sure it takes connections.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := c.Exec("SELECT 1")
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			c.Stop()
			return nil, fmt.Errorf("the server started but did not answer in 2 minutes: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Pause stops the server, keeping its data: the office's server going down.
func (c *Cluster) Pause() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "120", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Resume starts a paused server again and waits until it answers.
func (c *Cluster) Resume() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-o", c.opts(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "120", "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start: %v\n%s", err, out)
	}
	return nil
}

func (c *Cluster) opts() string {
	return "-k " + c.dir + " -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
}

// Stop stops the server at once and removes its folder.
func (c *Cluster) Stop() {
	c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

func (c *Cluster) run(tool string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, tool), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	if c.asUser != nil {
		uid, _ := strconv.Atoi(c.asUser.Uid)
		gid, _ := strconv.Atoi(c.asUser.Gid)
		cmd.SysProcAttr = asUser(uid, gid)
		cmd.Dir = c.dir
	}
	return cmd.CombinedOutput()
}

// findBin finds the server's programs: $C2DESK_PG_BIN, else Debian's
// newest /usr/lib/postgresql/N/bin, else initdb on the PATH.
func findBin() (string, error) {
	if d := os.Getenv("C2DESK_PG_BIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server programs (initdb) found in /usr/lib/postgresql/*/bin or on the PATH")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(filepath.Base(filepath.Dir(binDir)), ""))
	return n
}
