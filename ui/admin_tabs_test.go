package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"c2desk/app"
	"c2desk/c2dapi"
	"c2desk/storage"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// restart builds a fresh UI on the same app and database, as a new launch.
func (h *harness) restart() {
	h.t.Helper()
	Create(fyne.CurrentApp(), h.win, h.core, h.options(false))
	h.signIn()
}

func (h *harness) table() *widget.Table {
	for _, o := range h.objects() {
		if t, ok := o.(*widget.Table); ok {
			return t
		}
	}
	return nil
}

func (h *harness) selects() []*widget.Select {
	var out []*widget.Select
	for _, o := range h.objects() {
		if s, ok := o.(*widget.Select); ok && s.Visible() {
			out = append(out, s)
		}
		if s, ok := o.(*escSelect); ok && s.Visible() {
			out = append(out, &s.Select)
		}
	}
	return out
}

func TestChannelsTab(t *testing.T) {
	h := start(t, false, connectedAdmin(t, false))
	h.signIn()
	h.tab("Channels")
	h.eventually("the empty state", func() bool { return h.shows("No channels yet") })
	// The sentence is drawn under the column titles, not over them.
	h.win.Resize(fyne.NewSize(1100, 740))
	if y, titles := labelY(h, "No channels yet"), labelY(h, "Who sees new chats"); y < titles+10 {
		t.Fatalf("the empty sentence at y=%v, the titles at y=%v", y, titles)
	}
	h.capture("channels-empty")
	test.Tap(h.button("Load channels from Chat2Desk"))
	h.eventually("the load summary", func() bool { return h.shows("3 in Chat2Desk: 3 new, 0 changed, 0 gone.") })
	h.eventually("the rows", func() bool { return h.shows("• Новостройки") })
	for _, want := range []string{"+7 322 223 32 23", "Telegram, WhatsApp, Viber", "Telegram, Telegram (personal), Instagram, SMS", "Not chosen: administrators only"} {
		if !h.shows(want) {
			t.Fatalf("no %q in %q", want, h.texts())
		}
	}

	// Open Новостройки to everyone.
	h.table().Select(widget.TableCellID{Row: 1, Col: 0}) // rows sort by name: Аренда, Вторичка, Новостройки
	h.eventually("the rule editor", func() bool { return h.button("Save rule") != nil })
	var radio *widget.RadioGroup
	for _, o := range h.objects() {
		if r, ok := o.(*widget.RadioGroup); ok {
			radio = r
		}
	}
	radio.SetSelected("Chosen staff")
	test.Tap(h.button("Save rule"))
	h.eventually("the refusal", func() bool { return h.shows(app.MsgRuleNeedsStaff) })
	radio.SetSelected("Everyone")
	test.Tap(h.button("Save rule"))
	h.eventually("saved", func() bool { return h.shows("Saved.") })
	h.capture("channels")

	// A channel removed in Chat2Desk stays, marked, until removed here.
	h.fake.RemoveChannel(103)
	test.Tap(h.button("Load channels from Chat2Desk"))
	h.eventually("the gone channel", func() bool { return h.shows("Аренда (removed in Chat2Desk)") })

	h.restart()
	h.tab("Channels")
	h.eventually("the kept rule", func() bool { return h.shows("Everyone") && h.shows("Аренда (removed in Chat2Desk)") })
	h.table().Select(widget.TableCellID{Row: 0, Col: 0})
	h.eventually("the remove button", func() bool { return h.button("Remove from C2Desk") != nil })
	test.Tap(h.button("Remove from C2Desk"))
	h.eventually("the confirmation", func() bool { return len(h.win.Canvas().Overlays().List()) > 0 })
	test.Tap(h.lastButton("Remove"))
	h.eventually("the channel gone", func() bool { return !h.shows("Аренда") })
}

