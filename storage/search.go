package storage

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// searchBatch is how many chats found by words are checked for access at a
// time while the matches are read.
const searchBatch = 200

// matchPage is how many word matches are read per query.
const matchPage = 500

// fewMatches is how many matches a word may have to be read all at once
// (fewWordMatches) rather than in pages.
const fewMatches = 2000

// recentMessages is how many of the newest messages recentWordMatches
// reads; a variable for the test of the later steps.
var recentMessages = 3000

// searchChats lists the chats a search finds, as a messenger does: first
// the chats whose client's name or phone matches, most recently active
// first; then the chats with a message that has the words, the newest such
// message first, shown as the chat's Found text. Matches are read newest
// first from the full-text index and reading stops once the page is full,
// so a common word costs no more than a rare one.
func (s *Store) searchChats(ctx context.Context, v Viewer, f ChatFilter) ([]Chat, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	need := f.Offset + f.Limit
	typed := strings.TrimSpace(f.Search)
	order, err := s.chatsByClient(ctx, v, f, typed, need)
	if err != nil {
		return nil, err
	}
	var foundIn map[int64]int64 // dialog -> the message that matched
	if words := s.d.wordsQuery(typed); words != "" && len(order) < need {
		if order, foundIn, err = s.appendWordMatches(ctx, v, f, words, order, need); err != nil {
			return nil, err
		}
	}
	if f.Offset >= len(order) {
		return nil, nil
	}
	page := order[f.Offset:min(need, len(order))]
	q, args := chatsQuery(v, ChatFilter{IDs: page, Limit: len(page)})
	rows, err := s.queryChats(ctx, q, args)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Chat, len(rows))
	var found []int64
	for _, c := range rows {
		byID[c.ID] = c
		if m, ok := foundIn[c.ID]; ok {
			found = append(found, m)
		}
	}
	if err := s.fillFound(ctx, byID, found); err != nil {
		return nil, err
	}
	out := make([]Chat, 0, len(page))
	for _, id := range page {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	// Chat2Desk's message ids follow time, so the index's order is the
	// matches' order; where they do not (imported history), the page at
	// least is in time order.
	first := slices.IndexFunc(out, func(c Chat) bool { return c.Found != "" })
	if first >= 0 {
		slices.SortStableFunc(out[first:], func(a, b Chat) int { return b.FoundAt.Compare(a.FoundAt) })
	}
	return out, nil
}

