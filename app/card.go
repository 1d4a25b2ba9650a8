package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Sentences of the client card.
const (
	MsgFieldNumber       = "This field takes a number, for example 4500000."
	MsgFieldNotEditable  = "This field is filled in by Chat2Desk and cannot be changed here."
	MsgNoSuchField       = "This field is not in the Chat2Desk account any more."
	MsgNoSuchTag         = "This tag is not in the Chat2Desk account any more."
	MsgCommentTooLong    = "The comment is too long: keep it under 2,000 characters."
	MsgClientCardRefused = "Chat2Desk did not save the change to the card of {{.Client}}: {{.Reason}} The card is shown as Chat2Desk has it."
)

// cardDefinitionsAge is how long the account's tags and fields, read with
// a card, are taken as current.
const cardDefinitionsAge = time.Hour

const settingCardDefinitions = "card.definitions_loaded_at"

// maxComment bounds a client's comment.
const maxComment = 2000

// CardField is one of the account's client fields with the client's value.
type CardField struct {
	storage.CustomField
	Value string
}

// Card is the client card beside a chat.
type Card struct {
	storage.ClientCard
	DialogID  int64
	Channel   string // the chat's channel
	Transport string // and messenger
	Fields    []CardField
	// FieldsKnown says the account's fields were ever read from Chat2Desk:
	// until then an empty Fields means "not yet", not "none".
	FieldsKnown bool
	// OtherChats are the client's other chats the person may see.
	OtherChats []storage.ClientChat
	// LastAnswer is the chat's newest answer to the client (who and when).
	LastAnswer *storage.Message
	// AllTags are the account's tags, to add from.
	AllTags []storage.Tag
}

// ClientCard reads the card of a chat's client as stored; RefreshClientCard
// reads it from Chat2Desk first.
func (s *Session) ClientCard(ctx context.Context, dialogID int64) (Card, error) {
	d, err := s.viewDialog(ctx, dialogID)
	if err != nil {
		return Card{}, err
	}
	c := Card{DialogID: dialogID, Transport: d.Transport}
	c.ClientCard, err = s.app.store.ClientCard(ctx, d.ClientID)
	if errors.Is(err, storage.ErrNotFound) {
		c.ClientCard, err = storage.ClientCard{Client: storage.Client{ID: d.ClientID}}, nil
	}
	if err != nil {
		return c, err
	}
	if chans, err := s.app.store.Channels(ctx); err == nil {
		for _, ch := range chans {
			if ch.ID == d.ChannelID {
				c.Channel = ch.Name
			}
		}
	}
	defs, err := s.app.store.CustomFields(ctx)
	if err != nil {
		return c, err
	}
	for _, f := range defs {
		c.Fields = append(c.Fields, CardField{CustomField: f, Value: c.Values[f.ID]})
	}
	if _, c.FieldsKnown, err = s.app.store.Setting(ctx, settingCardDefinitions); err != nil {
		return c, err
	}
	chats, err := s.app.store.ClientChats(ctx, s.viewer(), d.ClientID)
	if err != nil {
		return c, err
	}
	for _, ch := range chats {
		if ch.ID != dialogID {
			c.OtherChats = append(c.OtherChats, ch)
		}
	}
	if m, ok, err := s.app.store.LastAnswer(ctx, dialogID); err != nil {
		return c, err
	} else if ok {
		c.LastAnswer = &m
	}
	c.AllTags, err = s.app.store.Tags(ctx)
	return c, err
}

// RefreshClientCard reads the chat's client from Chat2Desk (and the
// account's tags and fields when they are over an hour old), stores it,
// and returns the card. On an office PC without the token the office's
// poller is asked to, and the stored card is returned: it is shown anew
// when the poller has stored it. Without a connection the stored card is
// all there is.
func (s *Session) RefreshClientCard(ctx context.Context, dialogID int64) (Card, error) {
	d, err := s.viewDialog(ctx, dialogID)
	if err != nil {
		return Card{}, err
	}
	client, queue, err := s.app.clientOrQueue(ctx)
	switch {
	case queue:
		err = s.app.store.QueueAction(ctx, storage.OfficeAction{Kind: storage.ActionClientRefresh, DialogID: dialogID, StaffID: s.staff.ID})
	case errors.Is(err, ErrNoToken):
		err = nil
	case err == nil:
		err = s.app.refreshCard(ctx, client, d.ClientID)
	}
	card, cerr := s.ClientCard(ctx, dialogID)
	if cerr != nil {
		return card, cerr
	}
	return card, err
}

