package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Outbox states. A message is written as queued before any network call;
// sending marks it sending; a definite refusal makes it failed; an answer
// that never came makes it unclear, to be checked before sending again;
// Chat2Desk's confirmation makes it sent, with its message id.
const (
	OutboxQueued  = "queued"
	OutboxSending = "sending"
	OutboxUnclear = "unclear"
	OutboxFailed  = "failed"
	OutboxSent    = "sent"
)

// OutboxItem is a message on its way out.
type OutboxItem struct {
	ID         int64
	ClientID   int64
	DialogID   int64
	ChannelID  int64
	Transport  string
	Type       string
	Text       string
	Author     int64
	OperatorID int64
	State      string
	Attempts   int
	LastError  string
	MessageID  int64
	ReplyTo    int64       // the message this one quotes; 0 when none
	Quote      *Message    // the quoted message, when the reader may see it
	File       *OutboxFile // the file it sends, without its bytes; nil: text only
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// OutboxFile is a file an outbox item sends.
type OutboxFile struct {
	Name   string
	Mime   string
	Size   int64
	SHA256 string
	URL    string // its link once uploaded; "" before
	Key    string // its object's key in the file storage
}

// Enqueue writes a new outgoing message as queued and returns its id.
func (s *Store) Enqueue(ctx context.Context, it OutboxItem) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sqlTx) error {
		var err error
		id, err = s.enqueue(ctx, tx, it)
		return err
	})
	return id, err
}

// EnqueueFile writes an outgoing message that sends a file, with the
// file's bytes, in one transaction: both are there, or neither.
func (s *Store) EnqueueFile(ctx context.Context, it OutboxItem, f OutboxFile, data []byte) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sqlTx) error {
		var err error
		if id, err = s.enqueue(ctx, tx, it); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox_files (outbox_id, name, mime, size, sha256, data) VALUES (?, ?, ?, ?, ?, ?)`,
			id, f.Name, f.Mime, int64(len(data)), f.SHA256, data)
		return err
	})
	return id, err
}

// OutboxFileData returns the bytes of an outbox item's file.
func (s *Store) OutboxFileData(ctx context.Context, outboxID int64) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM outbox_files WHERE outbox_id = ?`, outboxID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, wrap(err)
}

// SetFileUploaded records where an outbox item's file was uploaded.
func (s *Store) SetFileUploaded(ctx context.Context, outboxID int64, key, url string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox_files SET object_key = ?, url = ?, uploaded_at = ? WHERE outbox_id = ?`,
		key, url, s.now().Unix(), outboxID)
	return wrap(err)
}

func (s *Store) enqueue(ctx context.Context, tx *sqlTx, it OutboxItem) (int64, error) {
	now := s.now().Unix()
	var id int64
	// Queued by the column's default: an office PC may not choose a state.
	err := tx.QueryRowContext(ctx, `INSERT INTO outbox (client_id, dialog_id, channel_id, transport, type, text, author_staff_id, operator_id, reply_to_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		it.ClientID, nullID(it.DialogID), nullID(it.ChannelID), it.Transport, it.Type, it.Text, it.Author, nullID(it.OperatorID), nullID(it.ReplyTo), now, now).Scan(&id)
	return id, err
}

// MarkOutbox moves an unsent item to a new state, counting attempts when
// sending. A sent item stays sent: a late failure of a process that was
// frozen cannot undo another's delivery.
func (s *Store) MarkOutbox(ctx context.Context, id int64, state, lastError string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET state = ?, last_error = ?, updated_at = ?,
		attempts = attempts + CASE WHEN ? = 'sending' THEN 1 ELSE 0 END WHERE id = ? AND state != 'sent'`,
		state, lastError, s.now().Unix(), state, id)
	return wrap(err)
}

// SetOutboxOperator changes the operator an unsent item goes out under.
func (s *Store) SetOutboxOperator(ctx context.Context, id, operatorID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET operator_id = ?, updated_at = ? WHERE id = ? AND state != 'sent'`,
		nullID(operatorID), s.now().Unix(), id)
	return wrap(err)
}

