-- A chat action Chat2Desk refused stays, marked, until the person who made
-- it has been told (see migrations/sqlite/0011).
ALTER TABLE office_actions ADD COLUMN refused_at BIGINT;
