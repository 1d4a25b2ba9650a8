package ui

import (
	"slices"
	"strings"
	"testing"

	"c2desk/c2dapi"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// chips are the tags the card shows.
func (h *harness) chips() []string {
	var out []string
	for _, o := range h.ui.chats.conv.card.tags.Objects {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b.Text)
		}
	}
	slices.Sort(out) // the engines fold and sort groups alike, labels not always
	return out
}

func (h *harness) fieldEntry(name string) *widget.Entry {
	c := h.ui.chats.conv.card
	for _, it := range c.fields.Items {
		if it.Text == name {
			if held, ok := it.Widget.(*fyne.Container); ok && len(held.Objects) > 0 { // under its wheel catcher
				if e, ok := held.Objects[0].(*widget.Entry); ok {
					return e
				}
			}
		}
	}
	return nil
}

func fakeTags(h *harness, clientID c2dapi.ID) string {
	c, _ := h.fake.Client(clientID)
	var out []string
	for _, t := range c.Tags {
		out = append(out, string(t.Label))
	}
	return strings.Join(out, ",")
}

// wide gives the window a common laptop's width: room for the list, the
// conversation and the card side by side.
func (h *harness) wide() {
	h.win.Resize(fyne.NewSize(1366, 768))
	h.win.Canvas().Refresh(h.win.Content())
}

func TestClientCardBesideTheChat(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.wide()
	h.signIn() // Ольга
	h.openChat(9001)
	card := h.ui.chats.conv.card
	h.eventually("the card beside the conversation", func() bool { return card.shown() && !card.strip.Visible() })
	h.eventually("the card with its tags and fields", func() bool {
		return strings.Join(h.chips(), ",") == "VIP,Ипотека,Покупка" && h.fieldEntry("Бюджет, ₽") != nil &&
			h.fieldEntry("Бюджет, ₽").Text == "5000000" && card.comment.Text == "Ищет квартиру рядом со школой"
	})
	// The entries on screen are the card's: a form whose items were
	// replaced went on showing the first (empty) ones.
	shown := map[string]bool{}
	for _, o := range h.objects() {
		if e, ok := o.(*widget.Entry); ok {
			shown[e.Text] = true
		}
	}
	if !shown["5000000"] || !shown["Центральный"] {
		t.Fatalf("the fields on screen: %v", shown)
	}
	var names []string
	for _, it := range card.fields.Items {
		names = append(names, it.Text)
	}
	if !h.shows("Новостройки · ") || strings.Join(names, ",") != "Бюджет, ₽,Район,Комнат,Источник" || !h.shows("Авито") {
		t.Fatalf("the card shows %q, fields %q", h.texts(), names)
	}
	h.capture("client-card")
	// The wheel over the card's fields scrolls the card: it stopped at
	// the comment and the client fields.
	h.win.Resize(fyne.NewSize(1366, 600))
	page := h.cardPage(card)
	for _, field := range []fyne.CanvasObject{card.comment, h.fieldEntry("Бюджет, ₽")} {
		page.ScrollToTop()
		page.ScrollToOffset(fyne.NewPos(0, max(0, abs(field).Y-abs(page).Y-40)))
		before, dy := page.Offset.Y, float32(-40) // down, unless at the end
		if before >= page.Content.Size().Height-page.Size().Height-1 {
			dy = 40
		}
		test.Scroll(h.win.Canvas(), abs(field).Add(fyne.NewPos(10, 10)), 0, dy)
		if page.Offset.Y == before {
			t.Fatalf("the wheel over %T left the card at %v", field, page.Offset.Y)
		}
	}
	h.win.Resize(fyne.NewSize(1366, 768))
	h.scrolledToEnd(card)

	// The last answer follows a new one without opening the chat again.
	before := card.last.Text
	test.Type(h.composer(), "Добрый день!")
	pressEnter(h.composer(), false)
	h.eventually("the new last answer", func() bool {
		return card.last.Text != before && strings.HasPrefix(card.last.Text, "Ольга Смирнова · ")
	})

	// The comment and a field, saved to Chat2Desk.
	card.comment.SetText(card.comment.Text + " и садиком")
	test.Tap(card.saveComment)
	h.eventually("the comment in Chat2Desk", func() bool {
		c, _ := h.fake.Client(5001)
		return c.Comment == "Ищет квартиру рядом со школой и садиком"
	})
	budget := h.fieldEntry("Бюджет, ₽")
	budget.SetText("6 000 000")
	test.Tap(card.saveFields)
	h.eventually("the budget in Chat2Desk", func() bool {
		c, _ := h.fake.Client(5001)
		return c.FieldValues()["1"] == "6000000" && h.fieldEntry("Бюджет, ₽").Text == "6000000"
	})
	// A refused value says why and stays typed.
	h.fieldEntry("Комнат").SetText("две")
	test.Tap(card.saveFields)
	h.eventually("the refusal", func() bool { return h.shows("This field takes a number, for example 4500000.") })
	if h.fieldEntry("Комнат").Text != "две" {
		t.Fatal("the refused value was lost")
	}

	// Tags: one added from the list, one taken off by its chip.
	card.addTag.SetSelected("Статус: Горячий")
	h.eventually("the new tag", func() bool {
		return strings.Contains(fakeTags(h, 5001), "Горячий") && strings.Contains(strings.Join(h.chips(), ","), "Горячий")
	})
	for _, o := range card.tags.Objects {
		if b, ok := o.(*widget.Button); ok && b.Text == "Покупка" {
			test.Tap(b)
		}
	}
	h.eventually("the tag taken off", func() bool {
		return !strings.Contains(fakeTags(h, 5001), "Покупка") && !strings.Contains(strings.Join(h.chips(), ","), "Покупка")
	})

	// The list filters by a tag.
	h.ui.chats.tagFilter.SetSelected("Статус: Горячий")
	h.eventually("only the tagged chat", func() bool { ids := h.listed(); return len(ids) == 1 && ids[0] == 9001 })
	h.ui.chats.tagFilter.SetSelected("Any tag")
	h.eventually("every chat again", func() bool { return len(h.listed()) > 1 })

	// Folded, and remembered so.
	test.Tap(card.fold)
	h.win.Canvas().Refresh(h.win.Content())
	if card.shown() || h.ui.prefs().BoolWithFallback(prefCardShown, true) {
		t.Fatal("the card did not fold")
	}
	if h.shows("Ищет квартиру") {
		t.Fatal("a folded card still shows")
	}
	h.capture("client-card-folded")
	test.Tap(card.unfold)
	h.eventually("the card again", func() bool { return h.fieldEntry("Бюджет, ₽") != nil })
}

