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
	if o.database == "" && !o.demo && !o.ownFile {
		o.database = readOfficeChoice(dir)
	}
	if o.database == "" {
		store, err := storage.Open(ctx, dir)
		if err != nil || o.demo || o.ownFile {
			return store, err
		}
		// A file whose data moved into an office is a backup: with
		// office.json lost, polling into it would take the office's poller
		// away and keep the chats from everyone else.
		moved, err := store.MovedIntoOffice(ctx)
		if err != nil || moved == "" {
			return store, err
		}
		store.Close()
		if err := saveOfficeChoice(dir, moved); err != nil {
			return nil, err
		}
		env.notices = append(env.notices, "This computer's data moved into the office database "+moved+"; C2Desk works there (its own file is a backup).")
		o.database = moved
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
func cmdOfficeCreate(ctx context.Context, env *environment, s *app.Session, address string, in *input, stdout, stderr io.Writer) int {
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
	if env.store.Office() {
		fmt.Fprintf(stderr, "c2desk: this computer already works in the office database %s; office create copies a computer's own file into a new one.\n", env.store.Path())
		return 1
	}
	if err := askMissingPINs(ctx, s, in, stderr); err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	counts, store, err := env.createOffice(ctx, address, "")
	var notEmpty *storage.ErrOfficeNotEmpty
	if errors.As(err, &notEmpty) {
		fmt.Fprintf(stderr, "c2desk: the office database already holds an office's data (%d staff, %d chats), so nothing was copied: join it instead, with an invitation from its administrator (c2desk office join).\n",
			notEmpty.Staff, notEmpty.Chats)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk: nothing was copied:", sentence(err))
		return 1
	}
	defer store.Close()
	var parts []string
	for _, t := range []struct{ table, what string }{
		{"staff", "staff"}, {"operator_owner", "operator owners"}, {"default_operator", "default account"},
		{"channel_rules", "channel rules"}, {"channels", "channels"}, {"operators", "operators"},
		{"clients", "clients"}, {"dialogs", "chats"}, {"messages", "messages"}, {"outbox", "outbox items"},
		{"drafts", "drafts"}, {"sync_cursors", "sync cursors"},
	} {
		parts = append(parts, fmt.Sprintf("%d %s", counts[t.table], t.what))
	}
	clean, _, _ := storage.SplitPassword(address)
	fmt.Fprintf(stdout, "Copied into %s: %s.\n", clean, strings.Join(parts, ", "))
	fmt.Fprintf(stdout, "This computer's own file was left as it was, as a backup (%s).\n", env.store.Path())
	fmt.Fprintln(stdout, "The office's computers connect with roles of their own; the owner's password was not kept here: keep it safe, it is needed to upgrade the office.")
	fmt.Fprintln(stdout, "This computer works in the office from its next start; its staff sign in with their PINs. Add the other computers with c2desk office invite NAME.")
	return 0
}

// askMissingPINs gives everyone active without a PIN one, read from
// standard input in the order staff list shows them: in an office people
// sign in only with a PIN. Nothing is changed unless all are given.
func askMissingPINs(ctx context.Context, s *app.Session, in *input, stderr io.Writer) error {
	all, err := s.App().StaffList(ctx)
	if err != nil {
		return err
	}
	pins := map[int64]string{}
	for _, st := range all {
		if !st.Active || st.HasPIN {
			continue
		}
		pin, err := in.secret(fmt.Sprintf("PIN for %s (4 to 12 digits; in an office everyone has one): ", st.Name))
		if err != nil {
			return err
		}
		if pin == "" {
			return &app.Problem{Msg: app.MsgPINRequired, Data: map[string]any{"Name": st.Name}}
		}
		pins[st.ID] = pin
	}
	for _, st := range all {
		if pin, ok := pins[st.ID]; ok {
			if _, err := s.UpdateStaff(ctx, st.ID, app.StaffInput{Name: st.Name, Role: st.Role, PIN: &pin}); err != nil {
				return err
			}
		}
	}
	return nil
}

// createOffice copies this PC's data into an empty office database, as
// its owner, then gives the office its roles and joins this computer to
// it (app.SecureOffice), which works there from its next start
// (office.json). The owner may make roles, checked before anything is
// copied. It returns the rows copied and this computer's store in the
// office.
func (e *environment) createOffice(ctx context.Context, address, password string) (map[string]int, *storage.Store, error) {
	clean, inAddress, err := storage.SplitPassword(address)
	if err != nil {
		return nil, nil, err
	}
	if password == "" {
		password = inAddress
	}
	if err := e.core.ReadyForOffice(ctx); err != nil {
		return nil, nil, err
	}
	owner, _, err := app.OpenOfficeDatabase(ctx, e.secrets, storage.WithPassword(clean, password))
	if err != nil {
		return nil, nil, err
	}
	defer owner.Close()
	if err := owner.CheckCanMakeRoles(ctx); err != nil {
		return nil, nil, err
	}
	counts, err := e.store.CopyTo(ctx, owner)
	if err != nil {
		return nil, nil, err
	}
	store, err := app.SecureOffice(ctx, e.secrets, owner)
	if err != nil {
		return nil, nil, fmt.Errorf("the data was copied, but the office could not be secured: %w", err)
	}
	if err := saveOfficeChoice(e.dir, store.Path()); err != nil {
		store.Close()
		return nil, nil, err
	}
	if err := e.store.SetMovedIntoOffice(ctx, store.Path()); err != nil {
		store.Close()
		return nil, nil, err
	}
	return counts, store, nil
}

// cmdOfficeSecure upgrades an office an older C2Desk made, where every PC
// connects as the owner: the roles are made, this computer joins, and the
// owner's password is forgotten here. Once the administrator changes it
// on the server, the other PCs' copies open nothing; they join again with
// invitations.
func cmdOfficeSecure(ctx context.Context, env *environment, s *app.Session, in *input, stdout, stderr io.Writer) int {
	if !env.store.Office() || env.store.Guarded() {
		fmt.Fprintln(stderr, "c2desk: office secure is for an office database opened with its owner's password (--database), made by an older C2Desk.")
		return 1
	}
	if err := s.Current(ctx); err != nil || !s.IsAdmin() {
		if err == nil {
			err = app.ErrNotAllowed
		}
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	// Made again, the roles' passwords would change under every joined PC.
	if secured, err := env.store.Secured(ctx); err != nil || secured {
		if err == nil {
			err = errors.New("the office is secured already: invite computers with c2desk office invite NAME on a computer that joined it")
		}
		fmt.Fprintln(stderr, "c2desk:", err)
		return 1
	}
	if err := askMissingPINs(ctx, s, in, stderr); err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	err := env.core.ReadyForOffice(ctx)
	if err == nil {
		err = env.store.CheckCanMakeRoles(ctx)
	}
	var store *storage.Store
	if err == nil {
		store, err = app.SecureOffice(ctx, env.secrets, env.store)
	}
	if err == nil {
		defer store.Close()
		err = saveOfficeChoice(env.dir, store.Path())
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintln(stdout, "The office is secured: its computers connect with roles of their own, and this one works in it from its next start. The owner's password was forgotten here.")
	fmt.Fprintln(stdout, "Now change the owner's password on the server (the README says how), so that the copies on the other computers open nothing, and invite them: c2desk office invite NAME.")
	return 0
}

// cmdFilesSecret keeps the file storage's secret key on this computer:
// the office's server uploads the files it sends, so its keyring needs it.
func cmdFilesSecret(ctx context.Context, s *app.Session, in *input, stdout, stderr io.Writer) int {
	secret, err := in.secret("Secret key of the file storage: ")
	if err == nil {
		err = s.KeepFileStorageSecret(ctx, secret)
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintln(stdout, "The file storage's secret key is kept in this computer's keyring; the files this computer sends are uploaded with it.")
	return 0
}

// cmdOfficeInvite prints a one-time code that joins one computer to the
// office: for an administrator, on a computer that joined it.
func cmdOfficeInvite(ctx context.Context, s *app.Session, name string, poller bool, stdout, stderr io.Writer) int {
	code, err := s.Invite(ctx, name, poller)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintln(stdout, code)
	if poller {
		fmt.Fprintln(stderr, "This code gives the computer the poller's credential, which reads every chat of the office: hand it only to the office server's administrator.")
	}
	fmt.Fprintf(stderr, "On the computer %q: c2desk office join, then paste this code (or Join an office on C2Desk's first screen). It joins one computer, once, within a week; without a person's PIN it reads nothing.\n", name)
	return 0
}

// cmdOfficeJoin joins this computer to an office with an invitation's
// code from standard input: its keyring keeps what it needs, and C2Desk
// works in the office from its next start.
func cmdOfficeJoin(ctx context.Context, env *environment, in *input, stdout, stderr io.Writer) int {
	code, err := in.secret("Invitation code: ")
	if err == nil && strings.TrimSpace(code) == "" {
		fmt.Fprintln(stderr, "c2desk: paste the invitation's code on standard input: an administrator makes it with c2desk office invite NAME, or Settings › Office database › Add a computer.")
		return 1
	}
	var store *storage.Store
	if err == nil {
		store, err = app.JoinOffice(ctx, env.secrets, code)
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	defer store.Close()
	if err := saveOfficeChoice(env.dir, store.Path()); err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "This computer joined the office in %s. Start C2Desk: its staff sign in with their PINs.\n", store.Path())
	return 0
}

// cmdPoll runs the poller without a window until SIGTERM or SIGINT. In an
// office it polls while it holds the lease and stands by otherwise, so an
// office server next to PostgreSQL keeps the office current while the
// PCs are off.
func cmdPoll(ctx context.Context, env *environment, l listenOptions, stdout, stderr io.Writer) int {
	core := env.core
	if !core.CanPoll() {
		fmt.Fprintln(stderr, "c2desk:", sentence(&app.Problem{Msg: app.MsgNoPollerHere}))
		return 1
	}
	if core.Office() {
		fmt.Fprintf(stdout, "Polling Chat2Desk for the office in %s, while no other C2Desk does. Stop with Ctrl+C.\n", core.DataPath())
	} else {
		fmt.Fprintf(stdout, "Polling Chat2Desk into %s. Stop with Ctrl+C.\n", core.DataPath())
	}
	var hooks *webhookServer
	if l.address != "" {
		var err error
		if hooks, err = startWebhooks(ctx, core, l, env.dir, env.cfg.Logger, stdout, stderr); err != nil {
			fmt.Fprintln(stderr, "c2desk:", sentence(err))
			return 1
		}
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
	if hooks != nil {
		hooks.stop(l.removeHook, stderr)
	}
	fmt.Fprintln(stdout, "Stopped.")
	return 0
}

// typedPassword reports whether an office address given on the command
// line carries its password.
func typedPassword(address string) bool {
	_, password, err := storage.SplitPassword(address)
	return err == nil && password != ""
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

// newCore wires the app to a store: on a computer that joined the office
// and keeps the poller's credential (it created the office, or is its
// server), with an App that polls and sends through the poller's role.
func (e *environment) newCore(ctx context.Context, store *storage.Store) (*app.App, error) {
	core := app.New(store, e.secrets, e.cfg)
	if !store.ForPerson() {
		return core, nil
	}
	poller, err := app.OpenPoller(ctx, e.secrets, store.Path())
	if err != nil || poller == nil {
		return core, err
	}
	e.cleanup = append(e.cleanup, func() { poller.Close() })
	core.UsePoller(app.New(poller, e.secrets, e.cfg))
	return core, nil
}

// databases is the window's way into an office database and back
// (ui.Databases). The stores it leaves stay open until C2Desk exits:
// work started on them finishes harmlessly.
type databases struct{ env *environment }

func (d *databases) use(ctx context.Context, store *storage.Store) (*app.App, error) {
	core, err := d.env.newCore(ctx, store)
	if err != nil {
		return nil, err
	}
	d.env.store = store
	d.env.cleanup = append(d.env.cleanup, func() { store.Close() })
	d.env.core = core
	return core, nil
}

func (d *databases) Join(ctx context.Context, code string) (*app.App, error) {
	store, err := app.JoinOffice(ctx, d.env.secrets, code)
	if err != nil {
		return nil, err
	}
	if err := saveOfficeChoice(d.env.dir, store.Path()); err != nil {
		store.Close()
		return nil, err
	}
	core, err := d.use(ctx, store)
	if err != nil {
		store.Close()
	}
	return core, err
}

func (d *databases) MoveIn(ctx context.Context, address, password string) (map[string]int, *app.App, error) {
	if d.env.store.Office() {
		return nil, nil, errors.New("this computer already works in an office database")
	}
	counts, store, err := d.env.createOffice(ctx, address, password)
	if err != nil {
		return nil, nil, err
	}
	core, err := d.use(ctx, store)
	if err != nil {
		store.Close()
	}
	return counts, core, err
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
	// Leaving is this computer's choice to work in its own file again.
	if err := store.SetMovedIntoOffice(ctx, ""); err != nil {
		store.Close()
		return nil, err
	}
	old := d.env.core
	core, err := d.use(ctx, store)
	if err != nil {
		store.Close()
		return nil, err
	}
	stepDown, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	old.StepDown(stepDown)
	return core, nil
}
