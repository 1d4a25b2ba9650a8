-- Live across PCs: every change to what a screen shows tells the office's
-- C2Desk processes which table changed (LISTEN c2desk_changes), once per
-- statement; PostgreSQL sends one notice per table and transaction. The
-- poller's lease and the sync cursors change every few seconds and show
-- nowhere, so they stay quiet.
CREATE FUNCTION c2desk_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('c2desk_changes', TG_TABLE_NAME);
	RETURN NULL;
END $$;

CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER staff_changed AFTER INSERT OR UPDATE OR DELETE ON staff FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER channels_changed AFTER INSERT OR UPDATE OR DELETE ON channels FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER channel_rules_changed AFTER INSERT OR UPDATE OR DELETE ON channel_rules FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER channel_rule_staff_changed AFTER INSERT OR UPDATE OR DELETE ON channel_rule_staff FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER operators_changed AFTER INSERT OR UPDATE OR DELETE ON operators FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER operator_owner_changed AFTER INSERT OR UPDATE OR DELETE ON operator_owner FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER default_operator_changed AFTER INSERT OR UPDATE OR DELETE ON default_operator FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE OR DELETE ON clients FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER dialogs_changed AFTER INSERT OR UPDATE OR DELETE ON dialogs FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER messages_changed AFTER INSERT OR UPDATE OR DELETE ON messages FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER outbox_changed AFTER INSERT OR UPDATE OR DELETE ON outbox FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
CREATE TRIGGER drafts_changed AFTER INSERT OR UPDATE OR DELETE ON drafts FOR EACH STATEMENT EXECUTE FUNCTION c2desk_changed();
