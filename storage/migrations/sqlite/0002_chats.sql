-- Chats: drafts per chat and person, and the indexes the chat window needs.

CREATE TABLE drafts (
	dialog_id  INTEGER NOT NULL,
	staff_id   INTEGER NOT NULL REFERENCES staff (id),
	text       TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (dialog_id, staff_id)
);

CREATE INDEX dialogs_by_last_message ON dialogs (last_message_at DESC);
CREATE INDEX messages_by_client ON messages (client_id, id);
CREATE INDEX outbox_by_state ON outbox (state, id);