// refreshCard reads a client (and, when old, the account's tags and
// fields) from Chat2Desk and stores them. A client gone from Chat2Desk
// keeps what is stored.
func (a *App) refreshCard(ctx context.Context, client *c2dapi.Client, clientID int64) error {
	if err := a.refreshCardDefinitions(ctx, client, false); err != nil {
		return err
	}
	c, err := client.Clients.Get(ctx, c2dapi.ID(clientID))
	var nf *c2dapi.NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load the client: %w", err)
	}
	return a.store.SaveClientCard(ctx, cardFromAPI(*c))
}

// refreshCardDefinitions reads the account's tags and client fields when
// they are older than cardDefinitionsAge (or always, with force). An
// account without them (an older tariff answers "not found") has none.
func (a *App) refreshCardDefinitions(ctx context.Context, client *c2dapi.Client, force bool) error {
	if !force {
		v, ok, err := a.store.Setting(ctx, settingCardDefinitions)
		if err != nil {
			return err
		}
		if at, perr := strconv.ParseInt(v, 10, 64); ok && perr == nil && a.cfg.Now().Sub(time.Unix(at, 0)) < cardDefinitionsAge {
			return nil
		}
	}
	var nf *c2dapi.NotFoundError
	tags, skipped, err := c2dapi.All(ctx, pollPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Tag], error) {
		return client.Tags.List(ctx, o)
	})
	switch {
	case errors.As(err, &nf):
		tags = nil
	case err != nil:
		return fmt.Errorf("load tags: %w", err)
	}
	a.logSkipped("tags", skipped)
	if len(skipped) == 0 { // an unreadable tag may be any of them: none is dropped
		if err := a.store.ReplaceTags(ctx, tagsFromAPI(tags)); err != nil {
			return err
		}
	}
	page, err := client.CustomFields.List(ctx)
	var fields []storage.CustomField
	switch {
	case errors.As(err, &nf):
	case err != nil:
		return fmt.Errorf("load client fields: %w", err)
	default:
		for _, f := range page.Items {
			if f.ID > 0 && bool(f.Viewable) {
				fields = append(fields, storage.CustomField{ID: int64(f.ID), Name: string(f.Name), Type: string(f.Type), Editable: bool(f.Editable)})
			}
		}
	}
	if err := a.store.ReplaceCustomFields(ctx, fields); err != nil {
		return err
	}
	return a.store.SetSetting(ctx, settingCardDefinitions, strconv.FormatInt(a.cfg.Now().Unix(), 10))
}

func tagsFromAPI(tags []c2dapi.Tag) []storage.Tag {
	out := make([]storage.Tag, 0, len(tags))
	for _, t := range tags {
		if t.ID > 0 {
			out = append(out, storage.Tag{ID: int64(t.ID), Label: string(t.Label), Group: string(t.GroupName), Description: string(t.Description)})
		}
	}
	return out
}

// cardFromAPI is a Chat2Desk client as its card keeps it. Field values
// keyed by a name rather than an id are matched to no field and left out.
func cardFromAPI(c c2dapi.Customer) storage.ClientCard {
	card := storage.ClientCard{Client: clientFromAPI(c), Comment: string(c.Comment), Tags: tagsFromAPI(c.Tags), Values: map[int64]string{}}
	for k, v := range c.FieldValues() {
		if id, err := strconv.ParseInt(k, 10, 64); err == nil && v != "" {
			card.Values[id] = v
		}
	}
	return card
}

// cardChange is a client card change queued for the office's poller.
type cardChange struct {
	Comment *string          `json:"comment,omitempty"`
	Fields  map[int64]string `json:"fields,omitempty"`
}

// SetClientComment changes the Chat2Desk comment of a chat's client.
func (s *Session) SetClientComment(ctx context.Context, dialogID int64, comment string) error {
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > maxComment {
		return problem(MsgCommentTooLong)
	}
	return s.changeCard(ctx, dialogID, cardChange{Comment: &comment})
}