func TestOperatorsTab(t *testing.T) {
	h := start(t, false, func(core *app.App) {
		connectedAdmin(t, false)(core)
		s, _ := core.SignIn(context.Background(), core.LastStaffID(context.Background()), "")
		if _, err := s.AddStaff(context.Background(), app.StaffInput{Name: "Ivan Petrov", Role: storage.RoleAgent}); err != nil {
			t.Fatal(err)
		}
	})
	h.signIn()
	h.tab("Operators")
	test.Tap(h.button("Load operators from Chat2Desk"))
	h.eventually("the rows", func() bool { return h.shows("Офис Общий · office@klyuch-realty.ru") })
	// Roles as the account names them (Chat2Desk's 2026 access rights).
	if !h.shows("Nobody can send yet") || !h.shows("disabled") || !h.shows("Супервайзер") || !h.shows("Администратор") {
		t.Fatalf("%q", h.texts())
	}
	// Rows by name: Dmitry Ivanov, Ольга Смирнова, Офис Общий, Пётр Кузнецов.
	owners := h.selects()
	if len(owners) != 4 {
		t.Fatalf("%d owner pickers", len(owners))
	}
	// Пётр is disabled in Chat2Desk: nobody can be given his account.
	if !owners[3].Disabled() || owners[0].Disabled() {
		t.Fatal("the disabled operator's owner picker must be the only one disabled")
	}
	owners[1].SetSelected("Ольга Смирнова")
	owners[0].SetSelected("Ivan Petrov")
	h.eventually("unsaved changes", func() bool { return h.shows("Unsaved changes") })
	// Giving Ivan another operator moves him there.
	owners[2].SetSelected("Ivan Petrov")
	h.eventually("the move", func() bool { return h.selects()[0].Selected == "— nobody —" })
	owners = h.selects()
	owners[0].SetSelected("Ivan Petrov")
	if owners[2].Selected != "— nobody —" {
		t.Fatalf("Ivan owns two operators: %q", owners[2].Selected)
	}

	// Saving without a default account is refused with a sentence.
	test.Tap(h.button("Save"))
	h.eventually("the refusal", func() bool { return h.shows(app.MsgNeedDefault) })

	// The default account: the radio-like button of Офис Общий.
	var radios []*widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == "" && b.Visible() && b.Icon != nil {
			radios = append(radios, b)
		}
	}
	if len(radios) != 4 || !radios[3].Disabled() {
		t.Fatalf("%d default buttons; the disabled operator's must be disabled", len(radios))
	}
	test.Tap(radios[2])
	h.eventually("the summary", func() bool {
		return h.shows("Staff who send as themselves: 2; through the default account (Офис Общий): 0.")
	})
	h.capture("operators")

	// Leaving the tab with unsaved changes asks.
	h.tab("Staff")
	h.eventually("the question", func() bool { return h.shows("The operator mapping has unsaved changes.") })
	test.Tap(h.lastButton("Save"))
	h.eventually("the staff tab", func() bool { return h.tabs().Selected().Text == "Staff" })

	h.restart()
	h.tab("Operators")
	h.eventually("the kept mapping", func() bool {
		return h.shows("Staff who send as themselves: 2; through the default account (Офис Общий): 0.")
	})
	if h.shows("Unsaved changes") {
		t.Fatal("a reloaded mapping shows as unsaved")
	}

	// Chat2Desk disables Dmitry's account: Ivan keeps it, with a warning,
	// and it can only be taken from him.
	h.fake.PutOperator(c2dapi.Operator{ID: 9, Email: "d.ivanov@klyuch-realty.ru", FirstName: "Dmitry", LastName: "Ivanov", Status: c2dapi.StatusDisabled})
	test.Tap(h.button("Load operators from Chat2Desk"))
	h.eventually("the warning", func() bool {
		return h.shows("⚠ Dmitry Ivanov is disabled but still given to Ivan Petrov; they will send through the default account.")
	})
	if o := h.selects()[0]; o.Disabled() || len(o.Options) != 2 || o.Selected != "Ivan Petrov" {
		t.Fatalf("Dmitry's picker: disabled %v, options %q", o.Disabled(), o.Options)
	}
}

