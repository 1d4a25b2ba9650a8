# Developer shortcuts. The README's two commands (scripts/demo.sh and
# scripts/test.sh) are what set a machine up; these assume it is.

.PHONY: test bench fuzz

# go-sqlite3 compiles SQLite's full-text search only with this tag.
export GOFLAGS := -tags=sqlite_fts5

test:
	sh scripts/test.sh

# Speed at agency scale: a big generated agency (10,000 chats, 200,000
# messages) is loaded by the app's own first sync, once per package, then
# measured; the table at the end compares each number with its goal and
# fails the target when one is missed. About five minutes.
bench:
	go test -run '^$$' -bench . -benchtime 20x ./storage/ ./app/ ./ui/ | awk -f scripts/benchtable.awk

# The API decoders and the date parser against random input, a minute each
# (CI runs them for a few seconds in scripts/test.sh). A failing input is
# saved under c2dapi/testdata/fuzz/ and from then on runs with go test:
# commit it with the fix.
FUZZTIME ?= 60s
fuzz:
	for target in FuzzParseTime FuzzDecodeResponse; do \
		go test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./c2dapi/ || exit 1; \
	done
