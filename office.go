package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"c2desk/app"
	"c2desk/storage"
)

// The office's commands: office create and poll, and how setup opens the
// office database.

// openStore opens the database the options name: the office's, with its
// password from the keyring (a password given in the address is moved
// there, and the user told), or this PC's file in dir.
func openStore(ctx context.Context, o options, dir string, secrets app.Secrets, env *environment) (*storage.Store, error) {
	if o.database == "" && !o.demo {
		o.database = readOfficeChoice(dir)
	}
	if o.database == "" {
		return storage.Open(ctx, dir)
	}
	store, moved, err := app.OpenOfficeDatabase(ctx, secrets, o.database)
	if err != nil {
		return nil, err
	}
	if moved {
		env.notices = append(env.notices, "The office database's password is now kept in this computer's keyring: leave it out of the address from now on ("+store.Path()+").")
	}
	return store, nil
}

// cmdOfficeCreate copies this PC's data into an empty office database, in
// one transaction, and says how many of each it copied. The file stays as
// it was, a backup.
func cmdOfficeCreate(ctx context.Context, env *environment, s *app.Session, address string, stdout, stderr io.Writer) int {
	if !storage.IsOfficeURL(address) {
		fmt.Fprintln(stderr, "c2desk: office create needs the office database's address: postgres://user@server/database")
		return 2
	}
	// It copies every chat of this computer: an administrator's command.
	if err := s.Current(ctx); err != nil || !s.IsAdmin() {
		if err == nil {
			err = app.ErrNotAllowed
		}
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	office, moved, err := app.OpenOfficeDatabase(ctx, env.secrets, address)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	defer office.Close()
	counts, err := env.store.CopyTo(ctx, office)
	var notEmpty *storage.ErrOfficeNotEmpty
	if errors.As(err, &notEmpty) {
		fmt.Fprintf(stderr, "c2desk: the office database already holds an office's data (%d staff, %d chats), so nothing was copied: join it instead, with --database %s.\n",
			notEmpty.Staff, notEmpty.Chats, office.Path())
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk: nothing was copied:", sentence(err))
		return 1
	}
	var parts []string
	for _, t := range []struct{ table, what string }{
		{"staff", "staff"}, {"operator_owner", "operator owners"}, {"default_operator", "default account"},
		{"channel_rules", "channel rules"}, {"channels", "channels"}, {"operators", "operators"},
		{"clients", "clients"}, {"dialogs", "chats"}, {"messages", "messages"}, {"outbox", "outbox items"},
		{"drafts", "drafts"}, {"sync_cursors", "sync cursors"},
	} {
		parts = append(parts, fmt.Sprintf("%d %s", counts[t.table], t.what))
	}
	fmt.Fprintf(stdout, "Copied into %s: %s.\n", office.Path(), strings.Join(parts, ", "))
	if moved {
		fmt.Fprintln(stdout, "The password is now kept in this computer's keyring.")
	}
	fmt.Fprintf(stdout, "This computer's own file was left as it was, as a backup (%s).\n", env.store.Path())
	fmt.Fprintf(stdout, "Work in the office database from now on: c2desk --database %s\n", office.Path())
	return 0
}

// cmdPoll runs the poller without a window until SIGTERM or SIGINT. In an
// office it polls while it holds the lease and stands by otherwise, so an
// office server next to PostgreSQL keeps the office current while the
// PCs are off.
func cmdPoll(ctx context.Context, core *app.App, stdout, stderr io.Writer) int {
	if core.Office() {
		fmt.Fprintf(stdout, "Polling Chat2Desk for the office in %s, while no other C2Desk does. Stop with Ctrl+C.\n", core.DataPath())
	} else {
		fmt.Fprintf(stdout, "Polling Chat2Desk into %s. Stop with Ctrl+C.\n", core.DataPath())
	}
	var lastProblem string
	p := core.StartPoller(ctx, func(res app.PollResult, err error) {
		problem := ""
		if err != nil {
			problem = sentence(err)
		}
		// Each problem once, not every round: the log has the rest.
		if problem != lastProblem && problem != "" {
			fmt.Fprintln(stderr, "c2desk:", problem)
		}
		lastProblem = problem
	}, nil)
	<-ctx.Done()
	<-p.Done()
	fmt.Fprintln(stdout, "Stopped.")
	return 0
}

// officeChoiceFile, in the data folder, names the office database the
// window joined (the address without its password): the next start opens
// it. Leaving removes it. --database and $C2DESK_DATABASE come first.
const officeChoiceFile = "office.json"

type officeChoice struct {
	Database string `json:"database"`
}

func readOfficeChoice(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, officeChoiceFile))
	if err != nil {
		return ""
	}
	var c officeChoice
	if json.Unmarshal(b, &c) != nil || !storage.IsOfficeURL(c.Database) {
		return ""
	}
	return c.Database
}

func saveOfficeChoice(dir, address string) error {
	b, _ := json.Marshal(officeChoice{Database: address})
	tmp := filepath.Join(dir, officeChoiceFile+".new")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, officeChoiceFile))
}

// databases is the window's way into an office database and back
// (ui.Databases). The stores it leaves stay open until C2Desk exits:
// work started on them finishes harmlessly.
type databases struct{ env *environment }

func (d *databases) use(store *storage.Store) *app.App {
	d.env.store = store
	d.env.cleanup = append(d.env.cleanup, func() { store.Close() })
	d.env.core = app.New(store, d.env.secrets, d.env.cfg)
	return d.env.core
}

func (d *databases) open(ctx context.Context, address, password string) (*storage.Store, error) {
	clean, inAddress, err := storage.SplitPassword(address)
	if err != nil {
		return nil, err
	}
	if password == "" {
		password = inAddress
	}
	store, _, err := app.OpenOfficeDatabase(ctx, d.env.secrets, storage.WithPassword(clean, password))
	return store, err
}

func (d *databases) Join(ctx context.Context, address, password string) (*app.App, error) {
	store, err := d.open(ctx, address, password)
	if err != nil {
		return nil, err
	}
	if err := saveOfficeChoice(d.env.dir, store.Path()); err != nil {
		store.Close()
		return nil, err
	}
	return d.use(store), nil
}

func (d *databases) MoveIn(ctx context.Context, address, password string) (map[string]int, *app.App, error) {
	if d.env.store.Office() {
		return nil, nil, errors.New("this computer already works in an office database")
	}
	store, err := d.open(ctx, address, password)
	if err != nil {
		return nil, nil, err
	}
	counts, err := d.env.store.CopyTo(ctx, store)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	if err := saveOfficeChoice(d.env.dir, store.Path()); err != nil {
		store.Close()
		return nil, nil, err
	}
	return counts, d.use(store), nil
}

func (d *databases) Leave(ctx context.Context) (*app.App, error) {
	store, err := storage.Open(ctx, d.env.dir)
	if err != nil {
		return nil, err
	}
	if err := os.Remove(filepath.Join(d.env.dir, officeChoiceFile)); err != nil && !os.IsNotExist(err) {
		store.Close()
		return nil, err
	}
	old := d.env.core
	core := d.use(store)
	stepDown, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	old.StepDown(stepDown)
	return core, nil
}
