package storage

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"c2desk/internal/pgtest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/bcrypt"
)

// The hostile-PC suite: what someone holding an office PC's credential can
// do with psql (here pgx, as psql would: plain SQL over the server's
// password authentication), nobody signed in, then signed in as an agent,
// as an administrator, and with the poller's credential. Each attack of
// issue 23 has its line. Run in every pass, against a real server.

// guardOffice is an office database secured by its owner, with its roles'
// credentials and a joined computer's secret.
type guardOffice struct {
	address  string
	owner    *Store
	pc       Credential
	poller   Credential
	computer string // the joined computer's secret
}

// The office: Ольга (admin), Анна and Борис (agents), Вера (an agent for
// the wrong-PIN test) and Глеб (an agent without a PIN). Channel 101 is
// open to everyone, 102 lists Борис, 103 is the administrators'; chat
// 9004 of channel 103 is assigned to Анна. Анна owns operator 7, Ольга 9,
// and 8 is the default account.
const (
	olga, anna, boris, vera, gleb = 1, 2, 3, 4, 5
)

func newGuardOffice(t *testing.T) *guardOffice {
	t.Helper()
	address := pgtest.Database(t)
	owner, err := OpenOffice(ctx, address)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() })
	made, err := owner.SecureOffice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if made[RolePC].Password == "" || made[RolePoller].Password == "" {
		t.Fatalf("roles made: %v", made)
	}
	// Run again, it makes nothing and grants the same.
	if again, err := owner.SecureOffice(ctx); err != nil || len(again) != 0 {
		t.Fatalf("secured again: %v, %v", again, err)
	}
	pin := func(p string) string {
		h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	seed := []string{
		`INSERT INTO staff (id, name, role, pin_hash, active, created_at) VALUES
			(1, 'Ольга', 'admin', '` + pin("1111") + `', 1, 0), (2, 'Анна', 'agent', '` + pin("2222") + `', 1, 0),
			(3, 'Борис', 'agent', '` + pin("3333") + `', 1, 0), (4, 'Вера', 'agent', '` + pin("4444") + `', 1, 0),
			(5, 'Глеб', 'agent', NULL, 1, 0)`,
		`SELECT setval(pg_get_serial_sequence('staff', 'id'), 5)`,
		`INSERT INTO channels (id, name, first_seen_at, loaded_at) VALUES (101, 'Новостройки', 0, 0), (102, 'Вторичка', 0, 0), (103, 'Аренда', 0, 0)`,
		`INSERT INTO channel_rules (channel_id, visibility) VALUES (101, 'everyone'), (102, 'listed'), (103, 'admins')`,
		`INSERT INTO channel_rule_staff (channel_id, staff_id) VALUES (102, 3)`,
		`INSERT INTO operators (id, first_name, first_seen_at, loaded_at) VALUES (7, 'Анна', 0, 0), (8, 'Офис', 0, 0), (9, 'Ольга', 0, 0)`,
		`INSERT INTO operator_owner (operator_id, staff_id) VALUES (7, 2), (9, 1)`,
		`INSERT INTO default_operator (singleton, operator_id) VALUES (1, 8)`,
		`INSERT INTO clients (id, name, phone, search_name, phone_digits, updated_at) VALUES
			(5001, 'Иван', '+79990000001', 'иван', '79990000001', 0), (5002, 'Пётр', '+79990000002', 'пётр', '79990000002', 0),
			(5003, 'Мария', '+79990000003', 'мария', '79990000003', 0), (5004, 'Нина', '+79990000004', 'нина', '79990000004', 0)`,
		`INSERT INTO dialogs (id, client_id, channel_id, assignee_staff_id) VALUES (9001, 5001, 101, NULL), (9002, 5002, 102, NULL),
			(9003, 5003, 103, NULL), (9004, 5004, 103, 2)`,
		`INSERT INTO messages (id, dialog_id, client_id, channel_id, type, text, created_at, operator_id, author_staff_id) VALUES
			(1, 9001, 5001, 101, 'from_client', 'Новостройка?', 0, NULL, NULL), (2, 9002, 5002, 102, 'from_client', 'Вторичка?', 0, NULL, NULL),
			(3, 9003, 5003, 103, 'from_client', 'Аренда?', 0, NULL, NULL), (4, 9004, 5004, 103, 'from_client', 'Моя аренда?', 0, NULL, NULL),
			(5, 9003, 5003, 103, 'to_client', 'Ответ Ольги', 1, 9, 1)`,
		`INSERT INTO outbox (client_id, dialog_id, channel_id, text, author_staff_id, operator_id, created_at, updated_at) VALUES
			(5003, 9003, 103, 'Ещё не ушло', 1, 9, 0, 0)`,
		`INSERT INTO drafts (dialog_id, staff_id, text, updated_at) VALUES (9003, 1, 'черновик Ольги', 0)`,
		`INSERT INTO sync_cursors (name, value, updated_at) VALUES ('messages.start_id', '5', 0)`,
		`INSERT INTO poller_lease (singleton, holder, acquired_at, expires_at) VALUES (1, 'server/1', 0, 0)`,
	}
	for _, q := range seed {
		if _, err := owner.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	invitation, err := owner.InviteComputer(ctx, "Ресепшн")
	if err != nil {
		t.Fatal(err)
	}
	o := &guardOffice{address: address, owner: owner, pc: made[RolePC], poller: made[RolePoller]}
	pc := o.connect(t, o.pc)
	if err := pc.QueryRow(ctx, `SELECT c2desk_join($1, 'Ресепшн')`, invitation).Scan(&o.computer); err != nil {
		t.Fatal(err)
	}
	// The invitation is for one computer, once.
	var again string
	if err := pc.QueryRow(ctx, `SELECT c2desk_join($1, 'Второй')`, invitation).Scan(&again); err == nil {
		t.Fatal("an invitation joined a second computer")
	}
	return o
}

// connect connects as a role with its password, over the server's
// password authentication (scram-sha-256, pgtest's pg_hba.conf).
func (o *guardOffice) connect(t *testing.T, c Credential) *pgx.Conn {
	t.Helper()
	u, err := url.Parse(o.address)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(c.Role, c.Password)
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// signIn signs a person in on a new connection of the joined computer.
func (o *guardOffice) signIn(t *testing.T, person int64, pin string) *pgx.Conn {
	t.Helper()
	conn := o.connect(t, o.pc)
	var outcome, session string
	var wait int64
	if err := conn.QueryRow(ctx, `SELECT outcome, COALESCE(session, ''), wait_seconds FROM c2desk_sign_in($1, $2, $3)`,
		o.computer, person, pin).Scan(&outcome, &session, &wait); err != nil {
		t.Fatal(err)
	}
	if outcome != "ok" || len(session) != 64 {
		t.Fatalf("sign in %d: %s %q", person, outcome, session)
	}
	if _, err := conn.Exec(ctx, `SELECT set_config('c2desk.session', $1, false)`, session); err != nil {
		t.Fatal(err)
	}
	return conn
}

// refused runs a statement that must be refused: an error of
// insufficient privilege (a right or a policy), or no row touched.
func refused(t *testing.T, conn *pgx.Conn, what, q string, args ...any) {
	t.Helper()
	tag, err := conn.Exec(ctx, q, args...)
	var pe *pgconn.PgError
	switch {
	case err == nil && tag.RowsAffected() == 0:
	case errors.As(err, &pe) && pe.Code == "42501":
	default:
		t.Errorf("%s: not refused (%v, %d rows)", what, err, tag.RowsAffected())
	}
}

// allowed runs a statement that must change rows.
func allowed(t *testing.T, conn *pgx.Conn, what, q string, args ...any) {
	t.Helper()
	tag, err := conn.Exec(ctx, q, args...)
	if err != nil || tag.RowsAffected() == 0 {
		t.Errorf("%s: %v, %d rows", what, err, tag.RowsAffected())
	}
}

// ids reads one column of ids, as a comma-separated list; an error is
// written in its place.
func ids(t *testing.T, conn *pgx.Conn, q string) string {
	t.Helper()
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return "error: " + err.Error()
	}
	var out []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "error: " + err.Error()
		}
		out = append(out, itoa(int(id)))
	}
	if err := rows.Err(); err != nil {
		return "error: " + err.Error()
	}
	return strings.Join(out, ",")
}

