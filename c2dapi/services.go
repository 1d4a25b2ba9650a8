package c2dapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ListOptions is offset paging, the API's older and most common form.
type ListOptions struct {
	Offset int
	Limit  int // at most MaxPageSize; Chat2Desk answers DefaultPageSize when unset
}

// Chat2Desk pages hold DefaultPageSize records unless asked for more, and
// never more than MaxPageSize: a larger limit is capped.
const (
	DefaultPageSize = 20
	MaxPageSize     = 200
)

func (o ListOptions) query() url.Values {
	q := url.Values{}
	setInt(q, "offset", o.Offset)
	setInt(q, "limit", min(o.Limit, MaxPageSize))
	return q
}

// pageFull reports whether a page that brought got records of a request
// for asked was a full one, so that more may follow. The server caps the
// limit at MaxPageSize and may echo a smaller one in meta.limit; a page is
// short only against what could have come.
func pageFull(got, asked int, meta Meta) bool {
	if asked <= 0 {
		asked = DefaultPageSize
	}
	could := min(asked, MaxPageSize)
	if echoed := int(meta.Limit); echoed > 0 && echoed < could {
		could = echoed
	}
	return got >= could
}

func setInt(q url.Values, key string, v int) {
	if v > 0 {
		q.Set(key, strconv.Itoa(v))
	}
}

func setID(q url.Values, key string, v ID) {
	if v > 0 {
		q.Set(key, v.String())
	}
}

func setStr(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

func list[T any](ctx context.Context, c *Client, path string, q url.Values) (*Page[T], error) {
	env, err := c.do(ctx, http.MethodGet, path, q, nil)
	if err != nil {
		return nil, err
	}
	return decodeList[T](env)
}

func one[T any](ctx context.Context, c *Client, method, path string, q url.Values, body any) (*T, error) {
	env, err := c.do(ctx, method, path, q, body)
	if err != nil {
		return nil, err
	}
	return decodeOne[T](env)
}

// InfoService reads the account behind the token.
type InfoService struct{ c *Client }

// Get returns api_info. It is the cheapest way to validate a token. Older
// accounts only answer the un-prefixed path, so a 404 falls back to it.
func (s *InfoService) Get(ctx context.Context) (*APIInfo, error) {
	info, err := one[APIInfo](ctx, s.c, http.MethodGet, "/companies/api_info", nil, nil)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return one[APIInfo](ctx, s.c, http.MethodGet, "/api_info", nil, nil)
	}
	return info, err
}

// ChannelsService lists the account's channels.
type ChannelsService struct{ c *Client }

// ChannelListOptions filters the channel list.
type ChannelListOptions struct {
	Phone string
	ListOptions
}

// List returns one page of channels.
func (s *ChannelsService) List(ctx context.Context, opts ChannelListOptions) (*Page[Channel], error) {
	q := opts.query()
	setStr(q, "phone", opts.Phone)
	return list[Channel](ctx, s.c, "/channels", q)
}

// OperatorsService lists the account's operators.
type OperatorsService struct{ c *Client }

// List returns one page of operators.
func (s *OperatorsService) List(ctx context.Context, opts ListOptions) (*Page[Operator], error) {
	return list[Operator](ctx, s.c, "/operators", opts.query())
}

// ClientsService reads and writes the agency's clients.
type ClientsService struct{ c *Client }

// ClientListOptions filters the client list.
type ClientListOptions struct {
	Phone string
	Tags  string // comma-separated tag ids
	ListOptions
}

// List returns one page of clients.
func (s *ClientsService) List(ctx context.Context, opts ClientListOptions) (*Page[Customer], error) {
	q := opts.query()
	setStr(q, "phone", opts.Phone)
	setStr(q, "tags", opts.Tags)
	return list[Customer](ctx, s.c, "/clients", q)
}

// Get returns one client.
func (s *ClientsService) Get(ctx context.Context, id ID) (*Customer, error) {
	return one[Customer](ctx, s.c, http.MethodGet, "/clients/"+id.String(), nil, nil)
}

