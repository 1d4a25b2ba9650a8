package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Client is the local copy of a Chat2Desk client.
type Client struct {
	ID    int64
	Name  string
	Phone string
	// Tags, when not nil, are the client's tags as Chat2Desk listed them
	// with the client: stored with it. Nil leaves the stored ones.
	Tags []Tag
}

// Dialog is one conversation with a client, as stored.
type Dialog struct {
	ID         int64
	ClientID   int64
	ChannelID  int64
	Transport  string
	State      string // open or closed
	OperatorID int64
	Assignee   int64 // staff id; 0 when nobody
	BeginAt    time.Time
	EndAt      time.Time
}

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
	// Quote is the quoted message, when the reader may see it and it is
	// stored (Quotes fills it); nil otherwise.
	Quote *Message
}

// UpsertClient stores a client, replacing what was known.
func (s *Store) UpsertClient(ctx context.Context, c Client) error {
	return s.UpsertClients(ctx, []Client{c})
}

// UpsertClients stores many clients in one transaction.
func (s *Store) UpsertClients(ctx context.Context, cs []Client) error {
	now := s.now().Unix()
	return s.inTx(ctx, func(tx *sqlTx) error {
		stmt, err := tx.PrepareContext(ctx, upsertClientSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range cs {
			if _, err := stmt.ExecContext(ctx, clientArgs(c, now)...); err != nil {
				return err
			}
			if c.Tags != nil {
				if err := setClientTags(ctx, tx, c.ID, c.Tags); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// upsertClientSQL also keeps what search compares: the name folded to
// lower case in any script, and the phone's digits.
const upsertClientSQL = `INSERT INTO clients (id, name, phone, search_name, phone_digits, updated_at) VALUES (?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, search_name = excluded.search_name,
		phone_digits = excluded.phone_digits, updated_at = excluded.updated_at`

func clientArgs(c Client, now int64) []any {
	return []any{c.ID, c.Name, c.Phone, strings.ToLower(c.Name), PhoneDigits(c.Phone), now}
}

// ClientByID returns one client, or ErrNotFound.
func (s *Store) ClientByID(ctx context.Context, id int64) (Client, error) {
	c := Client{ID: id}
	err := s.db.QueryRowContext(ctx, `SELECT name, phone FROM clients WHERE id = ?`, id).Scan(&c.Name, &c.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, wrap(err)
}

// UnreadChats counts the viewer's chats with unread client messages.
func (s *Store) UnreadChats(ctx context.Context, v Viewer) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM dialogs d WHERE d.unread > 0 AND `+accessClause, s.viewer(v).sees(), v.StaffID).Scan(&n)
	return n, wrap(err)
}

// HasDialog reports whether a dialog is stored.
func (s *Store) HasDialog(ctx context.Context, id int64) (bool, error) {
	return s.exists(ctx, `SELECT 1 FROM dialogs WHERE id = ?`, id)
}

// KnownClients returns which of the ids are stored clients, in one query:
// a page of history names up to two hundred.
func (s *Store) KnownClients(ctx context.Context, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	return s.queryIDSet(ctx, `SELECT id FROM clients WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
}

// DialogStates returns the state of each of the ids that is a stored dialog.
func (s *Store) DialogStates(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, state FROM dialogs WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			return nil, wrap(err)
		}
		out[id] = state
	}
	return out, wrap(rows.Err())
}

// queryIDs runs a query whose one column is an id.
func (s *Store) queryIDs(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap(err)
		}
		ids = append(ids, id)
	}
	return ids, wrap(rows.Err())
}

// queryIDSet is queryIDs as a set, for "which of these" questions.
func (s *Store) queryIDSet(ctx context.Context, q string, args ...any) (map[int64]bool, error) {
	ids, err := s.queryIDs(ctx, q, args...)
	set := make(map[int64]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, err
}

func (s *Store) exists(ctx context.Context, q string, args ...any) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrap(err)
}

// UpsertDialog stores a dialog. The local assignee is kept: it is C2Desk's,
// not Chat2Desk's.
func (s *Store) UpsertDialog(ctx context.Context, d Dialog) error {
	return s.AddMessages(ctx, []Dialog{d}, nil)
}

// SetAssignee gives a dialog to a staff member locally (0: nobody).
func (s *Store) SetAssignee(ctx context.Context, dialogID, staffID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dialogs SET assignee_staff_id = ? WHERE id = ?`, nullID(staffID), dialogID)
	return wrap(err)
}

// SetDialogState records an opened or closed dialog.
func (s *Store) SetDialogState(ctx context.Context, dialogID int64, state string, operatorID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE dialogs SET state = ?, operator_id = COALESCE(?, operator_id) WHERE id = ?`,
		state, nullID(operatorID), dialogID)
	return wrap(err)
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

const upsertDialogSQL = `INSERT INTO dialogs (id, client_id, channel_id, transport, state, operator_id, begin_at, end_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (id) DO UPDATE SET client_id = excluded.client_id,
		channel_id = COALESCE(excluded.channel_id, dialogs.channel_id),
		transport = CASE WHEN excluded.transport = '' THEN dialogs.transport ELSE excluded.transport END,
		state = excluded.state, operator_id = excluded.operator_id, begin_at = excluded.begin_at, end_at = excluded.end_at`

func upsertDialogs(ctx context.Context, tx *sqlTx, dialogs []Dialog) error {
	if len(dialogs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, upsertDialogSQL)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range dialogs {
		if _, err := stmt.ExecContext(ctx, d.ID, d.ClientID, nullID(d.ChannelID), d.Transport, d.State, nullID(d.OperatorID), unix(d.BeginAt), unix(d.EndAt)); err != nil {
			return err
		}
	}
	return nil
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
		args := make([]any, 0, 13*len(chunk))
		for _, m := range chunk {
			att, err := encodeAttachments(m.Attachments)
			if err != nil {
				return err
			}
			args = append(args, m.ID, m.DialogID, m.ClientID, nullID(m.ChannelID), m.Transport, m.Type, m.Text, att, m.Read,
				m.CreatedAt.Unix(), nullID(m.OperatorID), nullID(m.Author), nullID(m.ReplyTo))
			touched[m.DialogID] = true
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages (id, dialog_id, client_id, channel_id, transport, type, text, attachments, read, created_at, operator_id, author_staff_id, reply_to_id)
			VALUES `+values+`
			ON CONFLICT (id) DO UPDATE SET text = excluded.text, attachments = excluded.attachments, read = excluded.read,
				operator_id = excluded.operator_id, author_staff_id = COALESCE(messages.author_staff_id, excluded.author_staff_id),
				reply_to_id = COALESCE(excluded.reply_to_id, messages.reply_to_id)`, args...); err != nil {
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

// dialogSummarySQL keeps the listed dialogs' last message, unread count
// and waiting time current; the plan test reads it too.
const dialogSummarySQL = `UPDATE dialogs SET
	last_message_id = (SELECT max(m.id) FROM messages m WHERE m.dialog_id = dialogs.id),
	last_message_at = (SELECT m.created_at FROM messages m WHERE m.dialog_id = dialogs.id ORDER BY m.id DESC LIMIT 1),
	unread = (SELECT count(*) FROM messages m WHERE m.dialog_id = dialogs.id AND m.type = 'from_client' AND m.read = 0),
	waiting_since = ` + waitingSinceSQL + `
	WHERE id IN (SELECT value FROM json_each(?))`

// waitingSinceSQL is when a dialog's oldest client message that has no
// answer after it was written: only an answer to the client ends the
// wait (not a note, an autoreply or a system message), or a person saying
// no reply is needed.
const waitingSinceSQL = `(SELECT min(m.created_at) FROM messages m
		WHERE m.dialog_id = dialogs.id AND m.type = 'from_client'
			AND m.id > COALESCE((SELECT max(a.id) FROM messages a WHERE a.dialog_id = dialogs.id AND a.type = 'to_client'), 0)
			AND m.id > COALESCE(dialogs.no_reply_through, 0))`

// messageRowsPerInsert keeps a statement's arguments (13 a row) well
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

// Viewer is who asks for chats: access is decided in the query itself,
// from the staff member's current role and rules.
type Viewer struct {
	StaffID int64
	Console bool // the command line, which acts for the whole office
	// byPolicy: the office database's policies already limit the reads to
	// this person's chats (a joined computer's store, signed in as them),
	// so the query need not say it again (Store.viewer).
	byPolicy bool
}

// viewer is v as this store's queries take it.
func (s *Store) viewer(v Viewer) Viewer {
	v.byPolicy = s.ForPerson() && v.StaffID != 0 && v.StaffID == s.sessionStaff.Load()
	return v
}

// sees is the access clause's first parameter: the viewer sees every chat
// the query may read.
func (v Viewer) sees() bool { return v.Console || v.byPolicy }

// ChatFilter narrows the chat list.
type ChatFilter struct {
	Mine     bool   // only chats assigned to the viewer
	OpenOnly bool   // only open dialogs
	Search   string // name, phone or message text
	// Waiting keeps the open chats whose client waits for an answer,
	// the longest waiting first.
	Waiting bool
	// TagID, when set, keeps the chats of clients with this tag.
	TagID int64
	// IDs, when set, keeps only these dialogs.
	IDs    []int64
	Limit  int
	Offset int
}

// Chat is one row of the chat list.
type Chat struct {
	Dialog
	ClientName   string
	ClientPhone  string
	ChannelName  string
	LastText     string
	LastType     string
	LastAuthor   int64 // staff id of the last message's writer, if C2Desk knows it
	LastOperator int64
	LastAt       time.Time
	Unread       int
	// WaitingSince is when the client's unanswered message was written,
	// for an open chat; zero when nobody waits.
	WaitingSince time.Time
	// Found is, when the chat is listed for a message with the searched
	// words, that message and its time, so the list can show why the chat
	// is there and in what order.
	Found   string
	FoundAt time.Time
}

// accessClause restricts dialogs (alias d) to what the viewer may see. The
// person's role and standing are read here, not trusted from the caller:
// active administrators see all; active agents see chats assigned to them
// and chats of channels whose rule opens them to everyone or lists them.
// ?1 is the console (the command line), which sees all.
var accessClause = `(?1 = 1 OR EXISTS (SELECT 1 FROM staff v WHERE v.id = ?2 AND v.active = 1 AND (v.role = 'admin'
	OR d.assignee_staff_id = ?2 OR EXISTS (
	SELECT 1 FROM channel_rules r WHERE r.channel_id = d.channel_id AND ` + ruleOpensTo("?2") + `))))`

// ruleOpensTo is the condition under which the channel rule r opens its
// chats to the staff member whose id is the placeholder person.
func ruleOpensTo(person string) string {
	return `(r.visibility = 'everyone'
		OR (r.visibility = 'listed' AND EXISTS (SELECT 1 FROM channel_rule_staff rs WHERE rs.channel_id = r.channel_id AND rs.staff_id = ` + person + `)))`
}

// Chats returns the viewer's chats, newest first.
func (s *Store) Chats(ctx context.Context, v Viewer, f ChatFilter) ([]Chat, error) {
	v = s.viewer(v)
	if strings.TrimSpace(f.Search) != "" {
		return s.searchChats(ctx, v, f)
	}
	if !f.Mine && !v.Console {
		// For an agent no channel is open to, all their chats are the
		// ones assigned to them: read by that index, not by walking every
		// chat newest first to find them (a second at 100,000 chats).
		only, err := s.seesOnlyAssigned(ctx, v)
		if err != nil {
			return nil, err
		}
		f.Mine = only
	}
	q, args := chatsQuery(v, f)
	return s.queryChats(ctx, q, args)
}

func (s *Store) queryChats(ctx context.Context, q string, args []any) ([]Chat, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	var out []Chat
	for rows.Next() {
		var c Chat
		var begin, end, last, waiting sql.NullInt64
		if err := rows.Scan(&c.ID, &c.ClientID, &c.ChannelID, &c.Transport, &c.State, &c.OperatorID, &c.Assignee,
			&begin, &end, &c.ClientName, &c.ClientPhone, &c.ChannelName, &c.LastText, &c.LastType, &c.LastAuthor, &c.LastOperator, &last, &c.Unread,
			&waiting); err != nil {
			return nil, wrap(err)
		}
		c.BeginAt, c.EndAt, c.LastAt, c.WaitingSince = fromUnix(begin), fromUnix(end), fromUnix(last), fromUnix(waiting)
		out = append(out, c)
	}
	return out, wrap(rows.Err())
}

// seesOnlyAssigned reports whether the viewer is an active agent whom no
// channel rule opens a channel to: the access rule then leaves them only
// the chats assigned to them.
func (s *Store) seesOnlyAssigned(ctx context.Context, v Viewer) (bool, error) {
	var only bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff WHERE id = ?1 AND active = 1 AND role <> 'admin')
		AND NOT EXISTS (SELECT 1 FROM channel_rules r WHERE `+ruleOpensTo("?1")+`)`, v.StaffID).Scan(&only)
	return only, wrap(err)
}

// chatWhere is the conditions every chat list shares: access, and the
// Mine, Open, Waiting and tag filters. Its arguments are ?1 and ?2, and
// ?3 with a tag.
func chatWhere(v Viewer, f ChatFilter) ([]string, []any) {
	where := []string{accessClause}
	if f.Mine {
		where = append(where, `d.assignee_staff_id = ?2`)
	}
	if f.OpenOnly || f.Waiting {
		where = append(where, `d.state = 'open'`)
	}
	if f.Waiting {
		where = append(where, `d.waiting_since IS NOT NULL`)
	}
	args := []any{v.sees(), v.StaffID}
	if f.TagID != 0 {
		args = append(args, f.TagID)
		where = append(where, `EXISTS (SELECT 1 FROM client_tags ct WHERE ct.client_id = d.client_id AND ct.tag_id = ?`+itoa(len(args))+`)`)
	}
	return where, args
}

// chatsQuery builds the chat list's query (searches build theirs in
// search.go); the plan test reads it too.
func chatsQuery(v Viewer, f ChatFilter) (string, []any) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	where, args := chatWhere(v, f)
	if f.IDs != nil {
		args = append(args, idList(f.IDs))
		where = append(where, `d.id IN (SELECT value FROM json_each(?`+itoa(len(args))+`))`)
	}
	args = append(args, f.Limit, f.Offset)
	n := len(args)
	order := `d.last_message_at DESC, d.id DESC`
	if f.Waiting {
		order = `d.waiting_since, d.id`
	}
	return `
		SELECT d.id, d.client_id, COALESCE(d.channel_id, 0), d.transport, d.state, COALESCE(d.operator_id, 0),
			COALESCE(d.assignee_staff_id, 0), d.begin_at, d.end_at,
			COALESCE(c.name, ''), COALESCE(c.phone, ''), COALESCE(ch.name, ''),
			COALESCE(m.text, ''), COALESCE(m.type, ''), COALESCE(m.author_staff_id, 0), COALESCE(m.operator_id, 0), d.last_message_at, d.unread,
			CASE WHEN d.state = 'open' THEN d.waiting_since END
		FROM dialogs d
		LEFT JOIN clients c ON c.id = d.client_id
		LEFT JOIN channels ch ON ch.id = d.channel_id
		LEFT JOIN messages m ON m.id = d.last_message_id
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY ` + order + `
		LIMIT ?` + itoa(n-1) + ` OFFSET ?` + itoa(n), args
}

// idList is ids as the JSON array json_each reads.
func idList(ids []int64) string {
	b, _ := json.Marshal(ids) // a slice of integers always encodes
	return string(b)
}

// MayView reports whether the viewer may see a dialog, by the same rule as Chats.
func (s *Store) MayView(ctx context.Context, v Viewer, dialogID int64) (bool, error) {
	return s.exists(ctx, `SELECT 1 FROM dialogs d WHERE `+accessClause+` AND d.id = ?3`, s.viewer(v).sees(), v.StaffID, dialogID)
}

// HidesChatsOf reports whether a client has a stored chat the viewer may
// not see: writing to them would show the viewer that chat.
func (s *Store) HidesChatsOf(ctx context.Context, v Viewer, clientID int64) (bool, error) {
	if s.ForPerson() {
		// A person's store does not see the chats hidden from them: the
		// office database answers.
		return s.exists(ctx, `SELECT 1 WHERE c2desk_hides_client(?)`, clientID)
	}
	return s.exists(ctx, `SELECT 1 FROM dialogs d WHERE d.client_id = ?3 AND NOT `+accessClause, v.Console, v.StaffID, clientID)
}

// DialogByID returns one dialog, or ErrNotFound.
func (s *Store) DialogByID(ctx context.Context, id int64) (Dialog, error) {
	var d Dialog
	var begin, end sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT id, client_id, COALESCE(channel_id, 0), transport, state, COALESCE(operator_id, 0),
		COALESCE(assignee_staff_id, 0), begin_at, end_at FROM dialogs WHERE id = ?`, id).
		Scan(&d.ID, &d.ClientID, &d.ChannelID, &d.Transport, &d.State, &d.OperatorID, &d.Assignee, &begin, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	d.BeginAt, d.EndAt = fromUnix(begin), fromUnix(end)
	return d, wrap(err)
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

// SetNoReplyNeeded says a dialog's client messages up to throughID need
// no answer: the dialog waits no more, until the client writes again.
func (s *Store) SetNoReplyNeeded(ctx context.Context, dialogID, throughID int64) error {
	return s.inTx(ctx, func(tx *sqlTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dialogs SET no_reply_through = ?1
			WHERE id = ?2 AND COALESCE(no_reply_through, 0) < ?1`, throughID, dialogID); err != nil {
			return err
		}
		// A message the person had not seen yet still waits.
		_, err := tx.ExecContext(ctx, `UPDATE dialogs SET waiting_since = `+waitingSinceSQL+` WHERE id = ?`, dialogID)
		return err
	})
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

// Draft returns a person's unsent text for a dialog.
func (s *Store) Draft(ctx context.Context, dialogID, staffID int64) (string, error) {
	var t string
	err := s.db.QueryRowContext(ctx, `SELECT text FROM drafts WHERE dialog_id = ? AND staff_id = ?`, dialogID, staffID).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return t, wrap(err)
}

// SaveDraft stores (or, for empty text, removes) a draft.
func (s *Store) SaveDraft(ctx context.Context, dialogID, staffID int64, text string) error {
	if strings.TrimSpace(text) == "" {
		_, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE dialog_id = ? AND staff_id = ?`, dialogID, staffID)
		return wrap(err)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO drafts (dialog_id, staff_id, text, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dialog_id, staff_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
		dialogID, staffID, text, s.now().Unix())
	return wrap(err)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// PhoneDigits is a phone number as stored for search and as Chat2Desk
// takes it: its digits only.
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

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
