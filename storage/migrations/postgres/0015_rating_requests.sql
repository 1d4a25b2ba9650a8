-- Rating surveys are no chats (see migrations/sqlite/0019). Which
-- requests were surveys is no secret: every signed-in person may read
-- it; only the poller writes it.
ALTER TABLE messages ADD COLUMN request_id BIGINT;
CREATE TABLE rating_requests (request_id BIGINT PRIMARY KEY);
ALTER TABLE rating_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY rating_requests_poller ON rating_requests USING ((SELECT c2desk_poller())) WITH CHECK ((SELECT c2desk_poller()));
CREATE POLICY rating_requests_read ON rating_requests FOR SELECT USING (true);
DROP INDEX messages_for_reports;
CREATE INDEX messages_for_reports ON messages (created_at, dialog_id, id, type, channel_id, author_staff_id, operator_id, request_id);
