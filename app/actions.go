package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Sentences for chat actions.
const (
	MsgNoSuchStaff     = "This person is not active in C2Desk any more."
	MsgPhoneFormat     = "Enter the client's phone number with the country code, for example +7 905 000-00-00."
	MsgPickChannel     = "Choose the channel and the messenger to write from."
	MsgWriteFirstOff   = "This Chat2Desk tariff does not allow writing to a client first. Ask Chat2Desk to turn on the option “write first”, or wait until the client writes."
	MsgChannelNotOpen  = "This channel is not open to you, so you cannot start a chat on it."
	MsgNewChatRejected = "Chat2Desk refused to start this chat: check the phone number and that the messenger is connected to the channel."
	MsgClientNotYours  = "This number belongs to a client whose chat is not open to you. Ask an administrator to assign that chat to you."
)

// Assign gives a chat to a staff member (0: nobody). When that person has
// their own Chat2Desk operator, the dialog is transferred to it in
// Chat2Desk too; otherwise the assignment is C2Desk's alone.
func (s *Session) Assign(ctx context.Context, dialogID, staffID int64) error {
	d, err := s.viewDialog(ctx, dialogID)
	if err != nil {
		return err
	}
	if staffID != 0 {
		st, err := s.app.store.StaffByID(ctx, staffID)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && !st.Active) {
			return problem(MsgNoSuchStaff)
		}
		if err != nil {
			return err
		}
		if op := s.app.ownOperator(ctx, staffID); op != 0 && op != d.OperatorID {
			// In Chat2Desk too: the dialog goes to the person's operator.
			return s.changeDialog(ctx, storage.OfficeAction{Kind: storage.ActionTransfer, DialogID: dialogID, Target: op}, "", op, staffID,
				func(client *c2dapi.Client) error {
					if err := client.Dialogs.Update(ctx, c2dapi.ID(dialogID), c2dapi.DialogUpdate{OperatorID: c2dapi.ID(op)}); err != nil {
						return fmt.Errorf("transfer the dialog: %w", err)
					}
					if err := s.app.store.SetDialogState(ctx, dialogID, d.State, op); err != nil {
						return err
					}
					return s.assigned(ctx, dialogID, staffID)
				})
		}
	}
	return s.assigned(ctx, dialogID, staffID)
}

func (s *Session) assigned(ctx context.Context, dialogID, staffID int64) error {
	s.app.log.Info("chat assigned", "dialog", dialogID, "staff", staffID, "by", s.staff.ID)
	return s.app.store.SetAssignee(ctx, dialogID, staffID)
}

// ownOperator is the staff member's own usable operator (0: none, or
// they send through the default account).
func (a *App) ownOperator(ctx context.Context, staffID int64) int64 {
	as, err := a.sendingAs(ctx, staffID)
	if err != nil || !as.canSend || as.viaDefault {
		return 0
	}
	return as.operator.ID
}

// WritableChannels are the channels the session may start chats on: those
// it sees, still in Chat2Desk.
func (s *Session) WritableChannels(ctx context.Context) ([]storage.Channel, error) {
	chans, err := s.app.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := s.app.store.ChannelRules(ctx)
	if err != nil {
		return nil, err
	}
	var out []storage.Channel
	for _, c := range chans {
		if c.RemovedAt.IsZero() && MaySee(s.staff, rules[c.ID]) {
			out = append(out, c)
		}
	}
	return out, nil
}

// SetOpen closes or reopens a chat's dialog in Chat2Desk, then locally.
func (s *Session) SetOpen(ctx context.Context, dialogID int64, open bool) error {
	if _, err := s.viewDialog(ctx, dialogID); err != nil {
		return err
	}
	state := c2dapi.DialogClosed
	if open {
		state = c2dapi.DialogOpen
	}
	kind := storage.ActionClose
	if open {
		kind = storage.ActionReopen
	}
	return s.changeDialog(ctx, storage.OfficeAction{Kind: kind, DialogID: dialogID}, state, 0, -1, func(client *c2dapi.Client) error {
		// Chat2Desk answers a bare status (and "already has state" when it
		// was so already, which Update counts as done): the operator stays
		// as known.
		err := client.Dialogs.Update(ctx, c2dapi.ID(dialogID), c2dapi.DialogUpdate{State: state})
		var nf *c2dapi.NotFoundError
		if err != nil && !(errors.As(err, &nf) && !open) { // gone in Chat2Desk: closing it here is all that is left
			return fmt.Errorf("change the dialog: %w", err)
		}
		return s.app.store.SetDialogState(ctx, dialogID, state, 0)
	})
}

// NewChat is a first message to a client who has not written yet.
type NewChat struct {
	Phone     string
	ChannelID int64
	Transport string
	Text      string
}

