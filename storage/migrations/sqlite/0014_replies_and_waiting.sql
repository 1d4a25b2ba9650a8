-- Replies: the message a message quotes (Chat2Desk's reply_message_id),
-- on stored messages and on those still in the outbox.
ALTER TABLE messages ADD COLUMN reply_to_id INTEGER;
ALTER TABLE outbox ADD COLUMN reply_to_id INTEGER;

-- Waiting for an answer: when the oldest client message that nobody has
-- answered since was written (NULL: none waits), kept with the dialog's
-- other summaries; no_reply_through is the newest message id a person
-- said needs no reply, so those before it wait no more.
ALTER TABLE dialogs ADD COLUMN no_reply_through INTEGER;
ALTER TABLE dialogs ADD COLUMN waiting_since INTEGER;
UPDATE dialogs SET waiting_since = (SELECT min(m.created_at) FROM messages m
	WHERE m.dialog_id = dialogs.id AND m.type = 'from_client'
		AND m.id > COALESCE((SELECT max(a.id) FROM messages a WHERE a.dialog_id = dialogs.id AND a.type = 'to_client'), 0));
CREATE INDEX dialogs_waiting ON dialogs (waiting_since) WHERE waiting_since IS NOT NULL;