func TestStaffTab(t *testing.T) {
	h := start(t, false, connectedAdmin(t, true))
	h.signIn()
	h.tab("Staff")
	test.Tap(h.button("Add staff member"))
	h.eventually("the dialog", func() bool { return len(h.win.Canvas().Overlays().List()) > 0 })
	var name *widget.Entry
	for _, o := range h.objects() {
		if e := entryOf(o); e != nil && !e.Password {
			name = e
		}
	}
	test.Type(name, "ольга смирнова")
	test.Tap(h.lastButton("Save"))
	h.eventually("the duplicate refusal", func() bool { return h.shows("There is already a staff member called ольга смирнова.") })
	name.SetText("")
	test.Type(name, "Марина Орлова")
	h.capture("staff-add")
	test.Tap(h.lastButton("Save"))
	h.eventually("the new row", func() bool { return len(h.win.Canvas().Overlays().List()) == 0 && h.shows("Марина Орлова") })

	// The admin cannot deactivate herself.
	var list *widget.List
	for _, o := range h.objects() {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	}
	list.Select(1) // Ольга Смирнова (after Марина Орлова)
	test.Tap(h.button("Deactivate"))
	h.eventually("the refusal", func() bool { return h.shows(app.MsgNotYourself) })
	list.Select(0)
	test.Tap(h.button("Deactivate"))
	h.eventually("deactivated", func() bool { return h.shows("deactivated") })
	h.capture("staff")
}

func TestEnterContinuesOnSignIn(t *testing.T) {
	h := start(t, false, adminOnly(t))
	h.eventually("the sign-in screen", func() bool { b := h.button("Continue"); return b != nil && !b.Disabled() })
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.eventually("the connect screen", func() bool { return h.button("Add integration") != nil })
	// The connect screen has no Enter action of its own outside the field.
	h.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.shows("Who is working?") {
		t.Fatal("Enter on the next screen re-ran the sign-in")
	}
}

type closingBuffer struct {
	bytes.Buffer
	closed bool
}

func (b *closingBuffer) Close() error { b.closed = true; return nil }

func TestSettingsExportAndImport(t *testing.T) {
	h := start(t, false, connectedAdmin(t, true))
	h.signIn()
	h.tab("Settings")
	st, _ := h.core.Status(context.Background())
	settings := newSettingsTab(h.ui, st, "")
	h.win.SetContent(settings.content)
	if h.core.Office() {
		// An office's computers share their settings: nothing to carry.
		if h.button("Export settings…") != nil || h.button("Import settings…") != nil {
			t.Fatal("Export and Import settings offered in an office database")
		}
		return
	}

	var file closingBuffer
	settings.exportTo(&file, "office.json")
	h.eventually("the export note", func() bool { return h.shows("Settings saved to office.json.") })
	if !file.closed || !strings.Contains(file.String(), `"format": "c2desk-settings"`) {
		t.Fatalf("export wrote %q (closed %v)", file.String(), file.closed)
	}

	// Import a file that adds a colleague: the plan is shown first.
	data := strings.Replace(file.String(), `"staff": [`, `"staff": [
    {"name": "Kate Wilson", "role": "agent", "active": true},`, 1)
	settings.importFrom([]byte(data))
	h.eventually("the plan", func() bool { return h.shows("• Add Kate Wilson (agent), without a PIN") })
	h.capture("import-plan")
	test.Tap(h.lastButton("Import"))
	h.eventually("the imported notice", func() bool { return h.shows("Settings imported.") })
	staff, _ := h.core.StaffList(context.Background())
	if len(staff) != 2 || staff[0].Name != "Kate Wilson" {
		t.Fatalf("staff after import: %+v", staff)
	}

	// A foreign file is refused with the sentence, nothing asked.
	settings = newSettingsTab(h.ui, st, "")
	h.win.SetContent(settings.content)
	settings.importFrom([]byte(strings.Replace(data, `"id": 101`, `"id": 4242`, 1)))
	h.eventually("the refusal", func() bool { return h.shows("channel Новостройки (#4242)") })
}

// rows is how many rows a table shows.
func rows(t *widget.Table) int {
	r, _ := t.Length()
	return r
}

// labelY is where on the window the first label showing text is drawn.
func labelY(h *harness, text string) float32 {
	for _, o := range h.objects() {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, text) {
			return fyne.CurrentApp().Driver().AbsolutePositionForObject(l).Y
		}
	}
	h.t.Fatalf("no label %q in %q", text, h.texts())
	return 0
}