// StartChat writes first to a client: the client is created (or, when the
// number is a client already, found) in Chat2Desk on the chosen channel and
// messenger, the message goes through the outbox like any other, and a
// chat nobody had is assigned to the writer.
func (s *Session) StartChat(ctx context.Context, nc NewChat) (storage.OutboxItem, error) {
	phone := storage.PhoneDigits(nc.Phone)
	text := strings.TrimSpace(nc.Text)
	switch {
	case len(phone) < 10 || len(phone) > 15:
		return storage.OutboxItem{}, problem(MsgPhoneFormat)
	case nc.ChannelID == 0 || nc.Transport == "":
		return storage.OutboxItem{}, problem(MsgPickChannel)
	case text == "":
		return storage.OutboxItem{}, problem(MsgEmptyMessage)
	}
	chans, err := s.WritableChannels(ctx)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if !slices.ContainsFunc(chans, func(c storage.Channel) bool { return c.ID == nc.ChannelID }) {
		return storage.OutboxItem{}, problem(MsgChannelNotOpen)
	}
	opID, err := s.operatorForSending(ctx)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	// Chat2Desk is asked, and its answer kept, by the App that may: on a
	// joined computer its poller's.
	mirror := s.app.mirror()
	client, err := mirror.storedClient(ctx)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	clientID, err := mirror.clientToWrite(ctx, client, phone, nc)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	// A number that is already a client may have chats this person may
	// not see; writing would open them. Refused before anything is sent.
	if hidden, err := s.app.store.HidesChatsOf(ctx, s.viewer(), clientID); err != nil {
		return storage.OutboxItem{}, err
	} else if hidden {
		return storage.OutboxItem{}, problem(MsgClientNotYours)
	}
	// Pressing Write again after an unclear answer must not queue the
	// message twice: the one waiting for this client goes out instead,
	// checked first against what Chat2Desk has.
	it, err := s.app.waitingFirstMessage(ctx, clientID, s.staff.ID, text)
	if err != nil {
		return it, err
	}
	if it.State == storage.OutboxFailed && s.app.guarded() {
		if _, err := s.app.store.RetryOutbox(ctx, it.ID); err != nil {
			return it, err
		}
	} else if it.State == storage.OutboxFailed && it.OperatorID != opID {
		// Refused before, perhaps for its operator: it goes as Retry sends it.
		if err := s.app.store.SetOutboxOperator(ctx, it.ID, opID); err != nil {
			return it, err
		}
	}
	if it.ID == 0 {
		it = storage.OutboxItem{ClientID: clientID, ChannelID: nc.ChannelID, Transport: nc.Transport,
			Type: KindReply, Text: text, Author: s.staff.ID, OperatorID: opID, State: storage.OutboxQueued}
		if it.ID, err = s.app.store.Enqueue(ctx, it); err != nil {
			return it, err
		}
	}
	sent, err := s.app.Deliver(ctx, it.ID)
	if err != nil {
		return sent, err
	}
	// The new chat is its writer's; a client's existing chat keeps its own.
	// (Not theirs yet, it may be hidden from them: the mirror assigns it.)
	d, err := mirror.store.DialogByID(ctx, sent.DialogID)
	if err != nil || d.Assignee != 0 {
		return sent, err
	}
	return sent, mirror.store.SetAssignee(ctx, sent.DialogID, s.staff.ID)
}

// clientToWrite creates the client to write first to, or finds the one the
// number already belongs to, and stores it.
func (a *App) clientToWrite(ctx context.Context, client *c2dapi.Client, phone string, nc NewChat) (int64, error) {
	cust, err := client.Clients.Create(ctx, c2dapi.NewCustomer{Phone: phone, Transport: nc.Transport, ChannelID: c2dapi.ID(nc.ChannelID)})
	var (
		exists   *c2dapi.ClientExistsError
		invalid  *c2dapi.ValidationError
		notFound *c2dapi.NotFoundError
	)
	switch {
	case errors.As(err, &exists):
		return a.existingClient(ctx, client, exists.ClientID, phone)
	case c2dapi.Says(err, "write first"):
		if serr := a.store.SetWriteFirst(ctx, storage.WriteFirstRefused); serr != nil {
			return 0, serr
		}
		return 0, problem(MsgWriteFirstOff)
	case errors.As(err, &invalid), errors.As(err, &notFound):
		return 0, problem(MsgNewChatRejected)
	case err != nil:
		return 0, fmt.Errorf("create the client: %w", err)
	}
	if cust.ID <= 0 {
		return 0, &c2dapi.DecodeError{Err: errors.New("the new client has no id")}
	}
	c := clientFromAPI(*cust)
	if c.Phone == "" {
		c.Phone = phone
	}
	return c.ID, a.store.UpsertClient(ctx, c)
}

// existingClient stores the client a number belongs to, read from
// Chat2Desk unless already stored. Chat2Desk names it in its refusal; when
// it does not, the client is looked up by the number.
func (a *App) existingClient(ctx context.Context, client *c2dapi.Client, id c2dapi.ID, phone string) (int64, error) {
	if id == 0 {
		page, err := client.Clients.List(ctx, c2dapi.ClientListOptions{Phone: phone})
		if err != nil {
			return 0, fmt.Errorf("find the client: %w", err)
		}
		if len(page.Items) == 0 || page.Items[0].ID <= 0 {
			return 0, problem(MsgNewChatRejected)
		}
		id = page.Items[0].ID
	}
	if known, err := a.store.KnownClients(ctx, []int64{int64(id)}); err != nil || known[int64(id)] {
		return int64(id), err
	}
	if _, err := a.fetchClient(ctx, client, int64(id)); err != nil {
		return 0, err
	}
	return int64(id), nil
}

