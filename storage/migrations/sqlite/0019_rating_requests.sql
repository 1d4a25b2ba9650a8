-- Rating surveys are no chats: a request Chat2Desk opened to ask a client
-- for a rating is remembered (from its new_request webhook), and the
-- reports leave its messages out. A message keeps the request it belongs
-- to; the reports' index holds it too.
ALTER TABLE messages ADD COLUMN request_id INTEGER;
CREATE TABLE rating_requests (request_id INTEGER PRIMARY KEY);
DROP INDEX messages_for_reports;
CREATE INDEX messages_for_reports ON messages (created_at, dialog_id, id, type, channel_id, author_staff_id, operator_id, request_id);
