-- Wrong PINs since the last right one, and when the last was: sign-in waits
-- longer after each one past the third, across restarts.
ALTER TABLE staff ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN pin_failed_at INTEGER;