// Transports returns where a client can be reached.
func (s *ClientsService) Transports(ctx context.Context, id ID) ([]ClientTransport, error) {
	page, err := list[ClientTransport](ctx, s.c, "/clients/"+id.String()+"/transport", nil)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

// Dialogs returns one page of the client's dialogs. Without a limit
// Chat2Desk answers only the first DefaultPageSize: page with All.
func (s *ClientsService) Dialogs(ctx context.Context, id ID, opts ListOptions) (*Page[Dialog], error) {
	return list[Dialog](ctx, s.c, "/clients/"+id.String()+"/dialogs", opts.query())
}

// NewCustomer is the body of "write first": create a client to message.
type NewCustomer struct {
	Phone     string `json:"phone"` // digits only, e.g. 79050000000
	Transport string `json:"transport"`
	ChannelID ID     `json:"channel_id,omitempty"` // Chat2Desk refuses 0: omitted when unset
	Nickname  string `json:"nickname,omitempty"`
}

// Create makes a client on a channel so the agency can write first. The
// tariff option "write first" must be on, else a ValidationError returns;
// a number that is already a client gives a ClientExistsError with its id.
func (s *ClientsService) Create(ctx context.Context, nc NewCustomer) (*Customer, error) {
	return one[Customer](ctx, s.c, http.MethodPost, "/clients", nil, nc)
}

// ClientUpdate holds the fields to change; empty fields are left alone.
type ClientUpdate struct {
	Nickname string `json:"nickname,omitempty"`
	Comment  string `json:"comment,omitempty"`
	// ClearComment sends an empty comment, which Comment's "" cannot.
	ClearComment bool `json:"-"`
	// CustomFields sets field values, by field id.
	CustomFields map[string]string `json:"custom_fields,omitempty"`
}

// MarshalJSON sends the comment also when it is cleared.
func (u ClientUpdate) MarshalJSON() ([]byte, error) {
	type plain ClientUpdate
	if !u.ClearComment {
		return json.Marshal(plain(u))
	}
	return json.Marshal(struct {
		plain
		Comment string `json:"comment"`
	}{plain: plain(u)})
}

// Update changes a client's name or comment. Chat2Desk's answer to a PUT
// is a status, with or without a record of some shape: success is all
// there is to read.
func (s *ClientsService) Update(ctx context.Context, id ID, u ClientUpdate) error {
	_, err := s.c.do(ctx, http.MethodPut, "/clients/"+id.String(), nil, u)
	return err
}

// MessagesService reads and sends messages.
type MessagesService struct{ c *Client }

// MessageListOptions filters the message list. StartID with Order "asc" is
// keyset paging: the way to poll for new messages at one call per poll.
type MessageListOptions struct {
	Transport  string
	ChannelID  ID
	ClientID   ID
	DialogID   ID
	OperatorID ID
	Type       string
	Read       *bool
	StartDate  time.Time
	FinishDate time.Time
	Order      string // "asc" or "desc"
	StartID    ID
	ListOptions
}

func (o MessageListOptions) query() url.Values {
	q := o.ListOptions.query()
	setStr(q, "transport", o.Transport)
	setID(q, "channel_id", o.ChannelID)
	setID(q, "client_id", o.ClientID)
	setID(q, "dialog_id", o.DialogID)
	setID(q, "operator_id", o.OperatorID)
	setStr(q, "type", o.Type)
	if o.Read != nil {
		q.Set("read", map[bool]string{true: "1", false: "0"}[*o.Read])
	}
	if !o.StartDate.IsZero() {
		q.Set("start_date", FormatDate(o.StartDate))
	}
	if !o.FinishDate.IsZero() {
		q.Set("finish_date", FormatDate(o.FinishDate))
	}
	setStr(q, "order", o.Order)
	setID(q, "start_id", o.StartID)
	return q
}

// DateLayout is how Chat2Desk reads dates in filters: DD-MM-YYYY. It
// ignores other forms (an RFC 3339 time included) as if no filter were given.
const DateLayout = "02-01-2006"

// FormatDate writes the day of t (in UTC) for a date filter. Filters count
// whole days, so a window starting at t also brings the rest of its day.
func FormatDate(t time.Time) string { return t.UTC().Format(DateLayout) }

// List returns one page of messages.
func (s *MessagesService) List(ctx context.Context, opts MessageListOptions) (*Page[Message], error) {
	return list[Message](ctx, s.c, "/messages", opts.query())
}

// Since returns messages with ids from startID on, oldest first, and the
// start id for the next call. When nothing is new it costs one request and
// returns the same start id. Page.Full says whether more may follow at once.
func (s *MessagesService) Since(ctx context.Context, startID ID, limit int, opts MessageListOptions) (*Page[Message], ID, error) {
	opts.StartID = startID
	opts.Order = "asc"
	opts.Limit = limit
	opts.Offset = 0
	page, err := s.List(ctx, opts)
	if err != nil {
		return nil, startID, err
	}
	next := startID
	for _, m := range page.Items {
		if m.ID >= next {
			next = m.ID + 1
		}
	}
	return page, next, nil
}

// Get returns one message.
func (s *MessagesService) Get(ctx context.Context, id ID) (*Message, error) {
	return one[Message](ctx, s.c, http.MethodGet, "/messages/"+id.String(), nil, nil)
}

// OutgoingMessage is the body of a send.
type OutgoingMessage struct {
	ClientID   ID     `json:"client_id"`
	Text       string `json:"text,omitempty"`
	Type       string `json:"type,omitempty"` // to_client when empty
	Transport  string `json:"transport,omitempty"`
	ChannelID  ID     `json:"channel_id,omitempty"`
	OperatorID ID     `json:"operator_id,omitempty"`
	Attachment string `json:"attachment,omitempty"` // URL
	PDF        string `json:"pdf,omitempty"`        // URL
	// AttachmentFilename is the name the client sees for the attachment.
	AttachmentFilename string `json:"attachment_filename,omitempty"`
	OpenDialog         *bool  `json:"open_dialog,omitempty"`
	// ReplyMessageID quotes the message this one answers.
	ReplyMessageID ID `json:"reply_message_id,omitempty"`
}

// Send posts a message. It is not retried: a retry after an unclear answer
// could deliver the message twice, so callers decide.
func (s *MessagesService) Send(ctx context.Context, m OutgoingMessage) (*SentMessage, error) {
	if m.Type == "" {
		m.Type = TypeToClient
	}
	return one[SentMessage](ctx, s.c, http.MethodPost, "/messages", nil, m)
}

// MarkRead marks a message read.
func (s *MessagesService) MarkRead(ctx context.Context, id ID) error {
	_, err := s.c.do(ctx, http.MethodGet, "/messages/"+id.String()+"/read", nil, nil)
	return err
}

// MarkUnread marks a message unread.
func (s *MessagesService) MarkUnread(ctx context.Context, id ID) error {
	_, err := s.c.do(ctx, http.MethodGet, "/messages/"+id.String()+"/unread", nil, nil)
	return err
}

// TagsService reads the account's tags and puts them on clients.
type TagsService struct{ c *Client }

// List returns one page of the account's tags.
func (s *TagsService) List(ctx context.Context, opts ListOptions) (*Page[Tag], error) {
	return list[Tag](ctx, s.c, "/tags", opts.query())
}

// AssignToClient puts tags on a client.
func (s *TagsService) AssignToClient(ctx context.Context, clientID ID, tagIDs ...ID) error {
	_, err := s.c.do(ctx, http.MethodPost, "/tags/assign_to", nil, map[string]any{
		"tag_ids": tagIDs, "assignee_type": "client", "assignee_id": clientID})
	return err
}

// RemoveFromClient takes a tag off a client.
func (s *TagsService) RemoveFromClient(ctx context.Context, tagID, clientID ID) error {
	_, err := s.c.do(ctx, http.MethodDelete, "/tags/"+tagID.String()+"/delete_from", nil, map[string]any{"client_id": clientID})
	return err
}

// CustomFieldsService reads the account's client fields.
type CustomFieldsService struct{ c *Client }

// List returns the account's client fields (one list, answered with
// status "ok").
func (s *CustomFieldsService) List(ctx context.Context) (*Page[CustomField], error) {
	return list[CustomField](ctx, s.c, "/custom_client_fields", nil)
}

// DialogsService reads and updates dialogs.
type DialogsService struct{ c *Client }

// DialogListOptions filters the dialog list.
type DialogListOptions struct {
	OperatorID ID
	State      string // open or closed
	ListOptions
}

// List returns one page of dialogs.
func (s *DialogsService) List(ctx context.Context, opts DialogListOptions) (*Page[Dialog], error) {
	q := opts.query()
	setID(q, "operator_id", opts.OperatorID)
	setStr(q, "state", opts.State)
	return list[Dialog](ctx, s.c, "/dialogs", q)
}

// Unanswered returns one page of the dialogs whose client waits for an
// answer.
func (s *DialogsService) Unanswered(ctx context.Context, opts ListOptions) (*Page[Dialog], error) {
	return list[Dialog](ctx, s.c, "/dialogs/unanswered", opts.query())
}

// Get returns one dialog.
func (s *DialogsService) Get(ctx context.Context, id ID) (*Dialog, error) {
	return one[Dialog](ctx, s.c, http.MethodGet, "/dialogs/"+id.String(), nil, nil)
}

// DialogUpdate transfers a dialog and/or changes its state.
type DialogUpdate struct {
	OperatorID ID     `json:"operator_id,omitempty"`
	State      string `json:"state,omitempty"`
}

// Update transfers the dialog to another operator or opens/closes it. The
// answer is a bare status; a dialog that "already has state" asked for is
// left as it is, which is a success, not a failure.
func (s *DialogsService) Update(ctx context.Context, id ID, u DialogUpdate) error {
	_, err := s.c.do(ctx, http.MethodPut, "/dialogs/"+id.String(), nil, u)
	if err != nil && u.State != "" && Says(err, "already has state") {
		return nil
	}
	return err
}

// TransferToGroup hands the request the message belongs to to an operator
// group, whose operators Chat2Desk then offers it to; force moves it also
// when it is being answered. A GET that changes state, as Chat2Desk has it.
func (s *MessagesService) TransferToGroup(ctx context.Context, id, groupID ID, force bool) error {
	q := url.Values{}
	q.Set("group_id", groupID.String())
	if force {
		q.Set("force", "1")
	}
	_, err := s.c.do(ctx, http.MethodGet, "/messages/"+id.String()+"/transfer_to_group", q, nil)
	return err
}

// OperatorGroupsService lists the account's operator groups.
type OperatorGroupsService struct{ c *Client }

// List returns the operator groups (a bare list, or an envelope).
func (s *OperatorGroupsService) List(ctx context.Context, opts ListOptions) (*Page[OperatorGroup], error) {
	return list[OperatorGroup](ctx, s.c, "/operators_groups", opts.query())
}

// TemplatesService reads quick replies.
type TemplatesService struct{ c *Client }

// List returns the quick replies.
func (s *TemplatesService) List(ctx context.Context, opts ListOptions) (*Page[Template], error) {
	return list[Template](ctx, s.c, "/templates", opts.query())
}

// Get returns one quick reply.
func (s *TemplatesService) Get(ctx context.Context, id ID) (*Template, error) {
	return one[Template](ctx, s.c, http.MethodGet, "/templates/"+id.String(), nil, nil)
}

// Full reports whether the page, the answer to a request for asked
// records, was full, so that more may follow.
func (p *Page[T]) Full(asked int) bool { return pageFull(len(p.Items)+len(p.Skipped), asked, p.Meta) }

// All walks offset pages until the end, collecting items and skipped
// records. It asks for pageSize records a page (at most MaxPageSize) and
// stops on an empty page, on a short one (measured against what Chat2Desk
// could have sent, see pageFull), or at the reported total, whichever says
// the list is complete; a short page below a reported total goes on.
func All[T any](ctx context.Context, pageSize int, fetch func(ctx context.Context, opts ListOptions) (*Page[T], error)) ([]T, []SkippedRecord, error) {
	if pageSize <= 0 || pageSize > MaxPageSize {
		pageSize = MaxPageSize
	}
	var items []T
	var skipped []SkippedRecord
	for offset := 0; ; {
		page, err := fetch(ctx, ListOptions{Offset: offset, Limit: pageSize})
		if err != nil {
			return items, skipped, err
		}
		for _, s := range page.Skipped {
			s.Index += offset
			skipped = append(skipped, s)
		}
		items = append(items, page.Items...)
		got := len(page.Items) + len(page.Skipped)
		offset += got
		total := int(page.Meta.Total)
		switch {
		case got == 0:
			return items, skipped, nil
		case total > 0:
			if offset >= total {
				return items, skipped, nil
			}
		case !pageFull(got, pageSize, page.Meta):
			return items, skipped, nil
		}
	}
}
