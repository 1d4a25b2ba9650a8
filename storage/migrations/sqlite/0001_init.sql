-- C2Desk local data. Times are Unix seconds (UTC); NULL means "not set".
-- The Chat2Desk token is never stored here.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE staff (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	role       TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
	pin_hash   TEXT,
	active     INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
);

-- Mirror of Chat2Desk channels; removed_at is set when a channel is gone upstream.
CREATE TABLE channels (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL,
	phone         TEXT    NOT NULL DEFAULT '',
	first_seen_at INTEGER NOT NULL,
	loaded_at     INTEGER NOT NULL,
	removed_at    INTEGER
);

CREATE TABLE channel_transports (
	channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	transport  TEXT    NOT NULL,
	position   INTEGER NOT NULL,
	PRIMARY KEY (channel_id, transport)
);

-- Who sees chats that start on a channel. rule_set_at is NULL until an admin
-- chose, so new channels can be highlighted.
CREATE TABLE channel_rules (
	channel_id  INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
	visibility  TEXT    NOT NULL DEFAULT 'admins' CHECK (visibility IN ('everyone', 'admins', 'listed')),
	rule_set_at INTEGER
);

CREATE TABLE channel_rule_staff (
	channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	staff_id   INTEGER NOT NULL REFERENCES staff (id),
	PRIMARY KEY (channel_id, staff_id)
);

-- Mirror of Chat2Desk operators.
CREATE TABLE operators (
	id            INTEGER PRIMARY KEY,
	email         TEXT    NOT NULL DEFAULT '',
	phone         TEXT    NOT NULL DEFAULT '',
	first_name    TEXT    NOT NULL DEFAULT '',
	last_name     TEXT    NOT NULL DEFAULT '',
	role          TEXT    NOT NULL DEFAULT '',
	online        INTEGER NOT NULL DEFAULT 0,
	last_visit    INTEGER,
	first_seen_at INTEGER NOT NULL,
	loaded_at     INTEGER NOT NULL,
	removed_at    INTEGER
);

-- At most one owner per operator and one operator per staff member.
CREATE TABLE operator_owner (
	operator_id INTEGER PRIMARY KEY REFERENCES operators (id) ON DELETE CASCADE,
	staff_id    INTEGER NOT NULL UNIQUE REFERENCES staff (id)
);

-- The account used by staff without an operator of their own: one row at most.
CREATE TABLE default_operator (
	singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
	operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE CASCADE
);

CREATE TABLE clients (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL DEFAULT '',
	phone      TEXT    NOT NULL DEFAULT '',
	comment    TEXT    NOT NULL DEFAULT '',
	updated_at INTEGER NOT NULL
);

CREATE TABLE dialogs (
	id                INTEGER PRIMARY KEY,
	client_id         INTEGER NOT NULL,
	channel_id        INTEGER,
	transport         TEXT    NOT NULL DEFAULT '',
	state             TEXT    NOT NULL DEFAULT 'open',
	operator_id       INTEGER,
	assignee_staff_id INTEGER REFERENCES staff (id),
	begin_at          INTEGER,
	end_at            INTEGER,
	last_message_id   INTEGER,
	last_message_at   INTEGER,
	unread            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dialogs_by_channel ON dialogs (channel_id, last_message_at);
CREATE INDEX dialogs_by_assignee ON dialogs (assignee_staff_id, last_message_at);
CREATE INDEX dialogs_by_client ON dialogs (client_id);

-- author_staff_id records which staff member wrote an outgoing message;
-- operator_id is the Chat2Desk operator it went out under.
CREATE TABLE messages (
	id              INTEGER PRIMARY KEY,
	dialog_id       INTEGER NOT NULL,
	client_id       INTEGER NOT NULL,
	channel_id      INTEGER,
	transport       TEXT    NOT NULL DEFAULT '',
	type            TEXT    NOT NULL,
	text            TEXT    NOT NULL DEFAULT '',
	attachments     TEXT    NOT NULL DEFAULT '[]',
	read            INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	operator_id     INTEGER,
	author_staff_id INTEGER REFERENCES staff (id)
);
CREATE INDEX messages_by_dialog ON messages (dialog_id, id);

-- A message typed is written here before any network call and leaves only
-- when Chat2Desk confirmed it (message_id set) or the user discarded it.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	client_id       INTEGER NOT NULL,
	dialog_id       INTEGER,
	channel_id      INTEGER,
	transport       TEXT    NOT NULL DEFAULT '',
	type            TEXT    NOT NULL DEFAULT 'to_client',
	text            TEXT    NOT NULL,
	author_staff_id INTEGER NOT NULL REFERENCES staff (id),
	operator_id     INTEGER,
	state           TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'unclear', 'failed', 'sent')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT '',
	message_id      INTEGER,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);

CREATE TABLE sync_cursors (
	name       TEXT PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
);