// SetClientField changes one of the client's field values ("" clears it).
// A number field takes a number, written with spaces or a decimal comma
// as people do, and stored plain.
func (s *Session) SetClientField(ctx context.Context, dialogID, fieldID int64, value string) error {
	defs, err := s.app.store.CustomFields(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(defs, func(f storage.CustomField) bool { return f.ID == fieldID })
	if i < 0 {
		return problem(MsgNoSuchField)
	}
	if !defs[i].Editable {
		return problem(MsgFieldNotEditable)
	}
	value = strings.TrimSpace(value)
	if defs[i].Type == "number" && value != "" {
		plain := strings.ReplaceAll(strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(value), ",", ".")
		if _, err := strconv.ParseFloat(plain, 64); err != nil {
			return problem(MsgFieldNumber)
		}
		value = plain
	}
	return s.changeCard(ctx, dialogID, cardChange{Fields: map[int64]string{fieldID: value}})
}

// changeCard tells Chat2Desk of a card change, then stores it; on an
// office PC without the token it is stored at once and queued.
func (s *Session) changeCard(ctx context.Context, dialogID int64, ch cardChange) error {
	d, err := s.viewDialog(ctx, dialogID)
	if err != nil {
		return err
	}
	client, queue, err := s.app.clientOrQueue(ctx)
	if err != nil {
		return err
	}
	if queue {
		payload, err := json.Marshal(ch)
		if err != nil {
			return err
		}
		if err := s.app.storeCardChange(ctx, d.ClientID, ch); err != nil {
			return err
		}
		return s.app.store.QueueAction(ctx, storage.OfficeAction{Kind: storage.ActionClientUpdate, DialogID: dialogID, StaffID: s.staff.ID, Payload: string(payload)})
	}
	if err := client.Clients.Update(ctx, c2dapi.ID(d.ClientID), ch.update()); err != nil {
		return fmt.Errorf("change the client: %w", err)
	}
	return s.app.storeCardChange(ctx, d.ClientID, ch)
}

func (ch cardChange) update() c2dapi.ClientUpdate {
	var u c2dapi.ClientUpdate
	if ch.Comment != nil {
		u.Comment, u.ClearComment = *ch.Comment, *ch.Comment == ""
	}
	if len(ch.Fields) > 0 {
		u.CustomFields = map[string]string{}
		for id, v := range ch.Fields {
			u.CustomFields[strconv.FormatInt(id, 10)] = v
		}
	}
	return u
}

// AddClientTag puts one of the account's tags on a chat's client.
func (s *Session) AddClientTag(ctx context.Context, dialogID, tagID int64) error {
	return s.changeTag(ctx, dialogID, tagID, true)
}

// RemoveClientTag takes a tag off a chat's client.
func (s *Session) RemoveClientTag(ctx context.Context, dialogID, tagID int64) error {
	return s.changeTag(ctx, dialogID, tagID, false)
}

func (s *Session) changeTag(ctx context.Context, dialogID, tagID int64, add bool) error {
	d, err := s.viewDialog(ctx, dialogID)
	if err != nil {
		return err
	}
	tags, err := s.app.store.Tags(ctx)
	if err != nil {
		return err
	}
	if add && !slices.ContainsFunc(tags, func(t storage.Tag) bool { return t.ID == tagID }) {
		return problem(MsgNoSuchTag)
	}
	local := func() error {
		if add {
			return s.app.store.AddClientTag(ctx, d.ClientID, tagID)
		}
		return s.app.store.RemoveClientTag(ctx, d.ClientID, tagID)
	}
	client, queue, err := s.app.clientOrQueue(ctx)
	if err != nil {
		return err
	}
	if queue {
		if err := local(); err != nil {
			return err
		}
		kind := storage.ActionTagRemove
		if add {
			kind = storage.ActionTagAdd
		}
		return s.app.store.QueueAction(ctx, storage.OfficeAction{Kind: kind, DialogID: dialogID, Target: tagID, StaffID: s.staff.ID})
	}
	if err := s.app.tagInChat2Desk(ctx, client, d.ClientID, tagID, add); err != nil {
		var nf *c2dapi.NotFoundError
		if !add && errors.As(err, &nf) {
			return local() // gone already
		}
		return fmt.Errorf("change the client's tags: %w", err)
	}
	return local()
}

func (a *App) tagInChat2Desk(ctx context.Context, client *c2dapi.Client, clientID, tagID int64, add bool) error {
	if add {
		return client.Tags.AssignToClient(ctx, c2dapi.ID(clientID), c2dapi.ID(tagID))
	}
	return client.Tags.RemoveFromClient(ctx, c2dapi.ID(tagID), c2dapi.ID(clientID))
}

// Tags are the account's tags, for the chat list's filter.
func (a *App) Tags(ctx context.Context) ([]storage.Tag, error) {
	return a.store.Tags(ctx)
}

// RefreshTag reads from Chat2Desk which clients carry a tag, so that the
// chat list's filter by it finds also clients whose card was never open.
// Without the token here (an office PC that joined, or no connection)
// the stored tags are all there is.
func (a *App) RefreshTag(ctx context.Context, tagID int64) error {
	client, err := a.storedClient(ctx)
	if errors.Is(err, ErrNoToken) {
		return nil
	}
	if err != nil {
		return err
	}
	clients, skipped, err := c2dapi.All(ctx, pollPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Customer], error) {
		return client.Clients.List(ctx, c2dapi.ClientListOptions{Tags: strconv.FormatInt(tagID, 10), ListOptions: o})
	})
	if err != nil {
		return fmt.Errorf("load the clients with the tag: %w", err)
	}
	ids := make([]int64, 0, len(clients))
	for _, c := range clients {
		ids = append(ids, int64(c.ID))
	}
	if len(skipped) > 0 {
		return nil // which clients were unreadable is unknown: nothing is taken off
	}
	return a.store.SetTaggedClients(ctx, tagID, ids)
}
