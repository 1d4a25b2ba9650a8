package ui

import (
	"context"
	"hash/fnv"
	"image/color"
	"strconv"
	"strings"
	"time"
	"unicode"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// listPage is how many chats one query brings; more load while scrolling.
const listPage = 100

// chatsTab is the chat window: the chats this person may see on the left,
// the open conversation on the right.
type chatsTab struct {
	u *UI
	// session is the person this tab was built for: work started here
	// finishes as them even if someone else signs in meanwhile.
	session *app.Session
	content fyne.CanvasObject
	names   names

	chats   []app.Chat
	filter  app.ChatFilter
	more    bool
	loading bool
	// queries counts the list's queries: only the newest one's answer is
	// shown, as an older one (typing fast, switching filters) may come
	// back after it.
	queries int
	// chatsSource reads a page of the list; the session's, but for tests.
	chatsSource func(ctx context.Context, f app.ChatFilter) ([]app.Chat, error)

	list   *widget.List
	search *widget.Entry
	scope  *segmented
	// tagFilter narrows the list to the clients with a tag; hidden when
	// the account has no tags.
	tagFilter   *widget.Select
	tagIDs      map[string]int64 // tag filter option › tag
	empty       *widget.Label
	banner      *fyne.Container
	bannerText  *widget.Label
	left        *fyne.Container // the list column
	newToken    *widget.Button
	history     *fyne.Container
	historyText *widget.Label
	searchWait  *time.Timer
	polledOnce  bool // a poll has reported: the history bar is done with
	// pollerStarted: the first list query answered, and the poller was
	// started after it rather than beside it, so the chats show first.
	pollerStarted bool

	conv  *conversationView
	right *fyne.Container
}

func newChatsTab(u *UI) *chatsTab {
	t := &chatsTab{u: u, session: u.session}
	t.chatsSource = t.session.Chats
	t.conv = newConversationView(t)

	t.search = widget.NewEntry()
	t.search.SetPlaceHolder(lang.L("Search by name, phone or text"))
	t.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	t.search.OnChanged = func(string) {
		if t.searchWait != nil {
			t.searchWait.Stop()
		}
		t.searchWait = time.AfterFunc(250*time.Millisecond, func() { u.opts.post(t.reload) })
	}
	mine, open, waiting, all := lang.L("Mine"), lang.L("Open"), lang.L("Waiting"), lang.L("All")
	t.scope = newSegmented([]string{mine, open, waiting, all}, func(s string) {
		// Waiting lists the chats whose client waits for an answer, the
		// longest waiting first.
		t.filter.Mine, t.filter.OpenOnly, t.filter.Waiting = s == mine, s == open, s == waiting
		t.reload()
	})
	newChat := widget.NewButtonWithIcon(lang.L("New chat"), theme.ContentAddIcon(), func() { showNewChat(t) })
	t.tagFilter = widget.NewSelect(nil, t.tagChosen)
	t.tagFilter.Hide()

	t.list = widget.NewList(func() int { return len(t.chats) }, newChatRow, t.updateRow)
	t.list.OnSelected = t.selected
	t.empty = paragraph("", widget.LowImportance)
	t.empty.Alignment = fyne.TextAlignCenter
	t.empty.Hide()

	t.bannerText = paragraph("", widget.WarningImportance)
	retry := widget.NewButton(lang.L("Try again"), func() {
		t.hideBanner()
		if u.poller != nil {
			u.poller.Wake()
		}
	})
	// A refused token stops everything until an admin enters a new one.
	t.newToken = widget.NewButtonWithIcon(lang.L("Enter a new token…"), theme.DocumentCreateIcon(), func() { u.showConnect(true) })
	t.newToken.Importance = widget.HighImportance
	t.newToken.Hide()
	t.banner = container.NewVBox(t.bannerText, container.NewHBox(t.newToken, retry))
	t.banner.Hide()
	bar := widget.NewProgressBarInfinite()
	t.historyText = paragraph(lang.L("Loading the chats of the last {{.Days}} days…", map[string]any{"Days": u.core.HistoryDays()}), widget.MediumImportance)
	t.history = container.NewVBox(t.historyText, bar)
	t.history.Hide()

	t.left = container.NewBorder(
		container.NewVBox(t.banner, t.history, container.NewBorder(nil, nil, nil, newChat, t.search), t.scope.content, t.tagFilter),
		nil, nil, nil, container.NewStack(t.list, container.NewPadded(t.empty)))

	hint := widget.NewLabel(lang.L("Choose a chat on the left to read and answer it."))
	hint.Importance = widget.LowImportance
	t.right = container.NewStack(container.NewCenter(hint))
	split := container.NewHSplit(t.left, t.right)
	split.Offset = 0.34
	t.content = split

	t.scope.SetSelected(all) // loads the list
	t.loadNames()
	t.loadTags()
	background(u, u.core.HistoryLoaded, func(done bool, err error) {
		if err == nil && !done && !t.polledOnce {
			t.history.Show()
		}
	})
	return t
}

// loadNames reads who is who, for authors in conversations.
func (t *chatsTab) loadNames() {
	// The core is read here, on the window's goroutine: switching to
	// another database replaces it.
	core := t.u.core
	background(t.u, func(ctx context.Context) (names, error) {
		var n names
		var err error
		if n.staff, err = core.StaffNames(ctx); err != nil {
			return n, err
		}
		if n.operators, err = core.OperatorNames(ctx); err != nil {
			return n, err
		}
		if n.defaultOp, err = core.DefaultOperator(ctx); err != nil {
			return n, err
		}
		n.mine, err = t.session.SendingAs(ctx)
		return n, err
	}, func(n names, err error) {
		if err == nil {
			t.names = n
			if t.conv.chat.ID != 0 {
				t.conv.updateHeader() // the chat's operator, by name
			}
		}
	})
}

// anyTag is the tag filter's first option: no filter.
func anyTag() string { return lang.L("Any tag") }

// loadTags offers the account's tags in the list's filter.
func (t *chatsTab) loadTags() {
	background(t.u, t.u.core.Tags, func(tags []app.Tag, err error) {
		if err != nil {
			return
		}
		options := []string{anyTag()}
		t.tagIDs = map[string]int64{}
		for _, tag := range tags {
			options = append(options, tagName(tag))
			t.tagIDs[tagName(tag)] = tag.ID
		}
		t.tagFilter.Options = options
		t.tagFilter.Hidden = len(tags) == 0
		if t.tagFilter.Selected == "" {
			t.tagFilter.SetSelected(anyTag())
		}
		t.tagFilter.Refresh()
		t.left.Refresh()
	})
}

// tagChosen filters the list by a tag, after asking Chat2Desk which
// clients carry it (the stored tags are shown meanwhile).
func (t *chatsTab) tagChosen(option string) {
	id := t.tagIDs[option]
	if id == t.filter.TagID {
		return
	}
	t.filter.TagID = id
	t.reload()
	if id == 0 {
		return
	}
	core := t.u.core
	background(t.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, core.RefreshTag(ctx, id)
	}, func(_ struct{}, err error) {
		if err == nil && t.filter.TagID == id {
			t.reload()
		}
	})
}

