-- Searching names and phones read every client through a Go function per
-- row (a rare word took 17 ms over 10,000 chats); the folded name and the
-- phone's digits are now kept beside them, written with the client.
ALTER TABLE clients ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN phone_digits TEXT NOT NULL DEFAULT '';
UPDATE clients SET search_name = c2d_fold(name),
	phone_digits = replace(replace(replace(replace(replace(replace(phone, '+', ''), ' ', ''), '-', ''), '(', ''), ')', ''), '.', '');