func TestJoinedPCWithNobodySignedInReadsAndWritesNothing(t *testing.T) {
	o := newGuardOffice(t)
	pc := o.connect(t, o.pc)
	for _, q := range []string{
		`SELECT id FROM messages`, `SELECT id FROM clients`, `SELECT id FROM dialogs`, `SELECT id FROM outbox`,
		`SELECT dialog_id FROM drafts`, `SELECT outbox_id FROM outbox_files`, `SELECT id FROM channels`,
		`SELECT operator_id FROM operator_owner`, `SELECT channel_id FROM channel_rules`, `SELECT 1 FROM settings`,
		`SELECT id FROM staff`,
	} {
		if got := ids(t, pc, q); got != "" {
			t.Errorf("%s: %s", q, got)
		}
	}
	for _, q := range []string{`SELECT pin_hash FROM staff`, `SELECT pin_failures FROM staff`, `SELECT token_hash FROM sessions`,
		`SELECT secret_hash FROM computers`, `SELECT name FROM sync_cursors`} {
		if got := ids(t, pc, q); !strings.Contains(got, "permission denied") {
			t.Errorf("%s: %s", q, got)
		}
	}
	refused(t, pc, "make oneself admin", `UPDATE staff SET role = 'admin' WHERE id = 2`)
	refused(t, pc, "overwrite a PIN hash", `UPDATE staff SET pin_hash = 'x' WHERE id = 1`)
	refused(t, pc, "add an administrator", `INSERT INTO staff (name, role, active, created_at) VALUES ('Мошенник', 'admin', 1, 0)`)
	refused(t, pc, "open a channel", `UPDATE channel_rules SET visibility = 'everyone'`)
	refused(t, pc, "list oneself on a channel", `INSERT INTO channel_rule_staff (channel_id, staff_id) VALUES (103, 2)`)
	refused(t, pc, "take an operator", `UPDATE operator_owner SET staff_id = 2`)
	refused(t, pc, "write a message", `INSERT INTO messages (id, dialog_id, client_id, type, created_at) VALUES (99, 9001, 5001, 'to_client', 0)`)
	refused(t, pc, "rewrite an author", `UPDATE messages SET author_staff_id = 2`)
	refused(t, pc, "delete history", `DELETE FROM messages`)
	refused(t, pc, "disable the triggers", `ALTER TABLE messages DISABLE TRIGGER USER`)
	refused(t, pc, "take the lease", `UPDATE poller_lease SET holder = 'me', expires_at = 9999999999`)
	refused(t, pc, "move the cursor", `UPDATE sync_cursors SET value = '0'`)
	refused(t, pc, "queue a message", `INSERT INTO outbox (client_id, dialog_id, text, author_staff_id, operator_id, created_at, updated_at)
		VALUES (5001, 9001, 'Привет', 2, 7, 0, 0)`)
	refused(t, pc, "point a file elsewhere", `UPDATE outbox_files SET url = 'https://evil.example/x'`)
	refused(t, pc, "invite a computer", `SELECT c2desk_invite('чужой')`)
	refused(t, pc, "set a PIN", `SELECT c2desk_set_pin(1, '0000')`)
	// A made-up session reads nothing either.
	if _, err := pc.Exec(ctx, `SELECT set_config('c2desk.session', repeat('0', 64), false)`); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, pc, `SELECT id FROM dialogs`); got != "" {
		t.Errorf("a made-up session reads chats %s", got)
	}
}

