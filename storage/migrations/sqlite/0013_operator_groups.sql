-- Mirror of Chat2Desk's operator groups, which a chat can be transferred
-- to; removed_at is set when a group is gone upstream. operator_ids is the
-- group's operators as a JSON array, as Chat2Desk lists them.
CREATE TABLE operator_groups (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL DEFAULT '',
	operator_ids  TEXT    NOT NULL DEFAULT '[]',
	first_seen_at INTEGER NOT NULL,
	loaded_at     INTEGER NOT NULL,
	removed_at    INTEGER
);

-- A chat can be queued for transfer to a group (kind transfer_group,
-- target: the group). SQLite changes a CHECK only by building the table
-- anew.
CREATE TABLE office_actions_new (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT    NOT NULL CHECK (kind IN ('close', 'reopen', 'transfer', 'mark_read', 'transfer_group')),
	dialog_id  INTEGER NOT NULL,
	target     INTEGER NOT NULL DEFAULT 0,
	staff_id   INTEGER,
	created_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT    NOT NULL DEFAULT '',
	refused_at INTEGER
);
INSERT INTO office_actions_new (id, kind, dialog_id, target, staff_id, created_at, attempts, last_error, refused_at)
	SELECT id, kind, dialog_id, target, staff_id, created_at, attempts, last_error, refused_at FROM office_actions;
DROP TABLE office_actions;
ALTER TABLE office_actions_new RENAME TO office_actions;
