-- Which process is delivering an outbox item, until when: claims were kept
-- in memory, which two processes sharing an office database cannot see.
-- The file has one process at a time; it keeps the same claims so both
-- engines run the same code.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claim_until INTEGER;