// reload reads the first pages of chats again with the current filter,
// keeping the open chat selected.
func (t *chatsTab) reload() {
	f := t.filter
	f.Search = strings.TrimSpace(t.search.Text)
	f.Limit, f.Offset = max(listPage, len(t.chats)), 0
	t.query(f, false)
}

func (t *chatsTab) loadMore() {
	if t.loading || !t.more {
		return
	}
	f := t.filter
	f.Search = strings.TrimSpace(t.search.Text)
	f.Limit, f.Offset = listPage, len(t.chats)
	t.query(f, true)
}

func (t *chatsTab) query(f app.ChatFilter, appending bool) {
	t.loading = true
	t.queries++
	query, fetch := t.queries, t.chatsSource
	background(t.u, func(ctx context.Context) ([]app.Chat, error) {
		return fetch(ctx, f)
	}, func(chats []app.Chat, err error) {
		if !t.pollerStarted && t.u.chats == t && t.u.inSession {
			t.pollerStarted = true
			t.u.startPolling(t)
		}
		if query != t.queries {
			return // a newer query is on its way; this answer is out of date
		}
		t.loading = false
		if err != nil {
			t.showBanner(sentence(err), false)
			return
		}
		if appending {
			t.chats = append(t.chats, chats...)
		} else {
			t.chats = chats
		}
		t.more = len(chats) == f.Limit
		t.list.UnselectAll()
		for i, c := range t.chats {
			if c.ID == t.conv.chat.ID {
				t.list.OnSelected = nil // already open: keep the conversation as it is
				t.list.Select(i)
				t.list.OnSelected = t.selected
				if t.conv.chat.State != c.State || t.conv.chat.OperatorID != c.OperatorID || !t.conv.chat.WaitingSince.Equal(c.WaitingSince) ||
					t.conv.chat.Assignee != c.Assignee {
					t.conv.chat.State, t.conv.chat.OperatorID, t.conv.chat.WaitingSince = c.State, c.OperatorID, c.WaitingSince
					t.conv.chat.Assignee = c.Assignee
					t.conv.updateHeader()
				}
			}
		}
		t.list.Refresh()
		t.updateEmpty(f)
		t.updateUnread()
	})
}

