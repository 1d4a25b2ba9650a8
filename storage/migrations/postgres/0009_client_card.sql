-- The client card: the account's tags and client fields, as Chat2Desk
-- listed them last (a tag gone upstream is dropped, and with it its place
-- on clients); which clients carry which tags; and each client's field
-- values (a JSON object, by field id) and when the card was last read
-- from Chat2Desk. Every PC hears of a change (0006).
CREATE TABLE tags (
	id          BIGINT PRIMARY KEY,
	label       TEXT   NOT NULL DEFAULT '',
	group_name  TEXT   NOT NULL DEFAULT '',
	description TEXT   NOT NULL DEFAULT ''
);
CREATE TABLE client_tags (
	client_id BIGINT NOT NULL,
	tag_id    BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
	PRIMARY KEY (client_id, tag_id)
);
CREATE INDEX client_tags_by_tag ON client_tags (tag_id, client_id);
CREATE TABLE custom_fields (
	id       BIGINT  PRIMARY KEY,
	name     TEXT    NOT NULL DEFAULT '',
	type     TEXT    NOT NULL DEFAULT '',
	editable INTEGER NOT NULL DEFAULT 0,
	position INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE clients ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN card_loaded_at BIGINT;

CREATE TRIGGER tags_inserted AFTER INSERT ON tags REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER tags_updated AFTER UPDATE ON tags REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER tags_deleted AFTER DELETE ON tags REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER client_tags_inserted AFTER INSERT ON client_tags REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER client_tags_updated AFTER UPDATE ON client_tags REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER client_tags_deleted AFTER DELETE ON client_tags REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER custom_fields_inserted AFTER INSERT ON custom_fields REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER custom_fields_updated AFTER UPDATE ON custom_fields REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER custom_fields_deleted AFTER DELETE ON custom_fields REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();

-- A PC without the token queues the card's changes for the office's
-- poller: client_update (payload: the change as JSON), tag_add and
-- tag_remove (target: the tag), client_refresh (read the card again).
-- The client is the chat's.
ALTER TABLE office_actions ADD COLUMN payload TEXT NOT NULL DEFAULT '';
ALTER TABLE office_actions DROP CONSTRAINT office_actions_kind_check;
ALTER TABLE office_actions ADD CONSTRAINT office_actions_kind_check
	CHECK (kind IN ('close', 'reopen', 'transfer', 'mark_read', 'transfer_group', 'client_update', 'tag_add', 'tag_remove', 'client_refresh'));
