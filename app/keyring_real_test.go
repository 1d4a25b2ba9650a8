package app

import (
	"net/http/httptest"
	"os"
	"testing"

	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

// TestRealKeyring connects, replaces and disconnects through the OS keyring
// (Secret Service). .ci/run runs it under dbus-run-session with an unlocked
// gnome-keyring; elsewhere it is skipped, as no keyring may be there.
func TestRealKeyring(t *testing.T) {
	if os.Getenv("C2DESK_REAL_KEYRING") != "1" {
		t.Skip("set C2DESK_REAL_KEYRING=1 inside a session with a Secret Service")
	}
	fake := c2dfake.New()
	srv := httptest.NewServer(fake)
	defer srv.Close()
	store, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := New(store, Keyring{}, Config{APIURL: srv.URL + "/v1", RequestsPerSecond: -1})
	acc, _ := a.account(ctx)
	t.Cleanup(func() { Keyring{}.Delete(acc) })

	if _, err := a.Console().Connect(ctx, c2dfake.DemoToken); err != nil {
		t.Fatalf("connect: %v (%s)", err, Explain(err))
	}
	if tok, err := (Keyring{}).Get(acc); err != nil || tok != c2dfake.DemoToken {
		t.Fatalf("keyring holds %q, %v", tok, err)
	}
	fake.AddToken("replacement-token-77")
	if _, err := a.Console().Connect(ctx, "replacement-token-77"); err != nil {
		t.Fatal(err)
	}
	// A fresh App reads the token back from the keyring, as on the next start.
	again := New(store, Keyring{}, Config{APIURL: srv.URL + "/v1", RequestsPerSecond: -1})
	if st, err := again.Status(ctx); err != nil || !st.Connected {
		t.Fatalf("status after restart: %+v %v", st, err)
	}
	if _, err := again.Console().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := again.Console().Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := (Keyring{}).Get(acc); err != ErrNoToken {
		t.Fatalf("after disconnect: %v", err)
	}
}
