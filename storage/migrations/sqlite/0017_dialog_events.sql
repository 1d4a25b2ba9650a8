-- What happened to a chat outside C2Desk — in Chat2Desk's own app or
-- another integration: a transfer or a close (a reopen
-- follows a client's message and needs no line). Found by comparing
-- Chat2Desk's dialog with the stored one (after a webhook, on opening the
-- chat, or at the slow scan of open dialogs), and shown as a line in the
-- conversation.
CREATE TABLE dialog_events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	dialog_id   INTEGER NOT NULL,
	kind        TEXT    NOT NULL CHECK (kind IN ('transferred', 'closed')),
	operator_id INTEGER,
	at          INTEGER NOT NULL
);
CREATE INDEX dialog_events_dialog ON dialog_events (dialog_id, at);
