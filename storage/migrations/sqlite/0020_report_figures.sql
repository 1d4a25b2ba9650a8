-- The supervisor's report keeps its figures as messages are stored: a
-- month of a big office is millions of messages, but only some hundred
-- thousand chat-days. report_days holds each chat's figures per channel
-- and office day (app encodes them; report_basis says with which working
-- hours); a chat whose messages change is marked in report_dirty, its
-- version growing with each mark, and worked out again before the next
-- report.
CREATE TABLE report_days (
	dialog_id  INTEGER NOT NULL,
	channel_id INTEGER NOT NULL,
	day        INTEGER NOT NULL,
	figures    BLOB    NOT NULL,
	PRIMARY KEY (day, channel_id, dialog_id)
) WITHOUT ROWID;
CREATE INDEX report_days_dialog ON report_days (dialog_id);
CREATE TABLE report_dirty (
	dialog_id INTEGER PRIMARY KEY,
	version   INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE report_basis (basis TEXT NOT NULL);

CREATE TRIGGER messages_report_added AFTER INSERT ON messages BEGIN
	INSERT INTO report_dirty (dialog_id) VALUES (NEW.dialog_id)
		ON CONFLICT (dialog_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER messages_report_removed AFTER DELETE ON messages BEGIN
	INSERT INTO report_dirty (dialog_id) VALUES (OLD.dialog_id)
		ON CONFLICT (dialog_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER messages_report_changed AFTER UPDATE OF dialog_id, channel_id, type, created_at, author_staff_id, operator_id, request_id ON messages
	WHEN OLD.dialog_id IS NOT NEW.dialog_id OR OLD.channel_id IS NOT NEW.channel_id OR OLD.type IS NOT NEW.type
		OR OLD.created_at IS NOT NEW.created_at OR OLD.author_staff_id IS NOT NEW.author_staff_id
		OR OLD.operator_id IS NOT NEW.operator_id OR OLD.request_id IS NOT NEW.request_id
BEGIN
	INSERT INTO report_dirty (dialog_id) VALUES (OLD.dialog_id), (NEW.dialog_id)
		ON CONFLICT (dialog_id) DO UPDATE SET version = version + 1;
END;
