#!/bin/sh
# Installs what is missing and runs every test: static checks, unit tests
# with the race detector, the UI tests (also with it: the UI hands work to
# goroutines), the storage, app and UI suites once more on PostgreSQL, the real
# keyring test under dbus-run-session, the office server's unit as
# PACKAGING.md writes it (scripts/office-server.sh), a smoke test of the real binary
# in a window under Xvfb that saves a screenshot to out/, make install, and
# the Linux and Windows packages, each checked; the Windows one, signed,
# then runs under Wine (scripts/wine.sh): its command line, its window,
# Windows' proxy setting and its installer.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh --test
. scripts/goenv.sh

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
	echo "not gofmt-ed: $unformatted" >&2
	exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

step "unit tests (race detector)"
go test -race -count=1 ./app/... ./c2dapi/... ./storage/... ./cmd/...

step "fuzzing the API decoders (a few seconds each; make fuzz runs longer)"
# A count, not a duration: Go 1.26's fuzzer can fail a target with
# "context deadline exceeded" when its time runs out on a busy machine
# (golang/go#75804, fixed in Go 1.27), with nothing found.
for target in FuzzParseTime FuzzDecodeResponse FuzzRecordKeepsItsFields; do
	go test -run '^$' -fuzz "^$target\$" -fuzztime 20000x ./c2dapi/
done

step "UI and command-line tests (race detector)"
go test -race -count=1 . ./ui/...

step "the storage, app and UI suites again, on PostgreSQL (a throwaway server each)"
# Without the race detector: the same code ran under it above, and this
# pass is about the engine. A test that cannot start PostgreSQL fails.
C2DESK_TEST_ENGINE=postgres go test -count=1 ./storage/... ./app/... ./ui/...

step "real keyring (Secret Service under dbus-run-session)"
# A private XDG_DATA_HOME gives gnome-keyring a fresh keyring file that the
# password below unlocks, and keeps the developer's own keyring out of it.
keyring_home=$(mktemp -d)
# dbus and the daemon chatter on stderr; it is shown only if the test fails.
if ! XDG_DATA_HOME=$keyring_home dbus-run-session -- sh -c 'echo -n c2desk | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
	C2DESK_REAL_KEYRING=1 go test -count=1 -run TestRealKeyring -v ./app' 2>"$keyring_home/stderr"; then
	cat "$keyring_home/stderr" >&2
	exit 1
fi
rm -rf "$keyring_home"

step "the office server of PACKAGING.md: its invitation, join-and-connect line and systemd unit"
sh scripts/office-server.sh

step "smoke test: the real binary under Xvfb"
go build -o c2desk .
# Under the C locale a command's stderr still holds nothing but its sentence.
quiet=$(mktemp)
LANG=C LC_ALL= ./c2desk --demo doctor >/dev/null 2>"$quiet"
if [ -s "$quiet" ]; then
	echo "c2desk --demo doctor wrote to stderr under LANG=C:" >&2
	cat "$quiet" >&2
	exit 1
fi
rm -f "$quiet"
sh scripts/smoke.sh ./c2desk out/smoke-demo.png
SMOKE_SCREEN=1024x640x24 sh scripts/smoke.sh ./c2desk out/smoke-demo-1024x640.png

step "a picture through the real X clipboard, under Xvfb"
(
	. scripts/xvfb.sh
	work=$(mktemp -d)
	trap 'kill ${xvfb:-} 2>/dev/null; rm -rf "$work"' EXIT
	start_xvfb 800x600x24 "$work/xvfb.log"
	C2DESK_REAL_DISPLAY=1 go test -count=1 -run TestPictureFromTheRealClipboard -v ./ui
)

step "make install (menu entry and icons)"
root=$(mktemp -d)
make -s install DESTDIR="$root" PREFIX=/usr
desktop-file-validate "$root/usr/share/applications/com.c2desk.desktop.desktop"
test -x "$root/usr/bin/c2desk"
test -s "$root/usr/share/icons/hicolor/512x512/apps/com.c2desk.desktop.png"
make -s uninstall DESTDIR="$root" PREFIX=/usr
test ! -e "$root/usr/bin/c2desk"
rm -rf "$root"

step "packages: Linux (fyne package) and Windows (cross-compiled with MinGW, its MSI, both signed)"
sh scripts/package.sh linux
# Signed with a throwaway self-signed certificate, as a release is with
# the agency's own (PACKAGING.md); package.sh checks each signature.
signing=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=C2Desk test signing" \
	-addext "extendedKeyUsage=codeSigning" -keyout "$signing/key.pem" -out "$signing/cert.pem" 2>/dev/null
C2DESK_SIGN_CERT="$signing/cert.pem" C2DESK_SIGN_KEY="$signing/key.pem" sh scripts/package.sh windows
for f in dist/C2Desk.exe dist/C2Desk.msi; do
	osslsigncode verify -CAfile "$signing/cert.pem" -in "$f" | grep -q "C2Desk test signing" || {
		echo "$f is not signed by the test certificate" >&2
		exit 1
	}
done
rm -rf "$signing"

step "the Windows package under Wine: command line, window, proxy, installer"
sh scripts/wine.sh

echo
echo "All checks passed."
