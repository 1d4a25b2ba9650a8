# Developer shortcuts. The README's two commands (scripts/demo.sh and
# scripts/test.sh) are what set a machine up; these assume it is.

.PHONY: test bench

# go-sqlite3 compiles SQLite's full-text search only with this tag.
export GOFLAGS := -tags=sqlite_fts5

test:
	sh scripts/test.sh

# Speed at agency scale: the big generated agency (10,000 chats, 200,000
# messages) is built once by the app's own first sync, then measured.
bench:
	go test -run '^$$' -bench . -benchtime 20x ./app/