func TestSignInIsCheckedByTheServer(t *testing.T) {
	o := newGuardOffice(t)
	pc := o.connect(t, o.pc)
	try := func(computer string, person int64, pin string) (string, int64) {
		t.Helper()
		var outcome string
		var wait int64
		if err := pc.QueryRow(ctx, `SELECT outcome, wait_seconds FROM c2desk_sign_in($1, $2, $3)`, computer, person, pin).Scan(&outcome, &wait); err != nil {
			t.Fatal(err)
		}
		return outcome, wait
	}
	if got, _ := try("0123", vera, "4444"); got != "unknown_computer" {
		t.Errorf("a computer that never joined: %s", got)
	}
	if got, _ := try(o.computer, gleb, ""); got != "no_pin" {
		t.Errorf("a person without a PIN: %s", got)
	}
	if got, _ := try(o.computer, vera, "0000"); got != "wrong_pin" {
		t.Errorf("first wrong PIN: %s", got)
	}
	try(o.computer, vera, "0001")
	if got, wait := try(o.computer, vera, "0002"); got != "paused" || wait != 30 {
		t.Errorf("third wrong PIN: %s %d", got, wait)
	}
	// Paused by the server's clock: the right PIN is not even compared.
	if got, wait := try(o.computer, vera, "4444"); got != "paused" || wait < 29 || wait > 30 {
		t.Errorf("the right PIN during the pause: %s %d", got, wait)
	}
	// The count is the server's: the PC cannot clear it.
	refused(t, pc, "clear the wrong tries", `UPDATE staff SET pin_failures = 0`)
	// An administrator's new PIN ends the pause.
	admin := o.signIn(t, olga, "1111")
	if _, err := admin.Exec(ctx, `SELECT c2desk_set_pin(4, '5555')`); err != nil {
		t.Fatal(err)
	}
	if got, _ := try(o.computer, vera, "5555"); got != "ok" {
		t.Errorf("after a new PIN: %s", got)
	}
	// Who signs in is listed for a joined computer only, without hashes.
	var n int
	if err := pc.QueryRow(ctx, `SELECT count(*) FROM c2desk_sign_in_list($1)`, "0123").Scan(&n); err != nil || n != 0 {
		t.Errorf("the list for a computer that never joined: %d %v", n, err)
	}
	var last string
	if err := pc.QueryRow(ctx, `SELECT name FROM c2desk_sign_in_list($1) WHERE last`, o.computer).Scan(&last); err != nil || last != "Вера" {
		t.Errorf("who signed in last: %q %v", last, err)
	}
}

