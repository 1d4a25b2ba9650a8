package ui

import (
	"context"
	"log/slog"
	"testing"

	"c2desk/app"
	"c2desk/internal/pgtest"
	"c2desk/storage"

	"golang.org/x/crypto/bcrypt"
)

// Office tests: this window is PC B; PC A is another C2Desk process (an
// App with its own pool) on the same PostgreSQL database, without a
// window. They run in every pass and fail when PostgreSQL cannot start.

// officeWindow starts PC B on PostgreSQL, set up by prepare.
func officeWindow(t *testing.T, prepare func(*app.App)) *harness {
	t.Helper()
	t.Setenv(pgtest.EngineEnv, "postgres")
	return start(t, false, prepare)
}

// otherPC is PC A: C2Desk on the same office database, without the token.
func otherPC(t *testing.T, h *harness) *app.App {
	t.Helper()
	store, err := storage.OpenOffice(context.Background(), h.core.DataPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return app.New(store, &app.Memory{}, app.Config{Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost, DataDir: t.TempDir()})
}

func staffNamed(t *testing.T, core *app.App, name string) storage.Staff {
	t.Helper()
	all, err := core.StaffList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no %s among %v", name, all)
	return storage.Staff{}
}

// A reply Ivan writes on PC A shows on PC B, with him as its author.
func TestOfficeReplyWrittenOnAShowsOnB(t *testing.T) {
	h := officeWindow(t, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	a := otherPC(t, h)
	ivan, err := a.SignIn(context.Background(), staffNamed(t, a, "Ivan Petrov").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ivan.Queue(context.Background(), 9001, "Ключи можно забрать завтра с 10:00", app.KindReply); err != nil {
		t.Fatal(err)
	}
	h.eventually("Ivan's reply on PC B", func() bool { return h.shows("Ключи можно забрать завтра с 10:00") })
	h.eventually("its author and delivery", func() bool { return h.shows("Ivan Petrov via the default account · ") && !h.shows("Sending…") })
	h.capture("office-reply-from-another-pc")
}

// Deactivating Ivan on PC A signs him out on PC B, saying why.
func TestOfficeDeactivationOnASignsOutOnB(t *testing.T) {
	h := officeWindow(t, office(t, "Ivan Petrov"))
	h.signIn()
	h.eventually("Ivan's chats", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 })
	a := otherPC(t, h)
	olga, err := a.SignIn(context.Background(), staffNamed(t, a, "Ольга Смирнова").ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := olga.SetStaffActive(context.Background(), staffNamed(t, a, "Ivan Petrov").ID, false); err != nil {
		t.Fatal(err)
	}
	h.eventually("Who is working? with the reason", func() bool {
		return h.shows("Who is working?") && h.shows("An administrator changed Ivan Petrov's access, so C2Desk signed them out. Sign in again to go on.")
	})
}
