-- Office mode (PostgreSQL) brought two kinds of claim into the schema,
-- and the file has them too, so both engines run the same code.
-- Which process is delivering an outbox item, until when: claims were kept
-- in memory, which two processes sharing an office database cannot see.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claim_until INTEGER;

-- Which process polls Chat2Desk (see the office database's poller_lease):
-- a file has one process at a time, which always holds it.
CREATE TABLE poller_lease (
	singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
	holder      TEXT    NOT NULL,
	computer    TEXT    NOT NULL DEFAULT '',
	acquired_at INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	polled_at   INTEGER
);