func (t *chatsTab) updateEmpty(f app.ChatFilter) {
	switch {
	case len(t.chats) > 0:
		t.empty.Hide()
		return
	case f.Search != "":
		t.empty.SetText(lang.L("No chats match the search."))
	case f.Mine:
		t.empty.SetText(lang.L("No chats are assigned to you."))
	case f.Waiting:
		t.empty.SetText(lang.L("No client is waiting for an answer."))
	case f.TagID != 0:
		t.empty.SetText(lang.L("No chats with clients that have this tag."))
	default:
		t.empty.SetText(lang.L("No chats yet. New messages from clients appear here."))
	}
	t.empty.Show()
}

func (t *chatsTab) selected(id widget.ListItemID) {
	if id < len(t.chats) {
		t.open(t.chats[id])
	}
}

func (t *chatsTab) open(c app.Chat) {
	if len(t.right.Objects) != 1 || t.right.Objects[0] != t.conv.content {
		t.right.Objects = []fyne.CanvasObject{t.conv.content}
		t.right.Refresh()
	}
	t.conv.show(c)
}

// openByID opens a chat that may not be in the loaded part of the list.
func (t *chatsTab) openByID(id int64) {
	background(t.u, func(ctx context.Context) (app.Chat, error) {
		chats, err := t.session.Chats(ctx, app.ChatFilter{IDs: []int64{id}, Limit: 1})
		if err != nil || len(chats) == 0 {
			return app.Chat{}, err
		}
		return chats[0], nil
	}, func(c app.Chat, err error) {
		if err == nil && c.ID != 0 {
			t.open(c)
		}
		t.reload()
	})
}

func (t *chatsTab) unreadIn(id int64) bool {
	for _, c := range t.chats {
		if c.ID == id {
			return c.Unread > 0
		}
	}
	return false
}

func (t *chatsTab) markedRead(id int64) {
	for i := range t.chats {
		if t.chats[i].ID == id && t.chats[i].Unread > 0 {
			t.chats[i].Unread = 0
			t.list.RefreshItem(i)
			t.updateUnread()
		}
	}
}

func (t *chatsTab) updateUnread() {
	background(t.u, t.session.UnreadChats, func(n int, err error) {
		if err == nil {
			t.u.setUnread(n)
		}
	})
}

func (t *chatsTab) hideBanner() {
	if t.banner.Visible() {
		t.banner.Hide()
		t.left.Refresh() // the list moves up into its place
	}
}

// hideHistory takes the first load's bar away once a poll has reported.
func (t *chatsTab) hideHistory() {
	if t.history.Visible() {
		t.history.Hide()
		t.left.Refresh() // the search field moves up into its place
	}
}

func (t *chatsTab) showBanner(text string, withRetry bool) {
	t.bannerText.SetText(text)
	t.banner.Objects[1].(*fyne.Container).Hidden = !withRetry
	t.banner.Show()
	// The column above the list grows by the banner's height: lay the tab
	// out again, or the banner is drawn over the search field. The wrapped
	// text knows its height only once it has its width, hence the second.
	t.content.Refresh()
	t.left.Refresh()
}

