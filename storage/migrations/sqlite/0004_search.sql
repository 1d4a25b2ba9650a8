-- Full-text search over message text (SQLite FTS5; the build needs the
-- sqlite_fts5 tag). unicode61 folds case in every script, so "ИПОТ" finds
-- "ипотеку"; its diacritics removal is for Latin, so "ё" is indexed as
-- "е" here and in the query, as Russian readers treat them. The index is
-- contentless, keeping only the words and each message's dialog, so the
-- text is not stored twice; prefix indexes make "ипо*" cheap.
CREATE VIRTUAL TABLE message_words USING fts5 (
	text, dialog_id UNINDEXED,
	content = '', contentless_delete = 1, contentless_unindexed = 1,
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
INSERT INTO message_words (rowid, text, dialog_id) SELECT id, replace(replace(text, 'ё', 'е'), 'Ё', 'Е'), dialog_id FROM messages;

CREATE TRIGGER message_words_insert AFTER INSERT ON messages BEGIN
	INSERT INTO message_words (rowid, text, dialog_id) VALUES (new.id, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е'), new.dialog_id);
END;
CREATE TRIGGER message_words_delete AFTER DELETE ON messages BEGIN
	DELETE FROM message_words WHERE rowid = old.id;
END;
-- An edited message (or one whose dialog was corrected) is indexed anew;
-- the history's re-reads of unchanged messages cost nothing here.
CREATE TRIGGER message_words_update AFTER UPDATE OF text, dialog_id ON messages
	WHEN old.text IS NOT new.text OR old.dialog_id IS NOT new.dialog_id BEGIN
	DELETE FROM message_words WHERE rowid = old.id;
	INSERT INTO message_words (rowid, text, dialog_id) VALUES (new.id, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е'), new.dialog_id);
END;
