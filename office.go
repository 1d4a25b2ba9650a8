package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"c2desk/app"
	"c2desk/storage"
)

// The office's commands: office create and poll, and how setup opens the
// office database.

// openStore opens the database the options name: the office's, with its
// password from the keyring (a password given in the address is moved
// there, and the user told), or this PC's file in dir.
func openStore(ctx context.Context, o options, dir string, secrets app.Secrets, env *environment) (*storage.Store, error) {
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
func cmdOfficeCreate(ctx context.Context, env *environment, address string, stdout, stderr io.Writer) int {
	if !storage.IsOfficeURL(address) {
		fmt.Fprintln(stderr, "c2desk: office create needs the office database's address: postgres://user@server/database")
		return 2
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
