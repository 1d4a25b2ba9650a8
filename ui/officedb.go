package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Databases moves this PC between its own file and an office's shared
// database; main provides it. Each returns the C2Desk that works in the
// chosen database, which the window then runs on. Nothing is saved before
// the database answered and accepted the password.
type Databases interface {
	// Join joins this computer to an office with an administrator's
	// invitation code, and works there from now on.
	Join(ctx context.Context, code string) (*app.App, error)
	// MoveIn copies this PC's data into an empty office database, then
	// joins it; it returns how many rows of each table it copied.
	MoveIn(ctx context.Context, address, password string) (map[string]int, *app.App, error)
	// Leave goes back to this PC's own file, as it was left.
	Leave(ctx context.Context) (*app.App, error)
}

// switchCore runs the window on another C2Desk (another database): the
// poller stops, and the office's people are asked who is working.
func (u *UI) switchCore(core *app.App, notice string, good bool) {
	u.Stop()
	u.refreshOfficeState = nil
	u.closeDialogs()
	u.core = core
	u.inSession = false
	u.signInNotice, u.signInNoticeGood = notice, good
	u.setTitle("C2Desk")
	u.route()
}

// newOfficeDatabaseSection is the Office database part of the This
// computer card, for administrators: where this PC's data is, who polls
// Chat2Desk for the office, and Join, Move in or Leave.
func newOfficeDatabaseSection(u *UI) fyne.CanvasObject {
	state := paragraph("", widget.MediumImportance)
	buttons := container.NewHBox()
	box := container.NewVBox(widget.NewLabelWithStyle(lang.L("Office database"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), state, buttons)
	if u.opts.Demo {
		state.SetText(lang.L("The demo keeps its data in a scratch file; an office database is for a real account."))
		return box
	}
	if u.opts.Databases == nil {
		state.SetText(lang.L("This computer works in its own file: {{.Path}}.", map[string]any{"Path": u.core.DataPath()}))
		return box
	}
	if !u.core.Office() {
		state.SetText(lang.L("This computer works in its own file: {{.Path}}. To share chats, staff and settings with the office's other computers, join the office's database, or move this computer's data into a new, empty one.", map[string]any{"Path": u.core.DataPath()}))
		join := widget.NewButtonWithIcon(lang.L("Join an office…"), theme.LoginIcon(), u.showJoinOffice)
		move := widget.NewButtonWithIcon(lang.L("Move this computer's data into an office database…"), theme.UploadIcon(), u.showMoveIn)
		buttons.Objects = []fyne.CanvasObject{join, move}
		return box
	}
	state.SetText(lang.L("Connected to the office database {{.Address}}.", map[string]any{"Address": u.core.DataPath()}))
	core := u.core
	// Read now, and again after each poll result, so the line follows a
	// poller that took over or stopped.
	u.refreshOfficeState = func() {
		background(u, core.OfficeState, func(st app.OfficeState, err error) {
			if err != nil {
				state.SetText(sentence(err))
				return
			}
			// A connection the office's network can read is a warning,
			// not a detail.
			importance := widget.MediumImportance
			if st.Readable {
				importance = widget.WarningImportance
			}
			say(state, officeStateLine(st), importance)
		})
	}
	u.refreshOfficeState()
	leave := widget.NewButtonWithIcon(lang.L("Leave the office database"), theme.LogoutIcon(), func() {
		d := dialog.NewConfirm(lang.L("Leave the office database?"),
			lang.L("This computer goes back to its own file, as it was when it joined. The office's data stays in the office database for the other computers."),
			func(ok bool) {
				if !ok {
					return
				}
				background(u, u.opts.Databases.Leave, func(core *app.App, err error) {
					if err != nil {
						u.showDialog(dialog.NewError(errors.New(sentence(err)), u.win))
						return
					}
					u.switchCore(core, lang.L("This computer works in its own file again."), true)
				})
			}, u.win)
		u.showDialog(d)
	})
	buttons.Objects = append(u.computerButtons(), leave)
	return box
}

// officeStateLine says where the data is and who polls Chat2Desk.
func officeStateLine(st app.OfficeState) string {
	line := lang.L("Connected to the office database {{.Address}}.", map[string]any{"Address": st.Address})
	switch {
	case st.Polls:
		line += " " + lang.L("This computer polls Chat2Desk for the office.")
	case st.Poller != "":
		line += " " + lang.L("Chat2Desk is polled for the office by {{.Computer}}.", map[string]any{"Computer": st.Poller})
	default:
		line += " " + lang.L("No computer polls Chat2Desk right now: start C2Desk where the token is kept, or c2desk poll on the office server.")
	}
	if !st.PolledAt.IsZero() {
		line += " " + lang.L("Last poll: {{.Time}}.", map[string]any{"Time": st.PolledAt.Local().Format("15:04:05")})
	}
	if w := webhookLine(st); w != "" {
		line += "\n\n" + w
	}
	if st.Readable {
		line += "\n\n" + translate(app.MsgOfficeReadable, nil)
	}
	return line
}

// webhookLine says how Chat2Desk's webhooks stand, when a server ever
// received them.
func webhookLine(st app.OfficeState) string {
	w := st.Webhooks
	switch {
	case !st.HasWebhooks:
		return ""
	case w.Address == "":
		return lang.L("The office server no longer receives Chat2Desk's webhooks (stopped at {{.Time}}): new messages come with polling.", map[string]any{"Time": w.Checked.Local().Format("15:04")})
	case !w.Listening(st.Now):
		return lang.L("The office server that receives Chat2Desk's webhooks has said nothing since {{.Time}}: is c2desk poll --listen running there? New messages come with polling meanwhile.", map[string]any{"Time": w.Checked.Local().Format("15:04")})
	case !w.Trusted:
		return lang.L("Chat2Desk's webhooks at {{.Address}}:", map[string]any{"Address": w.Address}) + " " + translate(w.Problem, nil)
	}
	line := lang.L("Chat2Desk's webhooks reach the office server at {{.Address}}: new messages arrive within seconds.", map[string]any{"Address": w.Address})
	if w.Problem != "" && st.Now.Sub(w.ProblemAt) < 24*time.Hour {
		line += " " + lang.L("At {{.Time}}:", map[string]any{"Time": w.ProblemAt.Local().Format("15:04")}) + " " + translate(w.Problem, nil)
	}
	return line
}

// showJoinOffice asks for the invitation an administrator made for this
// computer and joins the office with it: the keyring then keeps what
// the computer needs, and its people sign in with their PINs.
func (u *UI) showJoinOffice() {
	code := widget.NewMultiLineEntry()
	code.SetPlaceHolder("c2desk-invite:…")
	code.Wrapping = fyne.TextWrapBreak
	code.SetMinRowsVisible(3)
	intro := lang.L("An administrator makes the invitation on a computer of the office (Settings › Office database › Add a computer…) and sends it to you. Paste it here. It works once, within a week.")
	u.showOfficeDialog(lang.L("Join an office"), lang.L("Join"), intro, widget.NewForm(widget.NewFormItem(lang.L("Invitation"), code)), code,
		func(ctx context.Context) (*app.App, string, error) {
			core, err := u.opts.Databases.Join(ctx, code.Text)
			return core, lang.L("This computer now works in the office database."), err
		})
}

// showMoveIn asks for an empty office database's address and its
// owner's password, copies this PC's data into it and makes it the
// office: this computer joins it, and the owner's password is not kept.
func (u *UI) showMoveIn() {
	address := widget.NewEntry()
	address.SetPlaceHolder("postgres://c2desk@server/c2desk?sslmode=verify-full")
	password := widget.NewPasswordEntry()
	intro := lang.L("This computer's staff, settings, chats and messages are copied into the office database, which must be empty. This computer's own file stays as it is, as a backup. The owner's password is used once and not kept; the office's computers then join with invitations.")
	form := widget.NewForm(widget.NewFormItem(lang.L("Address"), address), widget.NewFormItem(lang.L("Owner's password"), password))
	u.showOfficeDialog(lang.L("Move into an office database"), lang.L("Copy and join"), intro, form, address,
		func(ctx context.Context) (*app.App, string, error) {
			addr := strings.TrimSpace(address.Text)
			if !app.IsOfficeURL(addr) {
				return nil, "", errors.New(lang.L("The address starts with postgres://, as the administrator wrote it."))
			}
			counts, core, err := u.opts.Databases.MoveIn(ctx, addr, password.Text)
			return core, lang.L("This computer's data was copied into the office database ({{.Chats}} chats, {{.Messages}} messages), and it works there now.",
				map[string]any{"Chats": counts["dialogs"], "Messages": counts["messages"]}), err
		})
}

// officeSwitch is the C2Desk a Join or Move in leaves the window on, and
// what to tell on "Who is working?".
type officeSwitch struct {
	core   *app.App
	notice string
}

// showOfficeDialog is the dialog of Join and Move in: the form, a
// problem line, and the action, which runs in the background and, when
// it succeeds, switches the window to the office.
func (u *UI) showOfficeDialog(title, action, intro string, form *widget.Form, first fyne.Focusable,
	run func(ctx context.Context) (*app.App, string, error)) {
	problemLabel := paragraph("", widget.DangerImportance)
	problemLabel.Hide()
	working := widget.NewActivity()
	working.Hide()
	var d dialog.Dialog
	var button *widget.Button
	fit := func() { d.Resize(fyne.NewSize(min(600, u.win.Canvas().Size().Width-40), 1)) }
	submit := func() {
		button.Disable()
		problemLabel.Hide()
		working.Show()
		working.Start()
		background(u, func(ctx context.Context) (officeSwitch, error) {
			core, notice, err := run(ctx)
			return officeSwitch{core, notice}, err
		}, func(r officeSwitch, err error) {
			working.Stop()
			working.Hide()
			button.Enable()
			if err != nil {
				problemLabel.SetText(sentence(err))
				problemLabel.Show()
				fit()
				return
			}
			d.Hide()
			u.switchCore(r.core, r.notice, true)
		})
	}
	button = widget.NewButtonWithIcon(action, theme.ConfirmIcon(), submit)
	button.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	if e, ok := form.Items[len(form.Items)-1].Widget.(*widget.Entry); ok && !e.MultiLine {
		e.OnSubmitted = func(string) { submit() }
	}
	body := container.NewVBox(paragraph(intro, widget.MediumImportance), form, problemLabel,
		container.NewHBox(working, layout.NewSpacer(), cancel, button))
	d = dialog.NewCustomWithoutButtons(title, body, u.win)
	u.showDialog(d)
	fit() // as tall as the form needs, at a width the address fits in
	u.win.Canvas().Focus(first)
}
