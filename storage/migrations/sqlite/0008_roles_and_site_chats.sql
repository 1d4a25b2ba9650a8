-- Operators since Chat2Desk's 2026 role model: role holds the legacy role
-- name C2Desk derives from the status and access right; role_name is how
-- the account itself names the right, in its own language.
ALTER TABLE operators ADD COLUMN role_name TEXT NOT NULL DEFAULT '';
-- Site-chat clients have "[chat] <hash>" for a phone: a hash, not a number
-- to show or to search by its digits. The number such a client gave
-- (client_phone) was not kept before; their chats show their name.
UPDATE clients SET phone = '', phone_digits = '' WHERE phone LIKE '[chat]%';
