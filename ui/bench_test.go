package ui

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/app/bigagency"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/pgtest"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/bcrypt"
)

// Speed of the window at agency scale: `make bench` prints these against
// their goals. The big agency (bigagency.Shared) is built once per test
// binary and removed here.
func TestMain(m *testing.M) {
	// No test reaches this machine's own desktop settings (its autostart
	// folder): every core that lacks a folder of its own gets this one.
	config, err := os.MkdirTemp("", "c2desk-ui-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", config)
	code := m.Run()
	os.RemoveAll(config)
	bigagency.CloseShared()
	pgtest.StopShared()
	os.Exit(code)
}

// signedInOn builds the whole UI over the big database and signs in
// Марина (preselected), up to her chat list's first page on screen; on
// PostgreSQL on the C2Desk joined makes: a joined computer, where the
// policies are on.
func signedInOn(b *testing.B, a *bigagency.Agency, joined func(context.Context) (*app.App, error)) *harness {
	core := a.App
	if a.Joined != "" {
		var err error
		if core, err = joined(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	h := startOn(b, core, a.Fake, false)
	if a.Joined != "" {
		h.eventually("the PIN field", func() bool { return h.passwordEntry() != nil && h.passwordEntry().Visible() })
		h.passwordEntry().SetText(bigagency.SignInPIN)
	}
	h.signIn()
	h.eventually("the first page of chats", func() bool {
		return h.ui.chats != nil && len(h.ui.chats.chats) == 100 && h.ui.chats.list.Length() == 100
	})
	return h
}

// BenchmarkCreate: from nothing to an agent's chat list on screen — the
// window, the sign-in screen, signing in, the tabs and the first page of
// 10,000 chats (after Rymdport's BenchmarkCreate).
func BenchmarkCreate(b *testing.B) {
	a := bigagency.Shared(b)
	// One C2Desk, as on SQLite: its database connections are made once.
	var once *app.App
	joined := func(ctx context.Context) (*app.App, error) {
		if once == nil {
			var err error
			once, err = a.JoinedApp(ctx)
			return once, err
		}
		return once, nil
	}
	for b.Loop() {
		h := signedInOn(b, a, joined)
		b.StopTimer()
		h.ui.Stop()
		b.StartTimer()
	}
}

// BenchmarkSentMessageAppears: from Enter in the composer to the message
// on screen in the chat of 5,000, before any disk or network work.
func BenchmarkSentMessageAppears(b *testing.B) {
	a := bigagency.Shared(b)
	// The computer that polls: the send finishes here, outside the
	// measurement.
	h := signedInOn(b, a, a.PollingJoinedApp)
	h.openChat(9001)
	conv := h.ui.chats.conv
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		text := "Подтверждаю просмотр, " + strconv.Itoa(i)
		conv.compose.field.SetText(text)
		shown := len(conv.list.msgs.Objects)
		b.StartTimer()
		pressEnter(conv.compose.field, false)
		b.StopTimer()
		if len(conv.list.msgs.Objects) != shown+1 || conv.compose.field.Text != "" || !bubbleShows(conv.list.msgs.Objects[shown], text) {
			b.Fatalf("the message did not appear at once: %d rows, composer %q", len(conv.list.msgs.Objects), conv.compose.field.Text)
		}
		// Let the send finish before the next, outside the measurement.
		h.eventually("the send to finish", func() bool { return len(a.Fake.MessagesWithText(text)) == 1 && !conv.list.loading })
		b.StartTimer()
	}
}

func bubbleShows(row fyne.CanvasObject, text string) bool {
	var found bool
	walkTree(row, func(o fyne.CanvasObject) bool {
		switch c := o.(type) {
		case *widget.Label:
			found = found || c.Text == text
		case *widget.RichText:
			found = found || c.String() == text
		}
		return true
	})
	return found
}

// BenchmarkMemory compares fresh processes of this test binary: C2Desk over
// the big database with the agent's chat list and 20 chats browsed, and
// two bare Fyne windows: one Latin label, and labels in the scripts and
// styles a chat shows (Cyrillic, bold, italic, an emoji, ₽). The fonts
// those need are most of the difference from the first (about 17 MB, in
// the font tables go-text loads); the second is the
// like-for-like window the goal is judged against. All run on Fyne's test
// driver, so the GPU driver's share, the same for all, is left out.
func BenchmarkMemory(b *testing.B) {
	a := bigagency.Shared(b)
	// The processes are measured once, whatever b.N.
	bare := probeMemory(b, "bare", a)
	bareText := probeMemory(b, "bare-text", a)
	full := probeMemory(b, "app", a)
	for b.Loop() {
	}
	b.ReportMetric(float64(full)/float64(bareText), "x-bare-text")
	b.ReportMetric(float64(full)/float64(bare), "x-bare")
	b.ReportMetric(float64(bare)/1024, "MB-bare")
	b.ReportMetric(float64(bareText)/1024, "MB-bare-text")
	b.ReportMetric(float64(full)/1024, "MB-app")
}

// probeMemory runs TestMemoryProbe in a child process and returns its
// resident memory in KiB.
func probeMemory(b *testing.B, kind string, a *bigagency.Agency) int {
	cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryProbe$", "-test.v")
	cmd.Env = append(os.Environ(), "C2DESK_MEMORY_PROBE="+kind, "C2DESK_PROBE_DIR="+a.Dir, "C2DESK_PROBE_URL="+a.URL)
	if a.Store.Office() {
		cmd.Env = append(cmd.Env, "C2DESK_PROBE_DATABASE="+a.Store.Path())
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s probe: %v\n%s", kind, err, out)
	}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if kib, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "RSS-KiB "); ok {
			n, err := strconv.Atoi(kib)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("%s probe printed no RSS:\n%s", kind, out)
	return 0
}

// TestMemoryProbe is BenchmarkMemory's child; it does nothing in a normal
// test run.
func TestMemoryProbe(t *testing.T) {
	kind := os.Getenv("C2DESK_MEMORY_PROBE")
	switch kind {
	case "":
		t.Skip("run by BenchmarkMemory")
	case "bare":
		test.NewTempApp(t)
		w := test.NewTempWindow(t, widget.NewLabel("C2Desk"))
		w.Resize(fyne.NewSize(1024, 768))
	case "bare-text":
		test.NewTempApp(t)
		w := test.NewTempWindow(t, container.NewVBox(
			widget.NewLabel("C2Desk — Ольга Смирнова"),
			widget.NewLabelWithStyle("Ок, договорились 👍 45 000 ₽", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			widget.NewLabelWithStyle("Hello", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})))
		w.Resize(fyne.NewSize(1024, 768))
	case "app":
		browseBigAgency(t, os.Getenv("C2DESK_PROBE_DIR"), os.Getenv("C2DESK_PROBE_URL"))
	}
	runtime.GC()
	debug.FreeOSMemory()
	// A heap profile, for finding what a regression holds on to.
	if f := os.Getenv("C2DESK_PROBE_HEAP"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			t.Fatal(err)
		}
		pprof.WriteHeapProfile(out)
		out.Close()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("RSS-KiB %d\nGo-heap-KiB %d\nGo-sys-KiB %d\n", residentKiB(t), ms.HeapInuse/1024, ms.Sys/1024)
}

// browseBigAgency opens the big database as a second C2Desk on the same
// account would, signs in the agent and opens 20 chats.
func browseBigAgency(t *testing.T, dir, url string) {
	ctx := context.Background()
	keyring.MockInit()
	var store *storage.Store
	var err error
	if office := os.Getenv("C2DESK_PROBE_DATABASE"); office != "" {
		store, err = storage.OpenOffice(ctx, office)
	} else {
		store, err = storage.Open(ctx, dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	id, err := store.InstallationID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := keyring.Set(app.KeyringService, "token-"+id, c2dfake.DemoToken); err != nil {
		t.Fatal(err)
	}
	core := app.New(store, app.Keyring{}, app.Config{APIURL: url, RequestsPerSecond: -1,
		HTTPClient: &http.Client{Timeout: time.Minute}, Logger: slog.New(slog.DiscardHandler), PINHashCost: bcrypt.MinCost, LinksStayLocal: true,
		Autostart: app.XDGAutostart{Dir: t.TempDir(), Exe: "/opt/c2desk/c2desk"}})
	h := startOn(t, core, nil, false)
	if store.Office() {
		// Everyone has a PIN in a secured office.
		h.eventually("the PIN field", func() bool { return h.passwordEntry() != nil })
		h.passwordEntry().SetText(bigagency.SignInPIN)
	}
	h.signIn()
	// The twenty are chosen once: opening a chat reloads the list, which
	// may be shorter meanwhile (its first page again, while news arrives).
	var ids []int64
	h.eventually("the chat list", func() bool {
		if h.ui.chats == nil || len(h.ui.chats.chats) < 20 {
			return false
		}
		for _, c := range h.ui.chats.chats[:20] {
			ids = append(ids, c.ID)
		}
		return true
	})
	for _, id := range ids {
		h.openChat(id)
	}
}

// residentKiB reads this process's resident set from /proc.
func residentKiB(t *testing.T) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}
