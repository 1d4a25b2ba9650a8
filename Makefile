# Developer and packager shortcuts. The README's two commands
# (scripts/demo.sh and scripts/test.sh) set a machine up; these assume it
# is. PACKAGING.md explains the packages.

.PHONY: test bench fuzz release install uninstall package-linux package-windows

# go-sqlite3 compiles SQLite's full-text search only with this tag.
export GOFLAGS := -tags=sqlite_fts5

NAME   := c2desk
APPID  := com.c2desk.desktop
PREFIX ?= /usr/local

test:
	sh scripts/test.sh

# A stripped binary for this machine.
release:
	go build -trimpath -ldflags="-s -w" -o $(NAME) .

# Installs the binary, the menu entry and the icons, like any desktop
# program: sudo make install (or PREFIX=~/.local make install for one user).
install: $(NAME)
	install -Dm00755 $(NAME) $(DESTDIR)$(PREFIX)/bin/$(NAME)
	install -Dm00644 assets/unix/$(APPID).desktop $(DESTDIR)$(PREFIX)/share/applications/$(APPID).desktop
	install -Dm00644 assets/icon.png $(DESTDIR)$(PREFIX)/share/icons/hicolor/512x512/apps/$(APPID).png
	install -Dm00644 assets/icon.svg $(DESTDIR)$(PREFIX)/share/icons/hicolor/scalable/apps/$(APPID).svg

uninstall:
	-rm $(DESTDIR)$(PREFIX)/bin/$(NAME)
	-rm $(DESTDIR)$(PREFIX)/share/applications/$(APPID).desktop
	-rm $(DESTDIR)$(PREFIX)/share/icons/hicolor/512x512/apps/$(APPID).png
	-rm $(DESTDIR)$(PREFIX)/share/icons/hicolor/scalable/apps/$(APPID).svg

$(NAME):
	$(MAKE) release

# dist/C2Desk.tar.xz (Linux), dist/C2Desk.exe (Windows, cross-compiled
# with MinGW) and dist/C2Desk.msi (its installer, msitools' wixl), each
# checked after it is built; the Windows files are signed when
# C2DESK_SIGN_CERT and C2DESK_SIGN_KEY name a certificate and its key
# (see PACKAGING.md).
package-linux:
	sh scripts/package.sh linux

package-windows:
	sh scripts/package.sh windows

# Speed at agency scale, on both engines: a big generated agency (10,000
# chats, 200,000 messages; SCALE=10 for ten times that) is loaded by the
# app's own first sync, once per package and engine, then measured; the
# PostgreSQL pass adds the office rows (two and three PCs on one
# database). The table at the end compares each number with its goal and
# fails the target when one is missed. About fifteen minutes at SCALE=1.
SCALE ?= 1
bench:
	{ go test -run '^$$' -bench . -benchtime 20x ./storage/ && \
	  go test -run '^$$' -bench . -benchtime 20x ./app/ ./ui/ -args -scale=$(SCALE) && \
	  echo "ENGINE PostgreSQL" && \
	  C2DESK_TEST_ENGINE=postgres go test -run '^$$' -bench . -benchtime 20x ./storage/ && \
	  C2DESK_TEST_ENGINE=postgres go test -timeout 3h -run '^$$' -bench . -benchtime 20x ./app/ ./ui/ -args -scale=$(SCALE); } | \
	  awk -v scale=$(SCALE) -f scripts/benchtable.awk

# The API decoders and the date parser against random input, about a
# minute each (CI runs them for a few seconds in scripts/test.sh). A count
# of inputs, not a duration: Go 1.26's fuzzer may fail a target at the end
# of its time with nothing found (golang/go#75804). A failing input is
# saved under c2dapi/testdata/fuzz/ and from then on runs with go test:
# commit it with the fix.
FUZZTIME ?= 300000x
fuzz:
	for target in FuzzParseTime FuzzDecodeResponse FuzzRecordKeepsItsFields; do \
		go test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./c2dapi/ || exit 1; \
	done
