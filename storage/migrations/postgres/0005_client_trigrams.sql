-- A client's name or phone is matched anywhere in it (LIKE '%ива%'),
-- which no ordinary index serves: at 100,000 clients reading them all took
-- most of a search's time. pg_trgm's trigram indexes serve such a LIKE.
-- pg_trgm ships with Debian's server and most managed ones, and a
-- database's owner may create it (it is a trusted extension). Where it
-- cannot be had, the search works as before, reading every client.
DO $$
BEGIN
	BEGIN
		CREATE EXTENSION IF NOT EXISTS pg_trgm;
	EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
		RAISE NOTICE 'pg_trgm is not available here: clients are searched without an index (%)', SQLERRM;
	END;
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
		CREATE INDEX clients_search_name_trigrams ON clients USING gin (search_name gin_trgm_ops);
		CREATE INDEX clients_phone_digits_trigrams ON clients USING gin (phone_digits gin_trgm_ops);
	END IF;
END $$;
