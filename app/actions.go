package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
			client, err := s.app.storedClient(ctx)
			if err != nil {
				return err
			}
			if _, err := client.Dialogs.Update(ctx, c2dapi.ID(dialogID), c2dapi.DialogUpdate{OperatorID: c2dapi.ID(op)}); err != nil {
				return fmt.Errorf("transfer the dialog: %w", err)
			}
			if err := s.app.store.SetDialogState(ctx, dialogID, d.State, op); err != nil {
				return err
			}
		}
	}
	s.app.log.Info("chat assigned", "dialog", dialogID, "staff", staffID, "by", s.staff.ID)
	return s.app.store.SetAssignee(ctx, dialogID, staffID)
}

// ownOperator is the staff member's own usable operator (0: none).
func (a *App) ownOperator(ctx context.Context, staffID int64) int64 {
	m, err := a.store.LoadMapping(ctx)
	if err != nil {
		return 0
	}
	ops, err := a.store.Operators(ctx)
	if err != nil {
		return 0
	}
	for _, o := range ops {
		if m.Owners[o.ID] == staffID && OperatorUsable(o) {
			return o.ID
		}
	}
	return 0
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
	client, err := s.app.storedClient(ctx)
	if err != nil {
		return err
	}
	got, err := client.Dialogs.Update(ctx, c2dapi.ID(dialogID), c2dapi.DialogUpdate{State: state})
	var nf *c2dapi.NotFoundError
	if errors.As(err, &nf) && !open {
		// Gone in Chat2Desk: closing it here is all that is left to do.
		return s.app.store.SetDialogState(ctx, dialogID, state, 0)
	}
	if err != nil {
		return fmt.Errorf("change the dialog: %w", err)
	}
	return s.app.store.SetDialogState(ctx, dialogID, state, int64(got.OperatorID))
}

// NewChat is a first message to a client who has not written yet.
type NewChat struct {
	Phone     string
	ChannelID int64
	Transport string
	Text      string
}

// StartChat writes first to a client: the client is created (or found) in
// Chat2Desk on the chosen channel and messenger, the message goes through
// the outbox like any other, and the chat is assigned to the writer.
func (s *Session) StartChat(ctx context.Context, nc NewChat) (storage.OutboxItem, error) {
	phone := onlyDigits(nc.Phone)
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
	client, err := s.app.storedClient(ctx)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	cust, err := client.Clients.Create(ctx, c2dapi.NewCustomer{Phone: phone, Transport: nc.Transport, ChannelID: c2dapi.ID(nc.ChannelID)})
	var invalid *c2dapi.ValidationError
	switch {
	case errors.As(err, &invalid) && strings.Contains(strings.ToLower(invalid.Message), "write first"):
		return storage.OutboxItem{}, problem(MsgWriteFirstOff)
	case errors.As(err, &invalid):
		return storage.OutboxItem{}, problem(MsgNewChatRejected)
	case err != nil:
		return storage.OutboxItem{}, fmt.Errorf("create the client: %w", err)
	}
	if err := s.app.store.UpsertClient(ctx, storage.Client{ID: int64(cust.ID), Name: string(cust.Name), Phone: string(cust.Phone)}); err != nil {
		return storage.OutboxItem{}, err
	}
	it := storage.OutboxItem{ClientID: int64(cust.ID), ChannelID: nc.ChannelID, Transport: nc.Transport,
		Type: KindReply, Text: text, Author: s.staff.ID, OperatorID: opID, State: storage.OutboxQueued}
	if it.ID, err = s.app.store.Enqueue(ctx, it); err != nil {
		return it, err
	}
	sent, err := s.app.Deliver(ctx, it.ID)
	if err != nil {
		return sent, err
	}
	// The new chat is its writer's.
	return sent, s.app.store.SetAssignee(ctx, sent.DialogID, s.staff.ID)
}

// Template is a quick reply from Chat2Desk.
type Template struct {
	Command string // what follows "/" to pick it
	Name    string
	Text    string
}

// Templates returns the account's quick replies, loaded once per run.
func (a *App) Templates(ctx context.Context) ([]Template, error) {
	a.mu.Lock()
	cached := a.templates
	a.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	client, err := a.storedClient(ctx)
	if err != nil {
		return nil, err
	}
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
	a.mu.Lock()
	a.templates = out
	a.mu.Unlock()
	return out, nil
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

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
