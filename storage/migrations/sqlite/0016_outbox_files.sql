-- A file on its way out, one per outbox item: its bytes are kept with the
-- item, in the database, so that the upload survives a crash or a dropped
-- network, and in an office the PC that sends (the poller) has the file
-- another PC picked. object_key and url are set once it is uploaded, so
-- that a retry sends the same link instead of uploading it again; the
-- row goes once Chat2Desk confirmed the message.
CREATE TABLE outbox_files (
	outbox_id   INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	mime        TEXT    NOT NULL DEFAULT '',
	size        INTEGER NOT NULL,
	sha256      TEXT    NOT NULL,
	data        BLOB    NOT NULL,
	object_key  TEXT    NOT NULL DEFAULT '',
	url         TEXT    NOT NULL DEFAULT '',
	uploaded_at INTEGER
);
