-- Indexes for the chat window's other hot queries, found by the plan test:
-- the "Open" filter, the unread count, and a chat's outbox.

CREATE INDEX dialogs_by_state_last_message ON dialogs (state, last_message_at DESC);
CREATE INDEX dialogs_unread ON dialogs (unread) WHERE unread > 0;
CREATE INDEX outbox_by_dialog ON outbox (dialog_id, id);