// A client without tags or fields. (Every client of channel 101, the one
// open to agents, has field values in the fake's account: 5001+i for
// i%3 == 0.)
func TestClientCardOfAPlainClient(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.wide()
	h.signIn()       // Ольга, who sees every chat
	h.openChat(9002) // client 5002: no tags, no field values, no comment, in Chat2Desk too
	// Shown as stored first: before the account's fields were ever read
	// the card says so rather than that there are none; then as
	// Chat2Desk has it.
	h.eventually("the card", func() bool {
		return h.ui.chats.conv.card.card.ID == 5002 && h.shows("No tags") && h.fieldEntry("Бюджет, ₽") != nil &&
			h.ui.chats.conv.card.card.FieldsKnown
	})
	if e := h.fieldEntry("Бюджет, ₽"); e.Text != "" {
		t.Fatalf("a client without values still gets the fields to fill in, empty: %q (card %d)", e.Text, h.ui.chats.conv.card.card.ID)
	}
	if !h.shows("No other chats with this client.") {
		t.Fatalf("%q", h.texts())
	}
	// A long value scrolls inside its field: the card stays as wide as it is.
	h.fieldEntry("Район").SetText(strings.Repeat("Заречный, у реки ", 10))
	if w := h.fieldEntry("Район").MinSize().Width; w > cardWidth {
		t.Fatalf("a long value widens its field to %v", w)
	}
	// "No tags" on one line: a wrapping label in the tags' row layout was
	// one letter wide.
	h.win.Resize(fyne.NewSize(1280, 800))
	for _, o := range h.ui.chats.conv.card.tags.Objects {
		if l, ok := o.(*widget.Label); ok && l.Size().Width < widget.NewLabel(l.Text).MinSize().Width {
			t.Fatalf("%q is %v wide", l.Text, l.Size().Width)
		}
	}
}