// fillFound sets Found and FoundAt of the chats from the matched messages.
func (s *Store) fillFound(ctx context.Context, byID map[int64]Chat, messageIDs []int64) error {
	if len(messageIDs) == 0 {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT dialog_id, text, created_at FROM messages WHERE id IN (SELECT value FROM json_each(?))`, idList(messageIDs))
	if err != nil {
		return wrap(err)
	}
	defer rows.Close()
	for rows.Next() {
		var dialog int64
		var text string
		var at sql.NullInt64
		if err := rows.Scan(&dialog, &text, &at); err != nil {
			return wrap(err)
		}
		c := byID[dialog]
		c.Found, c.FoundAt = text, fromUnix(at)
		byID[dialog] = c
	}
	return wrap(rows.Err())
}

// chatsByClient is the viewer's chats whose client's name contains what
// was typed (in any case) or whose phone contains its digits, up to limit.
func (s *Store) chatsByClient(ctx context.Context, v Viewer, f ChatFilter, typed string, limit int) ([]int64, error) {
	q, args := clientSearchQuery(s.d, v, f, typed, limit)
	return s.queryIDs(ctx, q, args...)
}

// clientSearchQuery is chatsByClient's query; the plan test reads it too.
func clientSearchQuery(d dialect, v Viewer, f ChatFilter, typed string, limit int) (string, []any) {
	where, args := chatWhere(v, f)
	from, cond, args := d.clientMatch(strings.ToLower(typed), PhoneDigits(typed), args)
	args = append(args, limit)
	// Clients are read first (CROSS JOIN keeps that order): the few chats
	// of the clients that match are then checked for access and sorted.
	// Reading the chats first checked access on every chat in the account.
	return `SELECT d.id FROM ` + from + ` CROSS JOIN dialogs d ON d.client_id = c.id
		WHERE (` + cond + `) AND ` + strings.Join(where, " AND ") + `
		ORDER BY d.last_message_at DESC, d.id DESC LIMIT ?` + itoa(len(args)), args
}

// likeClientMatch finds clients by reading them all: a name matched
// anywhere in it is what no ordinary index serves.
func likeClientMatch(name, digits string, args []any) (from, cond string, out []any) {
	args = append(args, "%"+escapeLike(name)+"%")
	cond = `c.search_name LIKE ?` + itoa(len(args)) + ` ESCAPE '\'`
	if digits != "" {
		args = append(args, "%"+digits+"%")
		cond += ` OR c.phone_digits LIKE ?` + itoa(len(args))
	}
	return "clients c", cond, args
}

// appendWordMatches reads the messages with the words, newest first, and
// appends their chats that are not listed yet and that the viewer may see
// (with the filters), until there are need chats or no more matches.
func (s *Store) appendWordMatches(ctx context.Context, v Viewer, f ChatFilter, words string, order []int64, need int) ([]int64, map[int64]int64, error) {
	w := &wordMatcher{s: s, ctx: ctx, v: v, f: f, need: need, order: order,
		foundIn: map[int64]int64{}, listed: make(map[int64]bool, len(order))}
	for _, id := range order {
		w.listed[id] = true
	}
	before, all, err := w.newest(words)
	if err != nil {
		return nil, nil, err
	}
	if !all {
		if err := w.pages(words, before); err != nil {
			return nil, nil, err
		}
	}
	if err := w.flush(); err != nil {
		return nil, nil, err
	}
	return w.order, w.foundIn, nil
}

// wordMatcher gathers the chats of a word search's matching messages, in
// the order found, checking the viewer may see them a batch at a time.
type wordMatcher struct {
	s       *Store
	ctx     context.Context
	v       Viewer
	f       ChatFilter
	need    int
	order   []int64         // the chats found, in order
	foundIn map[int64]int64 // chat → the message that matched
	listed  map[int64]bool  // chats in order or in batch
	batch   []wordMatch     // new chats in the order found, not checked yet
}

type wordMatch struct{ dialog, msg int64 }

func (w *wordMatcher) full() bool { return len(w.order) >= w.need }

// flush keeps the batch's chats the viewer may see (with the filters).
func (w *wordMatcher) flush() error {
	if len(w.batch) == 0 {
		return nil
	}
	ids := make([]int64, len(w.batch))
	for i, m := range w.batch {
		ids[i] = m.dialog
	}
	visible, err := w.s.visibleChats(w.ctx, w.v, w.f, ids)
	if err != nil {
		return err
	}
	for _, m := range w.batch {
		if visible[m.dialog] && !w.full() {
			w.order = append(w.order, m.dialog)
			w.foundIn[m.dialog] = m.msg
		}
	}
	w.batch = w.batch[:0]
	return nil
}

// take adds a match's chat, if new, to the batch.
func (w *wordMatcher) take(m wordMatch) error {
	if w.listed[m.dialog] {
		return nil
	}
	w.listed[m.dialog] = true
	if w.batch = append(w.batch, m); len(w.batch) == searchBatch {
		return w.flush()
	}
	return nil
}

func (w *wordMatcher) consume(ms [][2]int64) error {
	for _, m := range ms {
		if w.full() {
			break
		}
		if err := w.take(wordMatch{msg: m[0], dialog: m[1]}); err != nil {
			return err
		}
	}
	return w.flush()
}

// newest reads, where the engine needs it (PostgreSQL), the newest
// messages' matches, then, if more are needed, all older ones when they
// are few. before is where pages go on from; all: nothing is left.
func (w *wordMatcher) newest(words string) (before int64, all bool, err error) {
	before = int64(1 << 62)
	s := w.s
	recent, lowest, ok, err := s.d.recentWordMatches(w.ctx, s.db, words, recentMessages)
	if err != nil || !ok {
		return before, false, wrap(err)
	}
	if err := w.consume(recent); err != nil {
		return before, false, err
	}
	before = lowest
	// A word this common among the newest messages (1 in 100 or more) is
	// found fastest in pages; reading all its older matches by the index
	// to learn that they are many cost 40 ms at 2,000,000.
	if w.full() || len(recent)*100 >= recentMessages {
		return before, false, nil
	}
	few, all, err := s.d.fewWordMatches(w.ctx, s.db, words, before, fewMatches)
	if err != nil {
		return before, false, wrap(err)
	}
	return before, all, w.consume(few)
}

// pages reads matches before a message, newest first, a page at a time:
// the engines find the newest few hundred of a common word's thousands
// without reading the rest.
func (w *wordMatcher) pages(words string, before int64) error {
	for !w.full() {
		rows, err := w.s.db.QueryContext(w.ctx, w.s.d.wordMatchesSQL(), words, before, matchPage)
		if err != nil {
			return wrap(err)
		}
		got := 0
		for !w.full() && rows.Next() {
			var m wordMatch
			if err := rows.Scan(&m.msg, &m.dialog); err != nil {
				rows.Close()
				return wrap(err)
			}
			got, before = got+1, m.msg
			if err := w.take(m); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return wrap(err)
		}
		if got < matchPage {
			return nil
		}
	}
	return nil
}

// visibleChats returns which of the dialogs the viewer may see, with the
// Mine and Open filters.
func (s *Store) visibleChats(ctx context.Context, v Viewer, f ChatFilter, ids []int64) (map[int64]bool, error) {
	if v.byPolicy && !f.Mine && !f.OpenOnly && !f.Waiting && f.TagID == 0 {
		// The guard's search functions found only the person's chats, and
		// no filter narrows them.
		all := make(map[int64]bool, len(ids))
		for _, id := range ids {
			all[id] = true
		}
		return all, nil
	}
	q, args := visibleQuery(v, f, ids)
	return s.queryIDSet(ctx, q, args...)
}

// visibleQuery is visibleChats' query; the plan test reads it too.
func visibleQuery(v Viewer, f ChatFilter, ids []int64) (string, []any) {
	where, args := chatWhere(v, f)
	args = append(args, idList(ids))
	return `SELECT d.id FROM dialogs d WHERE d.id IN (SELECT value FROM json_each(?` + itoa(len(args)) + `)) AND ` +
		strings.Join(where, " AND "), args
}
