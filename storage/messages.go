package storage

// Messages: stored a page at a time with their dialogs, read a chat at a time.

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Attachment is a file attached to a message.
type Attachment struct {
	Name string `json:"name"`
	Link string `json:"link"`
	// Kind is photo, video, audio, pdf or file: how to show it.
	Kind string `json:"kind,omitempty"`
}

// Message is one stored message.
type Message struct {
	ID          int64
	DialogID    int64
	ClientID    int64
	ChannelID   int64
	Transport   string
	Type        string
	Text        string
	Attachments []Attachment
	Read        bool
	CreatedAt   time.Time
	OperatorID  int64
	Author      int64 // staff id of the writer of an outgoing message; 0 when unknown
	ReplyTo     int64 // the message this one quotes; 0 when none
	RequestID   int64 // Chat2Desk's request it belongs to; 0 when not known
	// Quote is the quoted message, when the reader may see it and it is
	// stored (Quotes fills it); nil otherwise.
	Quote *Message
}

// AddMessages stores dialogs and their messages in one transaction (known
// messages are updated, keeping their local author) and keeps each
// dialog's last message and unread count current.
func (s *Store) AddMessages(ctx context.Context, dialogs []Dialog, msgs []Message) error {
	return s.AddPage(ctx, dialogs, msgs, SyncCursor{})
}

// SyncCursor is where a sync stands, stored with the page that moved it.
type SyncCursor struct{ Name, Value string }

// AddPage is AddMessages that also moves a sync cursor (if named) in the
// same transaction: a crash leaves the page and its cursor, or neither.
func (s *Store) AddPage(ctx context.Context, dialogs []Dialog, msgs []Message, cur SyncCursor) error {
	if len(msgs) == 0 && len(dialogs) == 0 && cur.Name == "" {
		return nil
	}
	return s.inTx(ctx, func(tx *sqlTx) error {
		if err := upsertDialogs(ctx, tx, dialogs); err != nil {
			return err
		}
		if err := addMessages(ctx, tx, msgs); err != nil {
			return err
		}
		if cur.Name == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, setCursorSQL, cur.Name, cur.Value, s.now().Unix())
		return err
	})
}

// addMessages writes a batch in a few statements of many rows each, not
// a statement per message: a page of history is hundreds of rows, and on
// an office database every statement is a round trip to the server (a
// page took 58 ms there row by row).
func addMessages(ctx context.Context, tx *sqlTx, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	// One row per id: a statement may not update a row twice. The last
	// copy wins, as one statement after another did; the first known
	// writer stays the author.
	at := make(map[int64]int, len(msgs))
	var rows []Message
	for _, m := range msgs {
		if i, dup := at[m.ID]; dup {
			if m.Author == 0 {
				m.Author = rows[i].Author
			}
			rows[i] = m
			continue
		}
		at[m.ID] = len(rows)
		rows = append(rows, m)
	}
	touched := map[int64]bool{}
	for start := 0; start < len(rows); start += messageRowsPerInsert {
		chunk := rows[start:min(start+messageRowsPerInsert, len(rows))]
		args := make([]any, 0, 14*len(chunk))
		for _, m := range chunk {
			att, err := encodeAttachments(m.Attachments)
			if err != nil {
				return err
			}
			args = append(args, m.ID, m.DialogID, m.ClientID, nullID(m.ChannelID), m.Transport, m.Type, m.Text, att, m.Read,
				m.CreatedAt.Unix(), nullID(m.OperatorID), nullID(m.Author), nullID(m.ReplyTo), nullID(m.RequestID))
			touched[m.DialogID] = true
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages (id, dialog_id, client_id, channel_id, transport, type, text, attachments, read, created_at, operator_id, author_staff_id, reply_to_id, request_id)
			VALUES `+values+`
			ON CONFLICT (id) DO UPDATE SET text = excluded.text, attachments = excluded.attachments, read = excluded.read,
				operator_id = excluded.operator_id, author_staff_id = COALESCE(messages.author_staff_id, excluded.author_staff_id),
				reply_to_id = COALESCE(excluded.reply_to_id, messages.reply_to_id), request_id = COALESCE(excluded.request_id, messages.request_id)`, args...); err != nil {
			return err
		}
	}
	dialogs := make([]int64, 0, len(touched))
	for d := range touched {
		dialogs = append(dialogs, d)
	}
	_, err := tx.ExecContext(ctx, dialogSummarySQL, idList(dialogs))
	return err
}

// messageRowsPerInsert keeps a statement's arguments (14 a row) well
// under both engines' limits.
const messageRowsPerInsert = 100

// MarkDialogRead marks a dialog's client messages read locally and returns
// the newest of those that were unread (0: none was), the one to mark read
// in Chat2Desk.
func (s *Store) MarkDialogRead(ctx context.Context, dialogID int64) (newestUnread int64, err error) {
	err = s.inTx(ctx, func(tx *sqlTx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM messages
			WHERE dialog_id = ? AND type = 'from_client' AND read = 0`, dialogID).Scan(&newestUnread); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET read = 1 WHERE dialog_id = ? AND read = 0`, dialogID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE dialogs SET unread = 0 WHERE id = ?`, dialogID)
		return err
	})
	return newestUnread, err
}

