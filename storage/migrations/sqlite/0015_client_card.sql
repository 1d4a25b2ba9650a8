-- The client card: the account's tags and client fields, as Chat2Desk
-- listed them last (a tag gone upstream is dropped, and with it its place
-- on clients); which clients carry which tags; and each client's field
-- values (a JSON object, by field id) and when the card was last read
-- from Chat2Desk.
CREATE TABLE tags (
	id          INTEGER PRIMARY KEY,
	label       TEXT    NOT NULL DEFAULT '',
	group_name  TEXT    NOT NULL DEFAULT '',
	description TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE client_tags (
	client_id INTEGER NOT NULL,
	tag_id    INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (client_id, tag_id)
);
CREATE INDEX client_tags_by_tag ON client_tags (tag_id, client_id);
CREATE TABLE custom_fields (
	id       INTEGER PRIMARY KEY,
	name     TEXT    NOT NULL DEFAULT '',
	type     TEXT    NOT NULL DEFAULT '',
	editable INTEGER NOT NULL DEFAULT 0,
	position INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE clients ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN card_loaded_at INTEGER;

-- A PC without the token queues the card's changes for the office's
-- poller: client_update (payload: the change as JSON), tag_add and
-- tag_remove (target: the tag), client_refresh (read the card again).
-- The client is the chat's. SQLite changes a CHECK only by building the
-- table anew.
CREATE TABLE office_actions_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT    NOT NULL CHECK (kind IN ('close', 'reopen', 'transfer', 'mark_read', 'transfer_group',
		'client_update', 'tag_add', 'tag_remove', 'client_refresh')),
	dialog_id  INTEGER NOT NULL,
	target     INTEGER NOT NULL DEFAULT 0,
	staff_id   INTEGER,
	created_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT    NOT NULL DEFAULT '',
	refused_at INTEGER,
	payload    TEXT    NOT NULL DEFAULT ''
);
INSERT INTO office_actions_new (id, kind, dialog_id, target, staff_id, created_at, attempts, last_error, refused_at)
	SELECT id, kind, dialog_id, target, staff_id, created_at, attempts, last_error, refused_at FROM office_actions;
DROP TABLE office_actions;
ALTER TABLE office_actions_new RENAME TO office_actions;
