-- The supervisor's report reads a period's messages with who wrote them:
-- this index holds all it reads, so a month of the big agency is one
-- range of the index, not 200,000 lookups of the table.
CREATE INDEX messages_for_reports ON messages (created_at, dialog_id, id, type, channel_id, author_staff_id, operator_id);
