package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// SmallDisk is a filesystem of its own, a few megabytes large, so that a
// test can fill a disk for real: holding a test database's tables and
// indexes (MoveToSmallDisk), PostgreSQL then refuses writes with "disk
// full" (53100) while the rest of the server, its write-ahead log
// included, goes on; mounted at a folder of C2Desk's (MountSmallDisk),
// its files fail to write with ENOSPC.
type SmallDisk struct {
	dir    string
	filler string
}

// MountSmallDisk mounts a 1 MB filesystem at dir (made if need be) until
// the test ends. Mounting needs root, which scripts/test.sh has in CI; the
// test fails otherwise.
func MountSmallDisk(tb testing.TB, dir string) *SmallDisk {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Fatal("filling a disk mounts a small filesystem, which needs root: run the tests as root, as scripts/test.sh does in CI")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	return mountSmallDisk(tb, dir, "size=1m,mode=0700")
}

// MoveToSmallDisk mounts a small tmpfs, makes it a tablespace of the
// server at address and moves the database's tables and indexes there.
// Mounting needs root, which scripts/test.sh has in CI; the test fails
// otherwise, as a test that needs PostgreSQL does. When the test ends,
// everything moves back and the filesystem goes.
func MoveToSmallDisk(tb testing.TB, address string) *SmallDisk {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Fatal("filling the office server's disk mounts a small filesystem, which needs root: run the tests as root, as scripts/test.sh does in CI")
	}
	owner, err := user.Lookup("postgres")
	if err != nil {
		tb.Fatalf("the server's user: %v", err)
	}
	// Not under the test's temporary folder, which the server's user
	// cannot enter.
	dir, err := os.MkdirTemp("", "c2desk-disk-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	d := mountSmallDisk(tb, dir, fmt.Sprintf("size=16m,mode=0700,uid=%s,gid=%s", owner.Uid, owner.Gid))
	space := fmt.Sprintf("small%d_%d", os.Getpid(), smallDisks.Add(1))
	if err := superuser(address, "postgres", "CREATE TABLESPACE "+space+" LOCATION '"+d.dir+"'"); err != nil {
		tb.Fatalf("create the small disk's tablespace: %v", err)
	}
	move := func(from, to string) error {
		return superuser(address, "",
			"ALTER TABLE ALL IN TABLESPACE "+from+" SET TABLESPACE "+to,
			"ALTER INDEX ALL IN TABLESPACE "+from+" SET TABLESPACE "+to)
	}
	tb.Cleanup(func() {
		os.Remove(d.filler)
		if err := move(space, "pg_default"); err != nil {
			tb.Errorf("move the tables back from the small disk: %v", err)
		}
		if err := superuser(address, "postgres", "DROP TABLESPACE "+space); err != nil {
			tb.Errorf("drop the small disk's tablespace: %v", err)
		}
	})
	if err := move("pg_default", space); err != nil {
		tb.Fatalf("move the tables to the small disk: %v", err)
	}
	return d
}

var smallDisks atomic.Int64

// Fill takes all the free space left on the disk.
func (d *SmallDisk) Fill() error {
	f, err := os.OpenFile(d.filler, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return nil
			}
			return err
		}
	}
}

// Free gives the space Fill took back.
func (d *SmallDisk) Free() error {
	return os.Remove(d.filler)
}

// superuser runs statements as the superuser, in the database of address,
// or in the named one.
func superuser(address, database string, statements ...string) error {
	u, err := url.Parse(address)
	if err != nil {
		return err
	}
	if database != "" {
		u.Path = "/" + database
	}
	u.User = url.User("postgres")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, s := range statements {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(s)[0]+" "+strings.Fields(s)[1], err)
		}
	}
	return nil
}
