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

// The command line's sign-in (actor: the person --as names) and the staff
// commands: list, add, pin and deactivate, each with that person's rights.
// The very first administrator of an empty installation is added without
// --as.

// actor signs in the person --as names, reading their PIN first; without
// --as, the command line acts as the installation's administrator where
// that is still allowed (app.CommandSession).
func actor(ctx context.Context, core *app.App, as string, in *input) (*app.Session, error) {
	return core.CommandSession(ctx, as, func() (string, error) {
		return in.secret(fmt.Sprintf("PIN of %s: ", strings.TrimSpace(as)))
	})
}

func cmdStaffList(ctx context.Context, s *app.Session, stdout, stderr io.Writer) int {
	all, err := s.App().StaffList(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	for _, st := range all {
		pin, state := "no PIN", "active"
		if st.HasPIN {
			pin = "PIN"
		}
		if !st.Active {
			state = "deactivated"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", st.Name, roleName(st.Role), pin, state)
	}
	return 0
}

func roleName(role string) string {
	if role == storage.RoleAdmin {
		return "administrator"
	}
	return "agent"
}

// cmdStaffAdd adds a person with the PIN on the next line of standard
// input (an empty line: none). On an installation without staff it adds
// the first administrator, for whom no --as can exist yet.
func cmdStaffAdd(ctx context.Context, core *app.App, as, name string, admin bool, in *input, stdout, stderr io.Writer) int {
	role := storage.RoleAgent
	if admin {
		role = storage.RoleAdmin
	}
	first, err := core.NeedsFirstAdmin(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	var s *app.Session
	if !first {
		if s, err = actor(ctx, core, as, in); err != nil {
			fmt.Fprintln(stderr, "c2desk:", sentence(err))
			return 1
		}
	}
	pin, err := in.secret(fmt.Sprintf("PIN for %s (4 to 12 digits; empty: none): ", name))
	if err != nil {
		fmt.Fprintln(stderr, "c2desk: could not read the PIN:", err)
		return 1
	}
	var st storage.Staff
	switch {
	case first && !admin:
		err = errors.New("the first person is an administrator: c2desk staff add NAME --admin")
	case first:
		var created *app.Session
		if created, err = core.CreateFirstAdmin(ctx, name, pin); err == nil {
			st = created.Staff()
		}
	default:
		st, err = s.AddStaff(ctx, app.StaffInput{Name: name, Role: role, PIN: &pin})
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "Added %s (%s).\n", st.Name, roleName(st.Role))
	return 0
}

// cmdStaffPIN gives a person a new PIN, read from the line after the
// administrator's own.
func cmdStaffPIN(ctx context.Context, s *app.Session, name string, in *input, stdout, stderr io.Writer) int {
	st, err := s.App().StaffNamed(ctx, name)
	if err == nil {
		var pin string
		if pin, err = in.secret(fmt.Sprintf("New PIN for %s: ", st.Name)); err == nil {
			_, err = s.UpdateStaff(ctx, st.ID, app.StaffInput{Name: st.Name, Role: st.Role, PIN: &pin})
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "%s has a new PIN.\n", st.Name)
	return 0
}

func cmdStaffDeactivate(ctx context.Context, s *app.Session, name string, stdout, stderr io.Writer) int {
	st, err := s.App().StaffNamed(ctx, name)
	if err == nil {
		err = s.SetStaffActive(ctx, st.ID, false)
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "%s is deactivated: they can no longer sign in; their messages keep their name.\n", st.Name)
	return 0
}
