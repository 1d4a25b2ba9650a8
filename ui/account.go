package ui

import (
	"context"
	"strings"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// accountTab tells an agent under which operator their messages go out and
// which channels' chats they see.
type accountTab struct {
	content fyne.CanvasObject
}

func newAccountTab(u *UI) *accountTab {
	sending := paragraph(lang.L("Loading…"), widget.MediumImportance)
	channels := paragraph("", widget.MediumImportance)
	t := &accountTab{content: column(760,
		heading(u.session.Staff().Name),
		widget.NewCard(lang.L("Your messages"), "", sending),
		widget.NewCard(lang.L("Chats you see"), "", channels),
		newDesktopCard(u))}
	s := u.session
	background(u, func(ctx context.Context) (app.Reach, error) {
		return s.MyReach(ctx)
	}, func(r app.Reach, err error) {
		if err != nil {
			say(sending, sentence(err), widget.DangerImportance)
			return
		}
		switch {
		case !r.CanSend:
			say(sending, lang.L("You cannot send messages yet. Ask an administrator to give you an operator or to choose the default account."), widget.WarningImportance)
		case r.ViaDefault:
			say(sending, lang.L("Your messages go out through the agency's default account, {{.Operator}}, and C2Desk records that you wrote them.", map[string]any{"Operator": r.Operator}), widget.MediumImportance)
		default:
			say(sending, lang.L("Your messages go out under your own Chat2Desk operator, {{.Operator}}.", map[string]any{"Operator": r.Operator}), widget.MediumImportance)
		}
		if len(r.Channels) == 0 {
			say(channels, lang.L("No channel's chats are open to you yet, except chats assigned to you."), widget.MediumImportance)
			return
		}
		say(channels, lang.L("Chats that start on: {{.Channels}}; and chats assigned to you.", map[string]any{"Channels": strings.Join(r.Channels, ", ")}), widget.MediumImportance)
	})
	return t
}
