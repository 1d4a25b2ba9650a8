package ui

import (
	"strings"
	"testing"

	"c2desk/c2dapi"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// walkObjects visits o and everything inside it.
func walkObjects(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			walkObjects(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			walkObjects(c, visit)
		}
	}
}

// quoteShown reports whether a bubble quotes the text: the quote is a
// label of its own inside the replying bubble, beside the quoted
// message's own label.
func (h *harness) quoteShown(text string) bool {
	n := 0
	for _, s := range h.texts() {
		if s == text {
			n++
		}
	}
	return n >= 2
}

// tapReplyOf taps the reply action of the newest bubble with this text.
func tapReplyOf(t *testing.T, h *harness, text string) {
	t.Helper()
	rows := h.ui.chats.conv.list.msgs.Objects
	for i := len(rows) - 1; i >= 0; i-- {
		var icon *tapIcon
		found := false
		walkObjects(rows[i], func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *tapIcon:
				icon = w
			case *widget.Label:
				found = found || w.Text == text
			}
		})
		if found && icon != nil {
			test.Tap(icon)
			return
		}
	}
	t.Fatalf("no reply action on %q", text)
}

// lastClientText is the text of a dialog's newest client message in Chat2Desk.
func lastClientText(h *harness, dialogID c2dapi.ID) string {
	msgs := h.fake.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].DialogID == dialogID && msgs[i].Type == c2dapi.TypeFromClient {
			return string(msgs[i].Text)
		}
	}
	return ""
}

func TestReplyToAMessageBothWays(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn() // Ольга
	h.openChat(9001)
	v := h.ui.chats.conv
	question := lastClientText(h, 9001)
	tapReplyOf(t, h, question)
	if !v.compose.replyBar.Visible() || !strings.Contains(v.compose.replyText.Text, question) || !strings.HasPrefix(v.compose.replyText.Text, "Reply to "+chatTitle(v.chat)+": ") {
		t.Fatalf("the reply bar shows %q (visible %v)", v.compose.replyText.Text, v.compose.replyBar.Visible())
	}
	// Escape drops the quote; the action brings it back.
	v.compose.field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if v.compose.replyBar.Visible() || v.compose.replying != nil {
		t.Fatal("Escape left the quote")
	}
	tapReplyOf(t, h, question)
	test.Type(v.compose.field, "Да, ещё продаётся")
	h.capture("reply-composing")
	pressEnter(v.compose.field, false)
	h.eventually("the reply in Chat2Desk", func() bool {
		got := h.fake.MessagesWithText("Да, ещё продаётся")
		return len(got) == 1 && got[0].ReplyMessageID != 0 && !v.compose.replyBar.Visible()
	})
	sent := h.fake.MessagesWithText("Да, ещё продаётся")[0]
	h.eventually("the sent reply quoting the question", func() bool { return h.quoteShown(question) })

	// The client answers the reply from their messenger.
	h.fake.ClientReplies(5001, "А торг возможен?", sent.ID)
	h.ui.poller.Wake()
	h.eventually("the client's reply quoting ours", func() bool {
		return h.shows("А торг возможен?") && h.quoteShown("Да, ещё продаётся")
	})
	h.capture("reply-both-ways")
}

func TestReplyBothWaysInRussian(t *testing.T) {
	h := startInRussian(t, office(t, ""))
	h.wide()
	h.signInRussian()
	h.openChat(9001)
	v := h.ui.chats.conv
	question := lastClientText(h, 9001)
	tapReplyOf(t, h, question)
	if !strings.Contains(v.compose.replyText.Text, question) {
		t.Fatalf("the reply bar shows %q", v.compose.replyText.Text)
	}
	test.Type(v.compose.field, "Да, ещё продаётся")
	pressEnter(v.compose.field, false)
	h.eventually("the reply in Chat2Desk", func() bool { return len(h.fake.MessagesWithText("Да, ещё продаётся")) == 1 })
	sent := h.fake.MessagesWithText("Да, ещё продаётся")[0]
	h.fake.ClientReplies(5001, "А торг возможен?", sent.ID)
	h.ui.poller.Wake()
	h.eventually("both quotes", func() bool {
		return h.quoteShown(question) && h.shows("А торг возможен?") && h.quoteShown("Да, ещё продаётся")
	})
	h.capture("reply-both-ways-ru")
}

// Notes and Chat2Desk's own messages have no reply action: the client
// never saw them.
func TestOnlyClientMessagesAndAnswersCanBeRepliedTo(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001) // the seed gives 9001 an autoreply, a system message and a note
	for _, row := range h.ui.chats.conv.list.msgs.Objects {
		var icon bool
		var kind string
		walkObjects(row, func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *tapIcon:
				icon = true
			case *widget.Label:
				if strings.HasPrefix(w.Text, "System · ") || strings.HasPrefix(w.Text, "Autoreply · ") || w.Text == "Internal note" {
					kind = w.Text
				}
			}
		})
		if icon && kind != "" {
			t.Fatalf("%q can be replied to", kind)
		}
	}
}
