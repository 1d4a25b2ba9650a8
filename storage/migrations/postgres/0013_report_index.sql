-- The supervisor's report (see migrations/sqlite/0018).
CREATE INDEX messages_for_reports ON messages (created_at, dialog_id, id, type, channel_id, author_staff_id, operator_id);
