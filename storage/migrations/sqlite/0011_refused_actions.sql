-- A chat action Chat2Desk refused stays, marked, until the person who made
-- it has been told (storage.TakeRefusedActions).
ALTER TABLE office_actions ADD COLUMN refused_at INTEGER;