// polled takes a poll's outcome: new messages refresh the list and the
// open chat and notify; failures say what is wrong.
func (t *chatsTab) polled(res app.PollResult, err error) {
	t.polledOnce = true
	if t.u.refreshOfficeState != nil {
		t.u.refreshOfficeState()
	}
	if r := t.u.adminTabs.reports; r != nil {
		r.tick()
	}
	t.hideHistory()
	if err != nil {
		if app.PollStops(err) {
			text := sentence(err)
			t.newToken.Hide()
			if app.NeedsNewToken(err) {
				if t.session.IsAdmin() {
					t.newToken.Show()
				} else {
					text = lang.L("Chat2Desk no longer accepts this computer's token. Ask an administrator to enter a new one; your chats stay here.")
				}
			}
			t.showBanner(text, true)
			return
		}
		t.showBanner(lang.L("{{.Problem}} C2Desk keeps trying.", map[string]any{"Problem": sentence(err)}), false)
		return
	}
	t.hideBanner()
	if res.Stored == 0 && !res.Refresh {
		return
	}
	if res.Refresh {
		// Another PC may have changed this person's access, or what the
		// admin tabs show.
		t.u.checkSession()
		t.u.refreshAdminTabs(res.Changed)
		if res.Changed.Actions {
			t.tellRefusedActions()
		}
		if res.Changed.Tags {
			t.loadTags()
		}
	}
	t.reload()
	if t.conv.chat.ID != 0 {
		t.conv.list.load(false)
		if res.Refresh && res.Changed.Clients {
			t.conv.card.load(t.conv.chat.ID, false) // another PC or the poller changed the card
		}
	}
	if len(res.Incoming) > 0 && !res.History { // old unread messages are no news
		t.notify(res.Incoming)
	}
}

// tellRefusedActions says which of this person's closes, reopens and
// transfers Chat2Desk refused after the office's poller carried them out
// (on a PC without the token they show at once, and are undone then).
func (t *chatsTab) tellRefusedActions() {
	background(t.u, t.session.RefusedChatActions, func(refused []app.RefusedChatAction, err error) {
		if err != nil || len(refused) == 0 {
			return
		}
		var lines []string
		for _, r := range refused {
			client := chatTitle(app.Chat{Dialog: app.Dialog{ClientID: r.Client.ID}, ClientName: r.Client.Name, ClientPhone: r.Client.Phone})
			lines = append(lines, translate(r.Msg(client)))
		}
		body := paragraph(strings.Join(lines, "\n\n"), widget.MediumImportance)
		d := dialog.NewCustom(lang.L("Chat2Desk refused a change"), lang.L("Close"), body, t.u.win)
		t.u.showDialog(d)
		// A wrapped paragraph asks for no width of its own: give it a
		// readable one, then the height its lines take at that width.
		width := min(520, t.u.win.Canvas().Size().Width-40)
		body.Resize(fyne.NewSize(width-2*theme.Padding()-40, body.MinSize().Height))
		d.Resize(fyne.NewSize(width, body.MinSize().Height+120))
	})
}

func (t *chatsTab) progress(stored int) {
	t.historyText.SetText(lang.L("Loading the chats of the last {{.Days}} days… {{.Count}} messages so far.",
		map[string]any{"Days": t.u.core.HistoryDays(), "Count": formatCount(stored)}))
	if !t.loading {
		t.reload() // the chats loaded so far can be read and answered already
	}
}

// notify shows a desktop notification per chat with new client messages,
// except the chat being read in the focused window.
func (t *chatsTab) notify(incoming []app.Message) {
	background(t.u, func(ctx context.Context) ([]app.Notice, error) {
		return t.session.Notices(ctx, incoming)
	}, func(notes []app.Notice, err error) {
		if err != nil {
			return
		}
		for _, n := range notes {
			if t.u.focused && n.DialogID == t.conv.chat.ID {
				continue
			}
			t.u.notifyUser(fyne.NewNotification(n.Title, n.Text))
		}
	})
}

