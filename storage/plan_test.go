package storage

import (
	"strings"
	"testing"
)

// bigTables grow with the account's history: a query that reads them
// whole is a bug, whatever its speed on a small database.
var bigTables = []string{"messages", "dialogs", "clients", "outbox", "drafts"}

// TestHotQueriesUseIndexes fails when a hot query's plan scans a big table
// without an index. Small tables (staff, channels, rules) may be scanned.
func TestHotQueriesUseIndexes(t *testing.T) {
	sqliteOnly(t)
	s, admin, agent, _ := chatFixture(t)
	hot := map[string]struct {
		q    string
		args []any
	}{
		"cursor":           {`SELECT value FROM sync_cursors WHERE name = ?`, []any{"messages.start_id"}},
		"dialog messages":  {`SELECT id FROM messages WHERE (dialog_id, id) < (?1, ?2) AND (dialog_id, id) > (?1, 0) ORDER BY dialog_id DESC, id DESC LIMIT ?3`, []any{1, 1 << 62, 50}},
		"may view":         {`SELECT 1 FROM dialogs d WHERE ` + accessClause + ` AND d.id = ?3`, []any{false, agent, 1}},
		"unread chats":     {`SELECT count(*) FROM dialogs d WHERE d.unread > 0 AND ` + accessClause, []any{false, agent}},
		"pending outbox":   {`SELECT id FROM outbox WHERE state IN ('queued', 'sending', 'unclear', 'failed') ORDER BY id`, nil},
		"outbox of a chat": {`SELECT id FROM outbox WHERE dialog_id = ? AND state != 'sent' ORDER BY id`, []any{1}},
		"draft":            {`SELECT text FROM drafts WHERE dialog_id = ? AND staff_id = ?`, []any{1, agent}},
		"client":           {`SELECT name, phone FROM clients WHERE id = ?`, []any{501}},
		"dialog summaries": {dialogSummarySQL, []any{"[1, 2]"}},
	}
	for name, f := range map[string]ChatFilter{
		"chat list": {Limit: 100}, "chat list, mine": {Mine: true, Limit: 100}, "chat list, open": {OpenOnly: true, Limit: 100},
		"chat list, chosen chats": {IDs: []int64{1, 2}, Limit: 100},
		"chat list, waiting":      {Waiting: true, Limit: 100},
	} {
		for who, v := range map[string]Viewer{"agent": {StaffID: agent}, "admin": {StaffID: admin}} {
			q, args := chatsQuery(v, f)
			hot[name+" ("+who+")"] = struct {
				q    string
				args []any
			}{q, args}
		}
	}
	for who, v := range map[string]Viewer{"agent": {StaffID: agent}, "admin": {StaffID: admin}} {
		q, args := clientSearchQuery(s.d, v, ChatFilter{}, "кварт 905", 100)
		hot["search by name or phone ("+who+")"] = struct {
			q    string
			args []any
		}{q, args}
		q, args = clientSearchQuery(s.d, v, ChatFilter{}, "ан", 100)
		hot["search by a short name ("+who+")"] = struct {
			q    string
			args []any
		}{q, args}
		q, args = visibleQuery(v, ChatFilter{OpenOnly: true}, []int64{1, 2})
		hot["search: which found chats are visible ("+who+")"] = struct {
			q    string
			args []any
		}{q, args}
	}
	hot["search: found messages' texts"] = struct {
		q    string
		args []any
	}{`SELECT dialog_id, text, created_at FROM messages WHERE id IN (SELECT value FROM json_each(?))`, []any{"[10, 20]"}}
	for name, h := range hot {
		rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+h.q, h.args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			for _, table := range bigTables {
				// Fewer than three letters are no trigram: such a name search
				// reads the clients, the narrowest big table.
				if strings.HasPrefix(name, "search by a short name") && table == "clients" {
					continue
				}
				if fullScan(step, table) {
					t.Errorf("%s reads %s whole: %q", name, table, plan)
				}
			}
		}
	}
}

// fullScan reports whether a plan step reads a table row by row without an
// index ("SCAN messages", or "SCAN d" for the alias the queries give dialogs).
func fullScan(step, table string) bool {
	if !strings.HasPrefix(step, "SCAN ") || strings.Contains(step, "USING") {
		return false
	}
	name := strings.Fields(strings.TrimPrefix(step, "SCAN "))[0]
	aliases := map[string]string{"d": "dialogs", "c": "clients", "m": "messages"}
	return name == table || aliases[name] == table
}
