-- Mirror of Chat2Desk's operator groups, which a chat can be transferred
-- to; removed_at is set when a group is gone upstream. operator_ids is the
-- group's operators as a JSON array, as Chat2Desk lists them. Every PC
-- hears of a change (0006).
CREATE TABLE operator_groups (
	id            BIGINT PRIMARY KEY,
	name          TEXT   NOT NULL DEFAULT '',
	operator_ids  TEXT   NOT NULL DEFAULT '[]',
	first_seen_at BIGINT NOT NULL,
	loaded_at     BIGINT NOT NULL,
	removed_at    BIGINT
);

CREATE TRIGGER operator_groups_inserted AFTER INSERT ON operator_groups REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER operator_groups_updated AFTER UPDATE ON operator_groups REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();
CREATE TRIGGER operator_groups_deleted AFTER DELETE ON operator_groups REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION c2desk_rows_changed();

-- A chat can be queued for transfer to a group (kind transfer_group,
-- target: the group).
ALTER TABLE office_actions DROP CONSTRAINT office_actions_kind_check;
ALTER TABLE office_actions ADD CONSTRAINT office_actions_kind_check
	CHECK (kind IN ('close', 'reopen', 'transfer', 'mark_read', 'transfer_group'));