// A chat row: avatar, name and time, last message and unread badge,
// channel and messenger.
type chatRow struct {
	avatar  *canvas.Circle
	initial *canvas.Text
	name    *widget.Label
	when    *widget.Label
	preview *widget.Label
	badge   *fyne.Container
	count   *canvas.Text
	channel *widget.Label
	// top and middle are the name-and-time and preview-and-badge lines:
	// laid out again when a row shows another chat, as the time's and the
	// badge's widths change with their text.
	top, middle *fyne.Container
}

func newChatRow() fyne.CanvasObject {
	r := &chatRow{}
	r.avatar = canvas.NewCircle(theme.Color(theme.ColorNamePrimary))
	r.initial = canvas.NewText("", color.White)
	r.initial.TextStyle.Bold = true
	r.initial.Alignment = fyne.TextAlignCenter
	r.initial.TextSize = theme.TextSize() * 1.1
	avatar := container.New(layout.NewGridWrapLayout(fyne.NewSize(40, 40)), container.NewStack(r.avatar, container.NewCenter(r.initial)))
	r.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.when = widget.NewLabel("")
	r.when.Importance = widget.LowImportance
	r.when.SizeName = theme.SizeNameCaptionText
	r.preview = widget.NewLabel("")
	r.preview.Truncation = fyne.TextTruncateEllipsis
	r.count = canvas.NewText("", theme.Color(theme.ColorNameForegroundOnPrimary))
	r.count.TextStyle.Bold = true
	r.count.TextSize = theme.CaptionTextSize()
	pill := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	pill.CornerRadius = 9
	r.badge = container.NewStack(pill, container.NewPadded(container.NewCenter(r.count)))
	r.channel = widget.NewLabel("")
	r.channel.Importance = widget.LowImportance
	r.channel.SizeName = theme.SizeNameCaptionText
	r.channel.Truncation = fyne.TextTruncateEllipsis
	r.top = container.NewBorder(nil, nil, nil, r.when, r.name)
	r.middle = container.NewBorder(nil, nil, nil, container.NewCenter(r.badge), r.preview)
	// Dense, as messengers list chats: nine in 800 pixels, not five.
	lines := container.New(denseVBox{squeeze: theme.InnerPadding()}, r.top, r.middle, r.channel)
	w := &chatRowWidget{row: r, content: container.NewBorder(nil, nil, container.NewCenter(avatar), nil, lines)}
	w.ExtendBaseWidget(w)
	return w
}

// chatRowWidget carries its parts, so updateRow needs no type walking.
type chatRowWidget struct {
	widget.BaseWidget
	row     *chatRow
	content fyne.CanvasObject
}

func (w *chatRowWidget) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(w.content)
}

func (t *chatsTab) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(t.chats) {
		return
	}
	c, r := t.chats[id], o.(*chatRowWidget).row
	title := chatTitle(c)
	r.initial.Text = initials(title)
	r.avatar.FillColor = avatarColor(c.ClientID)
	r.avatar.Refresh()
	r.initial.Refresh()
	r.name.SetText(title)
	when := c.LastAt
	if c.Found != "" {
		when = c.FoundAt // found chats are in the order of their matching message
	}
	r.when.SetText(shortTime(when, time.Now()))
	r.when.Importance = widget.LowImportance
	if !c.WaitingSince.IsZero() && c.Found == "" {
		r.when.SetText(lang.L("waiting {{.Time}}", map[string]any{"Time": waitedFor(time.Since(c.WaitingSince))}))
		r.when.Importance = widget.WarningImportance
	}
	r.when.Refresh()
	preview := strings.Join(strings.Fields(c.LastText), " ")
	if preview == "" && c.LastType != "" {
		preview = "📎 " + lang.L("Attachment") // a file without a caption
	}
	switch {
	case c.Found != "":
		// A search by words shows the message that matched, not the last.
		preview = lang.L("Found: {{.Text}}", map[string]any{"Text": strings.Join(strings.Fields(c.Found), " ")})
	case c.LastType == app.TypeComment:
		preview = lang.L("Note: {{.Text}}", map[string]any{"Text": preview})
	case c.LastType != app.TypeToClient:
	case c.LastAuthor != 0 && c.LastAuthor == t.session.Staff().ID:
		preview = lang.L("You: {{.Text}}", map[string]any{"Text": preview})
	case t.names.staff[c.LastAuthor] != "":
		preview = t.names.staff[c.LastAuthor] + ": " + preview
	case t.names.operators[c.LastOperator] != "":
		preview = t.names.operators[c.LastOperator] + ": " + preview
	}
	r.preview.SetText(preview)
	r.preview.TextStyle.Bold = c.Unread > 0
	if c.Unread > 0 {
		r.count.Text = badgeText(c.Unread)
		r.count.Refresh()
		r.badge.Show()
	} else {
		r.badge.Hide()
	}
	where := chatPlace(c.ChannelName, c.Transport, c.State)
	if c.Assignee != 0 {
		if n, ok := t.names.staff[c.Assignee]; ok {
			where = append(where, lang.L("assigned to {{.Name}}", map[string]any{"Name": n}))
		}
	}
	r.channel.SetText(strings.Join(where, " · "))
	r.top.Refresh()
	r.middle.Refresh()
	if id >= len(t.chats)-20 {
		t.loadMore()
	}
}

