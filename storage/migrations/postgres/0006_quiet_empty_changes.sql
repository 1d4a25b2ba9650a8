-- A statement trigger fires also when its statement changed no row, and
-- C2Desk runs such statements all the time: the poller's claims every few
-- seconds, a window taking its refused actions when there are none. Each
-- told every PC to read its screens again, and a window whose reading
-- runs such a statement (taking its refused actions on the notice of
-- office_actions) told itself again, without end. The triggers now look at
-- the rows their statement changed (transition tables, which allow one
-- event per trigger) and stay quiet when there are none.
CREATE FUNCTION c2desk_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM changed_rows) THEN
		PERFORM pg_notify('c2desk_changes', TG_TABLE_NAME);
	END IF;
	RETURN NULL;
END $$;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['settings', 'staff', 'channels', 'channel_rules', 'channel_rule_staff', 'operators',
		'operator_owner', 'default_operator', 'clients', 'dialogs', 'messages', 'outbox', 'drafts', 'office_actions']
	LOOP
		EXECUTE format('DROP TRIGGER %I ON %I', t || '_changed', t);
		EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed()', t || '_inserted', t);
		EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed()', t || '_updated', t);
		EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed()', t || '_deleted', t);
	END LOOP;
END $$;

DROP FUNCTION c2desk_changed();