// DialogMessages returns up to limit messages of a dialog older than
// beforeID (0: the newest), oldest first. The chat is chosen as a range
// of (dialog_id, id), not dialog_id = ?, which means the same but leaves
// (dialog_id, id) the only index that gives the order: with the equality
// PostgreSQL read the whole account newest first looking for an old long
// chat's last fifty (33 ms against 0.2).
func (s *Store) DialogMessages(ctx context.Context, dialogID, beforeID int64, limit int) ([]Message, error) {
	if beforeID <= 0 {
		beforeID = 1 << 62
	}
	out, err := s.messages(ctx, `WHERE (dialog_id, id) < (?1, ?2) AND (dialog_id, id) > (?1, 0)
		ORDER BY dialog_id DESC, id DESC LIMIT ?3`, dialogID, beforeID, limit)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Quotes returns the client's messages with these ids that the viewer may
// see, by id: what replies quote. Another client's message, or one of a
// chat hidden from the viewer, is never shown inside a chat they see.
func (s *Store) Quotes(ctx context.Context, v Viewer, clientID int64, ids []int64) (map[int64]Message, error) {
	out := map[int64]Message{}
	if len(ids) == 0 {
		return out, nil
	}
	msgs, err := s.messages(ctx, `WHERE client_id = ?3 AND id IN (SELECT value FROM json_each(?4))
		AND EXISTS (SELECT 1 FROM dialogs d WHERE d.id = messages.dialog_id AND `+accessClause+`)`, s.viewer(v).sees(), v.StaffID, clientID, idList(ids))
	for _, m := range msgs {
		out[m.ID] = m
	}
	return out, err
}

// Cursor returns a sync cursor's value ("" when unset).
func (s *Store) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM sync_cursors WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, wrap(err)
}

// SetCursor stores a sync cursor.
func (s *Store) SetCursor(ctx context.Context, name, value string) error {
	_, err := s.db.ExecContext(ctx, setCursorSQL, name, value, s.now().Unix())
	return wrap(err)
}

const setCursorSQL = `INSERT INTO sync_cursors (name, value, updated_at) VALUES (?, ?, ?)
	ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// NewestMessageID is the largest stored message id (0: none).
func (s *Store) NewestMessageID(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM messages`).Scan(&id)
	return id, wrap(err)
}

// IncomingAfter returns up to limit client messages with ids above
// afterID, oldest first: what another PC's poller stored since, for
// notifications.
func (s *Store) IncomingAfter(ctx context.Context, afterID int64, limit int) ([]Message, error) {
	return s.messages(ctx, `WHERE id > ? AND type = 'from_client' ORDER BY id LIMIT ?`, afterID, limit)
}

// messages reads the messages a WHERE (with ORDER and LIMIT) selects.
func (s *Store) messages(ctx context.Context, where string, args ...any) ([]Message, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, dialog_id, client_id, COALESCE(channel_id, 0), transport, type, text, attachments,
		read, created_at, COALESCE(operator_id, 0), COALESCE(author_staff_id, 0), COALESCE(reply_to_id, 0)
		FROM messages `+where, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, m)
	}
	return out, wrap(rows.Err())
}

// scanMessage reads a message row in the column order of messages.
func scanMessage(rows *sql.Rows) (Message, error) {
	var m Message
	var att string
	var created int64
	if err := rows.Scan(&m.ID, &m.DialogID, &m.ClientID, &m.ChannelID, &m.Transport, &m.Type, &m.Text, &att,
		&m.Read, &created, &m.OperatorID, &m.Author, &m.ReplyTo); err != nil {
		return m, err
	}
	m.CreatedAt = time.Unix(created, 0).UTC()
	m.Attachments = decodeAttachments(att)
	return m, nil
}