// ConfirmSent records Chat2Desk's confirmation: the outbox item becomes
// sent and the message is stored with its author, in one transaction.
func (s *Store) ConfirmSent(ctx context.Context, outboxID int64, m Message) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent', message_id = ?, dialog_id = ?, last_error = '', updated_at = ? WHERE id = ?`,
			m.ID, m.DialogID, s.now().Unix(), outboxID); err != nil {
			return err
		}
		// The file is in Chat2Desk now, at its link: its bytes may go.
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_files WHERE outbox_id = ?`, outboxID); err != nil {
			return err
		}
		return addMessages(ctx, tx, []Message{m})
	})
}

// ClaimedMessages reports which of the message ids other outbox items were
// confirmed as, so that looking for a delivered message never takes one
// that an earlier item with the same text already owns.
func (s *Store) ClaimedMessages(ctx context.Context, outboxID int64, messageIDs []int64) (map[int64]bool, error) {
	return s.queryIDSet(ctx, `SELECT message_id FROM outbox WHERE id != ? AND state = 'sent'
		AND message_id IN (SELECT value FROM json_each(?))`, outboxID, idList(messageIDs))
}

// MessageBefore is the newest stored message of the dialog (or, for 0,
// of the client) written before a time: where to look from for what an
// outbox item queued after it became.
func (s *Store) MessageBefore(ctx context.Context, dialogID, clientID int64, before time.Time) (int64, error) {
	var id int64
	q := `SELECT COALESCE(max(id), 0) FROM messages WHERE dialog_id = ? AND created_at < ?`
	key := dialogID
	if dialogID == 0 {
		q, key = `SELECT COALESCE(max(id), 0) FROM messages WHERE client_id = ? AND created_at < ?`, clientID
	}
	err := s.db.QueryRowContext(ctx, q, key, before.Unix()).Scan(&id)
	return id, wrap(err)
}

// Discard removes an unsent message the user gave up on.
func (s *Store) Discard(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_files WHERE outbox_id = ? AND EXISTS (
			SELECT 1 FROM outbox WHERE id = ? AND state != 'sent')`, id, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND state != 'sent'`, id)
		return err
	})
}

// Pending returns unsent items (queued, sending, unclear, failed), oldest first.
func (s *Store) Pending(ctx context.Context) ([]OutboxItem, error) {
	return s.outbox(ctx, `WHERE state != 'sent' ORDER BY id`)
}

// OutboxFor returns a dialog's unsent items, oldest first.
func (s *Store) OutboxFor(ctx context.Context, dialogID int64) ([]OutboxItem, error) {
	return s.outbox(ctx, `WHERE state != 'sent' AND dialog_id = ? ORDER BY id`, dialogID)
}

// UnsentTo returns a client's unsent items, oldest first: a first message
// to a new client has no dialog yet.
func (s *Store) UnsentTo(ctx context.Context, clientID int64) ([]OutboxItem, error) {
	return s.outbox(ctx, `WHERE state != 'sent' AND client_id = ? ORDER BY id`, clientID)
}

// OutboxItemByID returns one item, or ErrNotFound.
func (s *Store) OutboxItemByID(ctx context.Context, id int64) (OutboxItem, error) {
	items, err := s.outbox(ctx, `WHERE id = ?`, id)
	if err != nil {
		return OutboxItem{}, err
	}
	if len(items) == 0 {
		return OutboxItem{}, ErrNotFound
	}
	return items[0], nil
}

func (s *Store) outbox(ctx context.Context, where string, args ...any) ([]OutboxItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, client_id, COALESCE(dialog_id, 0), COALESCE(channel_id, 0), transport, type, text,
		author_staff_id, COALESCE(operator_id, 0), state, attempts, last_error, COALESCE(message_id, 0), COALESCE(reply_to_id, 0),
		created_at, updated_at, f.name, f.mime, f.size, f.sha256, f.url, f.object_key
		FROM outbox LEFT JOIN outbox_files f ON f.outbox_id = outbox.id `+where, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var created, updated int64
		var name, mime, sum, url, key sql.NullString
		var size sql.NullInt64
		if err := rows.Scan(&it.ID, &it.ClientID, &it.DialogID, &it.ChannelID, &it.Transport, &it.Type, &it.Text, &it.Author,
			&it.OperatorID, &it.State, &it.Attempts, &it.LastError, &it.MessageID, &it.ReplyTo, &created, &updated,
			&name, &mime, &size, &sum, &url, &key); err != nil {
			return nil, wrap(err)
		}
		if name.Valid {
			it.File = &OutboxFile{Name: name.String, Mime: mime.String, Size: size.Int64, SHA256: sum.String, URL: url.String, Key: key.String}
		}
		it.CreatedAt, it.UpdatedAt = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
		out = append(out, it)
	}
	return out, wrap(rows.Err())
}

func encodeAttachments(a []Attachment) (string, error) {
	if len(a) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(a)
	return string(b), err
}

func decodeAttachments(s string) []Attachment {
	var a []Attachment
	if json.Unmarshal([]byte(s), &a) != nil {
		return nil
	}
	return a
}

func itoa(n int) string { return strconv.Itoa(n) }
