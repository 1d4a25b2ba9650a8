package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// smallScreen is the window on a 1024×640 laptop, as ScreenArea.Fit opens
// it (the smoke test checks a real one).
var smallScreen = fyne.NewSize(1008, 560)

// On a short screen the chat's header and composer leave the messages
// most of the height.
func TestConversationOnASmallScreen(t *testing.T) {
	for _, light := range []bool{false, true} {
		// A subtest each: one window's poller stops before the next starts.
		t.Run(map[bool]string{false: "dark, English", true: "light, Russian"}[light], func(t *testing.T) { smallScreenIn(t, light) })
	}
}

func smallScreenIn(t *testing.T, light bool) {
	var h *harness
	if light { // Russian in the light theme, English in the dark
		h = startInRussian(t, waitingOffice(t, ""))
		h.ui.fyneApp.Settings().SetTheme(lightTheme{newAppTheme()})
	} else {
		h = start(t, false, waitingOffice(t, ""))
	}
	h.clientsWait()
	h.win.Resize(smallScreen)
	if light {
		h.signInRussian()
	} else {
		h.signIn()
	}
	h.eventually("the clients' messages", func() bool { return h.ui.chats != nil && len(h.ui.chats.chats) > 0 && h.ui.chats.chats[0].ID == 9004 })
	h.openChat(9001)
	v := h.ui.chats.conv
	h.eventually("the waiting line", func() bool { return v.waiting.Visible() })
	h.win.Resize(smallScreen.AddWidthHeight(1, 1))
	h.win.Resize(smallScreen)
	name := "chat-small-screen"
	if light {
		name += "-light"
	}
	h.capture(name)
	// The wait is never cut short ("…waited for an answer for 2…").
	if got := drawnText(v.waitText); got != v.waitText.Text {
		t.Fatalf("the waiting line shows %q of %q", got, v.waitText.Text)
	}
	// They took 239 of 560 pixels, with a waiting client.
	if around := v.top.Size().Height + v.bottom.Size().Height; around > 0.4*smallScreen.Height {
		t.Fatalf("the header (%v) and the composer (%v) leave the messages %v of %v", v.top.Size().Height, v.bottom.Size().Height, v.list.scroll.Size().Height, smallScreen.Height)
	}
}

// drawnText is what a label draws, its lines joined by spaces: with an
// ellipsis where it was cut short.
func drawnText(l *widget.Label) string {
	var lines []string
	walkTree(l, func(o fyne.CanvasObject) bool {
		if t, ok := o.(*canvas.Text); ok && strings.TrimSpace(t.Text) != "" {
			lines = append(lines, strings.TrimSpace(t.Text))
		}
		return true
	})
	return strings.Join(lines, " ")
}

// The mouse wheel over a text field of Settings scrolls the page.
func TestTheWheelOverAFieldScrollsSettings(t *testing.T) {
	h := start(t, false, connectedAdmin(t, false))
	h.win.Resize(smallScreen)
	h.signIn()
	h.tab("Settings")
	h.eventually("the file storage's fields", func() bool { return h.entryWithPlaceholder("agency-files") != nil })
	field := h.entryWithPlaceholder("agency-files")
	var page *container.Scroll
	for _, o := range h.objects() {
		// The page: the tall scroller around the field (its content may
		// reach below the window).
		if s, ok := o.(*container.Scroll); ok && s.Size().Height > 300 && abs(s).X <= abs(field).X && abs(field).X < abs(s).X+s.Size().Width {
			page = s
		}
	}
	if page == nil {
		t.Fatal("no scrolling page around the field")
	}
	page.ScrollToOffset(fyne.NewPos(0, abs(field).Y-abs(page).Y-100)) // the field in view
	before := page.Offset.Y
	at := abs(field).Add(fyne.NewPos(10, field.Size().Height/2))
	test.Scroll(h.win.Canvas(), at, 0, -60)
	if page.Offset.Y <= before {
		t.Fatalf("the page stayed at %v with the wheel over a field", page.Offset.Y)
	}
	h.capture("settings-small-screen")
}
