-- The report's figures, kept as messages are stored (see
-- migrations/sqlite/0020). Figures tell how fast each person answers in
-- every chat: only the poller keeps them, so that nobody forges them;
-- administrators read them (their reports work out for themselves the
-- chats marked out of date). The marks are made by triggers, whoever
-- stores a message.
CREATE TABLE report_days (
	dialog_id  BIGINT NOT NULL,
	channel_id BIGINT NOT NULL,
	day        BIGINT NOT NULL,
	figures    BYTEA  NOT NULL,
	PRIMARY KEY (day, channel_id, dialog_id)
);
CREATE INDEX report_days_dialog ON report_days (dialog_id);
CREATE TABLE report_dirty (
	dialog_id BIGINT PRIMARY KEY,
	version   BIGINT NOT NULL DEFAULT 1
);
CREATE TABLE report_basis (basis TEXT NOT NULL);

DO $$
DECLARE t TEXT;
BEGIN
	FOREACH t IN ARRAY ARRAY['report_days', 'report_dirty', 'report_basis'] LOOP
		EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
		EXECUTE format('CREATE POLICY %I ON %I USING ((SELECT c2desk_poller())) WITH CHECK ((SELECT c2desk_poller()))', t || '_poller', t);
		EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING ((SELECT c2desk_admin()))', t || '_read', t);
	END LOOP;
END $$;

-- Marks the chats of the rows a statement changed. It runs as the owner:
-- an agent's reply marks its chat without any right to the table.
CREATE FUNCTION c2desk_mark_report() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
	IF TG_LEVEL = 'STATEMENT' THEN
		INSERT INTO report_dirty (dialog_id) SELECT DISTINCT dialog_id FROM changed_rows
			ON CONFLICT (dialog_id) DO UPDATE SET version = report_dirty.version + 1;
	ELSE
		INSERT INTO report_dirty (dialog_id) SELECT DISTINCT d FROM unnest(ARRAY[OLD.dialog_id, NEW.dialog_id]) d
			ON CONFLICT (dialog_id) DO UPDATE SET version = report_dirty.version + 1;
	END IF;
	RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION c2desk_mark_report() FROM PUBLIC;

CREATE TRIGGER messages_report_added AFTER INSERT ON messages REFERENCING NEW TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION c2desk_mark_report();
CREATE TRIGGER messages_report_removed AFTER DELETE ON messages REFERENCING OLD TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION c2desk_mark_report();
CREATE TRIGGER messages_report_changed AFTER UPDATE OF dialog_id, channel_id, type, created_at, author_staff_id, operator_id, request_id ON messages
	FOR EACH ROW WHEN (OLD.dialog_id IS DISTINCT FROM NEW.dialog_id OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
		OR OLD.type IS DISTINCT FROM NEW.type OR OLD.created_at IS DISTINCT FROM NEW.created_at
		OR OLD.author_staff_id IS DISTINCT FROM NEW.author_staff_id OR OLD.operator_id IS DISTINCT FROM NEW.operator_id
		OR OLD.request_id IS DISTINCT FROM NEW.request_id)
	EXECUTE FUNCTION c2desk_mark_report();