// chatPlace is where a chat is: its channel, its messenger and, when it
// is closed, that. A chat whose channel is not loaded yet has no channel
// name: the line then starts with the messenger, not with a separator.
func chatPlace(channel, transport, state string) []string {
	var where []string
	if channel != "" {
		where = append(where, channel)
	}
	if transport != "" {
		where = append(where, translate(app.TransportName(transport), nil))
	}
	if state == app.DialogClosed {
		where = append(where, lang.L("closed"))
	}
	return where
}

// waitedFor says how long a client has waited, in the largest units that
// matter: "4 min", "2 h 5 min", "3 d".
func waitedFor(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("less than a minute")
	case d < time.Hour:
		return lang.L("{{.M}} min", map[string]any{"M": int(d / time.Minute)})
	case d < 24*time.Hour:
		return lang.L("{{.H}} h {{.M}} min", map[string]any{"H": int(d / time.Hour), "M": int(d%time.Hour) / int(time.Minute)})
	}
	return lang.L("{{.D}} d", map[string]any{"D": int(d / (24 * time.Hour))})
}

// chatTitle is the client's name, else phone, else a number.
func chatTitle(c app.Chat) string {
	switch {
	case strings.TrimSpace(c.ClientName) != "":
		return c.ClientName
	case c.ClientPhone != "":
		return phoneText(c.ClientPhone)
	}
	return lang.L("Client #{{.ID}}", map[string]any{"ID": c.ClientID})
}

// phoneText writes an international number as people read it, with its
// "+": Chat2Desk gives a chat started from C2Desk "79051234567".
func phoneText(p string) string {
	if len(p) < 10 || len(p) > 15 || strings.Trim(p, "0123456789") != "" {
		return p
	}
	return "+" + p
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r := []rune(w)[0]
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToUpper(r))
		}
		if len(out) == 2 {
			break
		}
	}
	if len(out) == 0 {
		return "#"
	}
	return string(out)
}

// avatarPalette is calm, and dark enough for white initials (AA).
var avatarPalette = []color.NRGBA{
	{0x3d, 0x6a, 0xa3, 0xff}, {0x85, 0x45, 0xa0, 0xff}, {0x0e, 0x7a, 0x65, 0xff}, {0xa8, 0x55, 0x0c, 0xff},
	{0xb0, 0x2f, 0x23, 0xff}, {0x1d, 0x7d, 0x45, 0xff}, {0x2c, 0x3e, 0x50, 0xff}, {0xa3, 0x40, 0x00, 0xff},
}

// avatarColor gives each client a steady colour of a calm palette.
func avatarColor(id int64) color.Color {
	h := fnv.New32a()
	h.Write([]byte{byte(id), byte(id >> 8), byte(id >> 16), byte(id >> 24)})
	return avatarPalette[h.Sum32()%uint32(len(avatarPalette))]
}

// badgeText is an unread count as a badge shows it.
func badgeText(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}