func TestAgentSeesOnlyTheirChatsAndWritesOnlyAsThemselves(t *testing.T) {
	o := newGuardOffice(t)
	a := o.signIn(t, anna, "2222")
	for q, want := range map[string]string{
		`SELECT id FROM dialogs ORDER BY id`:          "9001,9004",
		`SELECT id FROM messages ORDER BY id`:         "1,4",
		`SELECT id FROM clients ORDER BY id`:          "5001,5004",
		`SELECT id FROM outbox ORDER BY id`:           "",
		`SELECT dialog_id FROM drafts`:                "",
		`SELECT id FROM staff ORDER BY id`:            "1,2,3,4,5",
		`SELECT channel_id FROM channel_rules`:        "101,102,103",
		`SELECT count(*) FROM messages WHERE id=5`:    "0",
		`SELECT c2desk_operator_for(c2desk_me())`:     "7",
		`SELECT id FROM computers`:                    "error: ERROR: permission denied for table computers (SQLSTATE 42501)",
		`SELECT count(*) FROM c2desk_computers()`:     "0",
		`SELECT staff_id FROM sessions`:               "error: ERROR: permission denied for table sessions (SQLSTATE 42501)",
		`SELECT id FROM dialogs WHERE client_id=5003`: "",
	} {
		if got := ids(t, a, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	queue := `INSERT INTO outbox (client_id, dialog_id, text, author_staff_id, operator_id, reply_to_id, created_at, updated_at)
		VALUES ($1, $2, 'Здравствуйте', $3, $4, $5, 0, 0)`
	refused(t, a, "an answer under another author", queue, 5001, 9001, olga, 9, nil)
	refused(t, a, "an answer under another operator", queue, 5001, 9001, anna, 9, nil)
	refused(t, a, "an answer without an operator", queue, 5001, 9001, anna, nil, nil)
	refused(t, a, "an answer in a hidden chat", queue, 5003, 9003, anna, 7, nil)
	refused(t, a, "an answer to another chat's client", queue, 5003, 9001, anna, 7, nil)
	refused(t, a, "a quote of a hidden message", queue, 5001, 9001, anna, 7, 3)
	refused(t, a, "writing first to a client with a hidden chat", queue, 5003, nil, anna, 7, nil)
	refused(t, a, "an item already sent", `INSERT INTO outbox (client_id, dialog_id, text, author_staff_id, operator_id, state, created_at, updated_at)
		VALUES (5001, 9001, 'x', 2, 7, 'sent', 0, 0)`)
	allowed(t, a, "her own answer", queue, 5001, 9001, anna, 7, 1)
	allowed(t, a, "her own answer in her assigned chat", queue, 5004, 9004, anna, 7, nil)
	refused(t, a, "a file's link", `UPDATE outbox_files SET url = 'https://evil.example/x'`)
	refused(t, a, "a draft under another name", `INSERT INTO drafts (dialog_id, staff_id, text, updated_at) VALUES (9001, 1, 'x', 0)`)
	allowed(t, a, "her draft", `INSERT INTO drafts (dialog_id, staff_id, text, updated_at) VALUES (9001, 2, 'x', 0)`)
	refused(t, a, "another's draft", `DELETE FROM drafts WHERE staff_id = 1`)
	refused(t, a, "assign a hidden chat", `UPDATE dialogs SET assignee_staff_id = 2 WHERE id = 9003`)
	allowed(t, a, "assign a chat she sees", `UPDATE dialogs SET assignee_staff_id = 3 WHERE id = 9001`)
	refused(t, a, "move a chat to another channel", `UPDATE dialogs SET channel_id = 101 WHERE id = 9004`)
	refused(t, a, "close a hidden chat", `INSERT INTO office_actions (kind, dialog_id, staff_id, created_at) VALUES ('close', 9003, 2, 0)`)
	refused(t, a, "an action in another's name", `INSERT INTO office_actions (kind, dialog_id, staff_id, created_at) VALUES ('close', 9004, 1, 0)`)
	allowed(t, a, "close her chat", `INSERT INTO office_actions (kind, dialog_id, staff_id, created_at) VALUES ('close', 9004, 2, 0)`)
	refused(t, a, "make herself admin", `UPDATE staff SET role = 'admin' WHERE id = 2`)
	refused(t, a, "list herself on a channel", `INSERT INTO channel_rule_staff (channel_id, staff_id) VALUES (103, 2)`)
	refused(t, a, "change the default account", `UPDATE default_operator SET operator_id = 7`)
	refused(t, a, "set the file storage", `INSERT INTO settings (key, value) VALUES ('files.endpoint', 'evil.example')`)
	refused(t, a, "rewrite an author", `UPDATE messages SET author_staff_id = 2 WHERE id = 1`)
	refused(t, a, "set another's PIN", `SELECT c2desk_set_pin(1, '0000')`)
	refused(t, a, "invite a computer", `SELECT c2desk_invite('ещё один')`)
	refused(t, a, "disable the triggers", `ALTER TABLE outbox DISABLE TRIGGER USER`)
	// Deactivated on another PC, she reads nothing more at once.
	admin := o.signIn(t, olga, "1111")
	allowed(t, admin, "deactivate Анна", `UPDATE staff SET active = 0 WHERE id = 2`)
	if got := ids(t, a, `SELECT id FROM dialogs`); got != "" {
		t.Errorf("deactivated, she still reads chats %s", got)
	}
}

func TestAdministratorSetsUpTheOfficeAndNothingMore(t *testing.T) {
	o := newGuardOffice(t)
	admin := o.signIn(t, olga, "1111")
	if got := ids(t, admin, `SELECT id FROM dialogs ORDER BY id`); got != "9001,9002,9003,9004" {
		t.Errorf("an administrator reads chats %s", got)
	}
	allowed(t, admin, "open a channel", `UPDATE channel_rules SET visibility = 'everyone' WHERE channel_id = 103`)
	allowed(t, admin, "list someone", `INSERT INTO channel_rule_staff (channel_id, staff_id) VALUES (102, 2)`)
	allowed(t, admin, "add staff", `INSERT INTO staff (name, role, active, created_at) VALUES ('Денис', 'agent', 1, 0)`)
	allowed(t, admin, "map an operator", `UPDATE operator_owner SET staff_id = 3 WHERE operator_id = 7`)
	allowed(t, admin, "set the file storage", `INSERT INTO settings (key, value) VALUES ('files.endpoint', 'storage.example')`)
	for _, q := range []string{`SELECT pin_hash FROM staff`, `SELECT name FROM sync_cursors`} {
		if got := ids(t, admin, q); !strings.Contains(got, "permission denied") {
			t.Errorf("%s: %s", q, got)
		}
	}
	refused(t, admin, "write a message", `INSERT INTO messages (id, dialog_id, client_id, type, created_at) VALUES (99, 9001, 5001, 'to_client', 0)`)
	refused(t, admin, "rewrite an author", `UPDATE messages SET author_staff_id = 2 WHERE id = 5`)
	refused(t, admin, "take the lease", `UPDATE poller_lease SET holder = 'me'`)
	refused(t, admin, "an answer under another's name", `INSERT INTO outbox (client_id, dialog_id, text, author_staff_id, operator_id, created_at, updated_at)
		VALUES (5001, 9001, 'x', 2, 7, 0, 0)`)
	refused(t, admin, "disable the triggers", `ALTER TABLE messages DISABLE TRIGGER USER`)
	// Computers: invite one, list them, remove the one she sits at.
	var invitation string
	if err := admin.QueryRow(ctx, `SELECT c2desk_invite('Бухгалтерия')`).Scan(&invitation); err != nil || len(invitation) != 64 {
		t.Fatalf("invite: %q %v", invitation, err)
	}
	if got := ids(t, admin, `SELECT id FROM c2desk_computers()`); got != "1,2" {
		t.Errorf("computers: %s", got)
	}
	agent := o.signIn(t, anna, "2222")
	if _, err := admin.Exec(ctx, `SELECT c2desk_remove_computer(1)`); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, agent, `SELECT id FROM dialogs`); got != "" {
		t.Errorf("a removed computer's session still reads chats %s", got)
	}
	var outcome string
	if err := o.connect(t, o.pc).QueryRow(ctx, `SELECT outcome FROM c2desk_sign_in($1, 2, '2222')`, o.computer).Scan(&outcome); err != nil || outcome != "unknown_computer" {
		t.Errorf("a removed computer signs in: %s %v", outcome, err)
	}
}

func TestPollerWritesWhatPollingNeedsAndNoSetup(t *testing.T) {
	o := newGuardOffice(t)
	p := o.connect(t, o.poller)
	if got := ids(t, p, `SELECT id FROM dialogs ORDER BY id`); got != "9001,9002,9003,9004" {
		t.Errorf("the poller reads chats %s", got)
	}
	allowed(t, p, "store a message with its author", `INSERT INTO messages (id, dialog_id, client_id, type, created_at, author_staff_id, operator_id)
		VALUES (6, 9001, 5001, 'to_client', 2, 2, 7)`)
	allowed(t, p, "take the lease", `UPDATE poller_lease SET holder = 'pc/2'`)
	allowed(t, p, "move the cursor", `UPDATE sync_cursors SET value = '6'`)
	allowed(t, p, "claim an item", `UPDATE outbox SET claimed_by = 'pc/2', state = 'sending'`)
	allowed(t, p, "keep the account's details", `INSERT INTO settings (key, value) VALUES ('conn.company', 'Агентство')`)
	refused(t, p, "set the file storage", `INSERT INTO settings (key, value) VALUES ('files.endpoint', 'evil.example')`)
	refused(t, p, "make someone admin", `UPDATE staff SET role = 'admin' WHERE id = 2`)
	refused(t, p, "open a channel", `UPDATE channel_rules SET visibility = 'everyone'`)
	refused(t, p, "map an operator", `UPDATE operator_owner SET staff_id = 3`)
	refused(t, p, "disable the triggers", `ALTER TABLE messages DISABLE TRIGGER USER`)
	refused(t, p, "sign in", `SELECT c2desk_sign_in('x', 1, '1111')`)
	if got := ids(t, p, `SELECT pin_hash FROM staff`); !strings.Contains(got, "permission denied") {
		t.Errorf("the poller reads PIN hashes: %s", got)
	}
}

// A role's password renewed by the owner: the old one is refused at once
// (a stolen PC credential, or the shared password of an office upgraded
// in place), the new one connects.
func TestRenewedRolePasswordReplacesTheOld(t *testing.T) {
	o := newGuardOffice(t)
	renewed, err := o.owner.RenewRole(ctx, RolePC)
	if err != nil || renewed.Role != o.pc.Role || renewed.Password == o.pc.Password {
		t.Fatalf("renewed: %+v %v", renewed, err)
	}
	u, _ := url.Parse(o.address)
	u.User = url.UserPassword(o.pc.Role, o.pc.Password)
	if conn, err := pgx.Connect(ctx, u.String()); err == nil {
		conn.Close(ctx)
		t.Fatal("the old password still connects")
	}
	o.connect(t, renewed)
}

// What Chat2Desk's own app did to a chat is the poller's to record and
// shown only to whoever may see the chat.
func TestDialogEventsFollowTheChat(t *testing.T) {
	o := newGuardOffice(t)
	p := o.connect(t, o.poller)
	insert := `INSERT INTO dialog_events (dialog_id, kind, operator_id, at) VALUES ($1, 'transferred', 7, 0)`
	allowed(t, p, "record a transfer", insert, 9001)
	allowed(t, p, "record a transfer in a chat Anna may not see", insert, 9003)
	a := o.signIn(t, anna, "2222")
	if got := ids(t, a, `SELECT dialog_id FROM dialog_events ORDER BY dialog_id`); got != "9001" {
		t.Errorf("Anna reads the events of chats %s", got)
	}
	refused(t, a, "forge an event", insert, 9001)
	refused(t, a, "erase an event", `DELETE FROM dialog_events`)
	admin := o.signIn(t, olga, "1111")
	if got := ids(t, admin, `SELECT dialog_id FROM dialog_events ORDER BY dialog_id`); got != "9001,9003" {
		t.Errorf("the administrator reads the events of chats %s", got)
	}
}

// The report's kept figures say how fast each person answers in every
// chat: the poller keeps them and administrators read them; nobody else
// forges them (an agent does not even read them), yet any stored message
// marks its chat.
func TestReportFiguresAreTheAdministratorsAndThePollers(t *testing.T) {
	o := newGuardOffice(t)
	p := o.connect(t, o.poller)
	keep := `INSERT INTO report_days (dialog_id, channel_id, day, figures) VALUES ($1, 101, 0, '\x00')`
	allowed(t, p, "keep a chat's figures", keep, 9001)
	allowed(t, p, "store a message", `INSERT INTO messages (id, dialog_id, client_id, type, created_at) VALUES (7, 9003, 5003, 'from_client', 3)`)
	if got := ids(t, p, `SELECT dialog_id FROM report_dirty ORDER BY dialog_id`); !strings.Contains(got, "9003") {
		t.Errorf("a stored message did not mark its chat: %s", got)
	}
	a := o.signIn(t, anna, "2222")
	for _, q := range []string{`SELECT dialog_id FROM report_days`, `SELECT dialog_id FROM report_dirty`} {
		if got := ids(t, a, q); got != "" {
			t.Errorf("Anna reads %q: %s", q, got)
		}
	}
	refused(t, a, "forge figures", keep, 9004)
	refused(t, a, "erase figures", `DELETE FROM report_days`)
	refused(t, a, "clear the marks", `DELETE FROM report_dirty`)
	refused(t, a, "set the basis", `INSERT INTO report_basis (basis) VALUES ('x')`)
	admin := o.signIn(t, olga, "1111")
	if got := ids(t, admin, `SELECT dialog_id FROM report_days`); got != "9001" {
		t.Errorf("the administrator reads figures of chats %s", got)
	}
	if got := ids(t, admin, `SELECT dialog_id FROM report_dirty ORDER BY dialog_id`); !strings.Contains(got, "9003") {
		t.Errorf("the administrator reads the marks %s", got)
	}
	refused(t, admin, "forge figures", keep, 9003)
	refused(t, admin, "rewrite figures", `UPDATE report_days SET figures = '\x01'`)
	refused(t, admin, "clear the marks", `DELETE FROM report_dirty`)
	refused(t, admin, "set the basis", `INSERT INTO report_basis (basis) VALUES ('x')`)
}
