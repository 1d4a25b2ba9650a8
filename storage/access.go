package storage

// The chat list, and who may see which chat: access is decided in the
// queries themselves (accessClause), the same way everywhere.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// UnreadChats counts the viewer's chats with unread client messages.
func (s *Store) UnreadChats(ctx context.Context, v Viewer) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM dialogs d WHERE d.unread > 0 AND `+accessClause, s.viewer(v).sees(), v.StaffID).Scan(&n)
	return n, wrap(err)
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
