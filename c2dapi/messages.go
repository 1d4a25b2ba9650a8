package c2dapi

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

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
