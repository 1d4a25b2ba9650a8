-- A client's name or phone is matched anywhere in it (search_name LIKE
-- '%ива%'), which no ordinary index serves: at 100,000 clients reading
-- them all took most of a search's 20 ms. A trigram index answers any
-- substring of three characters or more; shorter ones still read the
-- table. It indexes the clients table's own columns (external content),
-- kept current by these triggers.
CREATE VIRTUAL TABLE client_trigrams USING fts5 (
	search_name, phone_digits,
	content = 'clients', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO client_trigrams (client_trigrams) VALUES ('rebuild');

CREATE TRIGGER client_trigrams_insert AFTER INSERT ON clients BEGIN
	INSERT INTO client_trigrams (rowid, search_name, phone_digits) VALUES (new.id, new.search_name, new.phone_digits);
END;
CREATE TRIGGER client_trigrams_delete AFTER DELETE ON clients BEGIN
	INSERT INTO client_trigrams (client_trigrams, rowid, search_name, phone_digits) VALUES ('delete', old.id, old.search_name, old.phone_digits);
END;
CREATE TRIGGER client_trigrams_update AFTER UPDATE OF search_name, phone_digits ON clients
	WHEN old.search_name IS NOT new.search_name OR old.phone_digits IS NOT new.phone_digits BEGIN
	INSERT INTO client_trigrams (client_trigrams, rowid, search_name, phone_digits) VALUES ('delete', old.id, old.search_name, old.phone_digits);
	INSERT INTO client_trigrams (rowid, search_name, phone_digits) VALUES (new.id, new.search_name, new.phone_digits);
END;