// waitingFirstMessage is the author's unsent message with this text to the
// client, if one waits in the outbox (its id is 0 otherwise); a refused one
// counts, so that it does not stay behind beside its second try.
func (a *App) waitingFirstMessage(ctx context.Context, clientID, author int64, text string) (storage.OutboxItem, error) {
	items, err := a.store.UnsentTo(ctx, clientID)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	for _, it := range items {
		if it.Author == author && it.Text == text && it.Type == KindReply {
			return it, nil
		}
	}
	return storage.OutboxItem{}, nil
}

// WriteFirst says what Chat2Desk last said of writing to clients first on
// this account's tariff.
func (a *App) WriteFirst(ctx context.Context) (storage.WriteFirst, error) {
	conn, ok, err := a.store.LoadConnection(ctx)
	if err != nil || !ok {
		return storage.WriteFirstUnknown, err
	}
	return conn.WriteFirst, nil
}

// CheckWriteFirst asks Chat2Desk again (one call), for New chat when the
// tariff did not allow writing first: it may since.
func (a *App) CheckWriteFirst(ctx context.Context) (storage.WriteFirst, error) {
	conn, err := a.refresh(ctx)
	return conn.WriteFirst, err
}

// Template is a quick reply from Chat2Desk.
type Template = storage.Template

// MsgTemplatesNotLoaded is said on an office PC without the token before
// the office's poller has loaded the quick replies.
const MsgTemplatesNotLoaded = "The quick replies are not loaded yet: the office's C2Desk that has the Chat2Desk token loads them. Try again in a minute."

var errTemplatesNotLoaded = errors.New("the office's quick replies are not loaded yet")

// templatesMaxAge is how old the office's stored quick replies may get
// before its poller loads them again.
const templatesMaxAge = 24 * time.Hour

// Templates returns the account's quick replies, loaded once per run. An
// office PC without the token reads those its poller stored.
func (a *App) Templates(ctx context.Context) ([]Template, error) {
	a.mu.Lock()
	cached := a.templates
	a.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	client, err := a.storedClient(ctx)
	if errors.Is(err, ErrTokenElsewhere) {
		// Not cached: the poller may store newer ones meanwhile.
		all, _, ok, err := a.store.Templates(ctx)
		switch {
		case err != nil:
			return nil, err
		case !ok:
			return nil, errTemplatesNotLoaded
		}
		return all, nil
	}
	if err != nil {
		return nil, err
	}
	return a.loadTemplates(ctx, client)
}

// loadTemplates reads the quick replies from Chat2Desk and, in an office,
// stores them for the PCs without the token.
func (a *App) loadTemplates(ctx context.Context, client *c2dapi.Client) ([]Template, error) {
	loadedAt := time.Now()
	all, skipped, err := c2dapi.All(ctx, syncPageSize, client.Templates.List)
	if err != nil {
		return nil, fmt.Errorf("load quick replies: %w", err)
	}
	a.logSkipped("templates", skipped)
	out := make([]Template, 0, len(all))
	for _, t := range all {
		if strings.TrimSpace(string(t.Text)) == "" {
			continue
		}
		out = append(out, Template{Command: strings.TrimPrefix(string(t.Command), "/"), Name: string(t.Name), Text: string(t.Text)})
	}
	if a.store.Office() {
		if err := a.store.SaveTemplates(ctx, out, loadedAt); err != nil {
			a.log.Warn("could not store the quick replies for the office", "err", err)
		}
	}
	a.mu.Lock()
	a.templates = out
	a.mu.Unlock()
	return out, nil
}

// keepOfficeTemplates is run by the office's poller: it loads the quick
// replies when the office has none stored, or only old ones.
func (a *App) keepOfficeTemplates(ctx context.Context) (next time.Time, err error) {
	_, loadedAt, ok, err := a.store.Templates(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if ok && time.Since(loadedAt) < templatesMaxAge {
		return loadedAt.Add(templatesMaxAge), nil
	}
	client, err := a.storedClient(ctx)
	if err != nil {
		return time.Time{}, err
	}
	if _, err := a.loadTemplates(ctx, client); err != nil {
		return time.Time{}, err
	}
	return time.Now().Add(templatesMaxAge), nil
}

// MatchTemplates returns the quick replies whose command or name starts
// with what follows "/" in the composer.
func MatchTemplates(all []Template, typed string) []Template {
	q := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(typed), "/"))
	var out []Template
	for _, t := range all {
		if q == "" || strings.HasPrefix(strings.ToLower(t.Command), q) || strings.HasPrefix(strings.ToLower(t.Name), q) {
			out = append(out, t)
		}
	}
	return out
}
