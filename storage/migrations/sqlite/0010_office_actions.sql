-- Chat actions that must reach Chat2Desk (close, reopen, transfer, mark
-- read) from a PC of an office that has no token: they are applied here at
-- once and wait in this queue for the office's poller, as messages wait in
-- the outbox. A file with the token never queues any; both engines have
-- the table so that they run the same code.
CREATE TABLE office_actions (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	kind       TEXT    NOT NULL CHECK (kind IN ('close', 'reopen', 'transfer', 'mark_read')),
	dialog_id  INTEGER NOT NULL,
	target     INTEGER NOT NULL DEFAULT 0,
	staff_id   INTEGER,
	created_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT    NOT NULL DEFAULT ''
);