func TestClientCardInRussian(t *testing.T) {
	h := startInRussian(t, office(t, ""))
	h.wide()
	h.signInRussian()
	h.openChat(9001)
	h.eventually("the card", func() bool {
		return strings.Join(h.chips(), ",") == "VIP,Ипотека,Покупка" && h.shows("Поля клиента") && h.shows("Последний ответ") &&
			h.ui.chats.conv.card.comment.Text == "Ищет квартиру рядом со школой"
	})
	h.capture("client-card-ru")
}

// In a window too narrow for the card beside the conversation (1024
// wide) the card folds to a strip, whatever was remembered; unfolded it
// lies over the conversation, and folding it again changes nothing
// remembered.
func TestClientCardIsADrawerInANarrowWindow(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	v := h.ui.chats.conv
	card := v.card
	h.win.Canvas().Refresh(h.win.Content())
	if card.shown() || !card.strip.Visible() {
		t.Fatal("the card is beside a conversation that has no room for it")
	}
	if v.header.Size().Width < v.header.MinSize().Width {
		t.Fatalf("the header has %v of the %v it needs", v.header.Size().Width, v.header.MinSize().Width)
	}
	test.Tap(card.unfold)
	h.eventually("the card over the conversation", func() bool { return card.shown() && card.panel.Position().X > 0 })
	if !h.ui.prefs().BoolWithFallback(prefCardShown, true) {
		t.Fatal("the drawer changed what is remembered")
	}
	h.eventually("the card's contents", func() bool { return card.comment.Text == "Ищет квартиру рядом со школой" })
	h.capture("client-card-drawer")
	h.win.Resize(fyne.NewSize(1100, 740)) // the default window
	for _, b := range []*widget.Button{v.assign, v.openClose, v.compose.send, card.fold} {
		if overlap(card.panel, b) != (b == card.fold) {
			t.Fatalf("the drawer at %v %v and %q at %v %v", abs(card.panel), card.panel.Size(), b.Text, abs(b), b.Size())
		}
	}
	h.scrolledToEnd(card)
	test.Tap(card.fold)
	h.win.Canvas().Refresh(h.win.Content())
	if card.shown() || !h.ui.prefs().BoolWithFallback(prefCardShown, true) {
		t.Fatal("folding the drawer should hide it and leave the remembered choice")
	}
}

func abs(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// overlap reports whether b is drawn within a's rectangle, in part.
func overlap(a, b fyne.CanvasObject) bool {
	pa, pb := abs(a), abs(b)
	return pa.X < pb.X+b.Size().Width && pb.X < pa.X+a.Size().Width &&
		pa.Y < pb.Y+b.Size().Height && pb.Y < pa.Y+a.Size().Height
}

// cardPage is the scroller of the card's sections.
func (h *harness) cardPage(card *clientCard) *container.Scroll {
	h.t.Helper()
	var scroll *container.Scroll
	for _, o := range h.objects() {
		if s, ok := o.(*container.Scroll); ok && overlap(card.panel, s) && s.Size().Height > 200 {
			scroll = s
		}
	}
	if scroll == nil {
		h.t.Fatal("the card does not scroll")
	}
	return scroll
}

// scrolledToEnd scrolls the card to its end, where its last section,
// Other chats, must then be inside the window.
func (h *harness) scrolledToEnd(card *clientCard) {
	h.t.Helper()
	scroll := h.cardPage(card)
	scroll.ScrollToBottom()
	if end := abs(card.chats).Y + card.chats.Size().Height; end > h.win.Canvas().Size().Height || end > abs(card.panel).Y+card.panel.Size().Height+1 {
		h.t.Fatalf("Other chats end at %v, beyond the window (%v) or the card (%v)", end, h.win.Canvas().Size(), abs(card.panel).Y+card.panel.Size().Height)
	}
}
