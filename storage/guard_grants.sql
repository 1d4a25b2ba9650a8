-- The rights of the office's roles, granted by the owner (storage.SecureOffice)
-- after every upgrade: {pc} is the office PCs' role, {poller} the poller's.
-- Rows are limited by the policies of migrations/postgres/0011_guard.sql;
-- these say which tables, columns and commands each role may use at all.
-- Everything is revoked first, so that a right taken away here is gone.

REVOKE ALL ON DATABASE {database} FROM PUBLIC;
GRANT CONNECT ON DATABASE {database} TO {pc}, {poller};
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {pc}, {poller};
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM {pc}, {poller};

-- Which schema the office is at: a PC's C2Desk refuses one it does not
-- know until an administrator upgrades it.
GRANT SELECT ON c2desk_schema TO {pc}, {poller};

-- The policies' helpers run as the one who reads; c2d_fold is the shared
-- queries' lower().
GRANT EXECUTE ON FUNCTION c2d_fold(TEXT), c2desk_hash(TEXT), c2desk_now(), c2desk_poller(), c2desk_me(), c2desk_admin(),
	c2desk_channels(), c2desk_sees_dialog(BIGINT), c2desk_hides_client(BIGINT), c2desk_operator_for(BIGINT), c2desk_has_pin(BIGINT),
	c2desk_may_queue(BIGINT, BIGINT, BIGINT, BIGINT, BIGINT) TO {pc}, {poller};
-- A PC signs a person in and out, joins, and (for an administrator)
-- invites, lists and removes computers; PINs are set here too.
GRANT EXECUTE ON FUNCTION c2desk_sign_in(TEXT, BIGINT, TEXT), c2desk_sign_in_list(TEXT), c2desk_sign_out(),
	c2desk_set_pin(BIGINT, TEXT), c2desk_retry(BIGINT), c2desk_word_search(TEXT, BIGINT, INTEGER, INTEGER, BOOLEAN),
	c2desk_recent_lowest(INTEGER), c2desk_client_matches(TEXT, TEXT), c2desk_invite(TEXT), c2desk_join(TEXT, TEXT), c2desk_computers(),
	c2desk_signed_in(), c2desk_remove_computer(BIGINT) TO {pc};

-- A person (the policies say whose rows). Staff without their PIN hashes
-- or wrong tries.
GRANT SELECT ON settings, channels, channel_transports, channel_rules, channel_rule_staff, operators, operator_owner,
	default_operator, operator_groups, tags, custom_fields, poller_lease, clients, dialogs, messages, outbox, outbox_files,
	drafts, office_actions, client_tags, dialog_events, rating_requests TO {pc};
GRANT SELECT (id, name, role, active, created_at) ON staff TO {pc};
GRANT INSERT (name, role, active, created_at), UPDATE (name, role, active) ON staff TO {pc};
GRANT INSERT, UPDATE, DELETE ON settings, channel_rules, channel_rule_staff, operator_owner, default_operator TO {pc};
GRANT DELETE ON channels TO {pc};
GRANT UPDATE (assignee_staff_id, state, operator_id, unread, no_reply_through, waiting_since) ON dialogs TO {pc};
GRANT UPDATE (read) ON messages TO {pc};
GRANT UPDATE (comment, custom_fields) ON clients TO {pc};
GRANT INSERT, DELETE ON client_tags TO {pc};
GRANT INSERT (client_id, dialog_id, channel_id, transport, type, text, author_staff_id, operator_id, created_at, updated_at,
	reply_to_id), DELETE ON outbox TO {pc};
GRANT INSERT (outbox_id, name, mime, size, sha256, data), DELETE ON outbox_files TO {pc};
GRANT SELECT, INSERT, UPDATE, DELETE ON drafts TO {pc};
GRANT INSERT (kind, dialog_id, target, staff_id, created_at, payload), DELETE ON office_actions TO {pc};
-- The report's kept figures: the poller keeps them, administrators read
-- them (the policies say so).
GRANT SELECT ON report_days, report_dirty, report_basis TO {pc};

-- The poller: the account's mirror, chats and messages with their
-- authors, the outbox and its claims, cursors, the lease, chat actions;
-- it reads the setup it sends by, and writes none of it.
GRANT SELECT, INSERT, UPDATE, DELETE ON settings, channels, channel_transports, operators, operator_groups, tags,
	custom_fields, client_tags, clients, dialogs, messages, outbox, outbox_files, sync_cursors, poller_lease,
	office_actions, dialog_events, rating_requests, report_days, report_dirty, report_basis TO {poller};
GRANT SELECT ON channel_rules, channel_rule_staff, operator_owner, default_operator TO {poller};
GRANT SELECT (id, name, role, active, created_at) ON staff TO {poller};
