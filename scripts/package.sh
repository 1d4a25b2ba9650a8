#!/bin/sh
# Builds what an office admin installs (see PACKAGING.md) and checks it:
#   scripts/package.sh linux     dist/C2Desk.tar.xz: binary, menu entry, icon, Makefile
#   scripts/package.sh windows   dist/C2Desk.exe: one file with icon and version,
#                                cross-compiled with MinGW; dist/C2Desk.msi, its
#                                installer (msitools' wixl). Both signed with
#                                osslsigncode when C2DESK_SIGN_CERT and
#                                C2DESK_SIGN_KEY name a certificate and its key
#                                (PEM; C2DESK_SIGN_PASS_FILE, a file holding the
#                                key's password, if any; C2DESK_SIGN_TIMESTAMP, a
#                                timestamp server's address)
set -eu
cd "$(dirname "$0")/.."
. scripts/goenv.sh

target=${1:-}
# The packaging tool, pinned, built for this machine first: the MinGW
# compiler set below for the Windows build must not build the tool itself.
tools=$(mktemp -d)
GOFLAGS= GOBIN="$tools" go install fyne.io/tools/cmd/fyne@v1.7.4
fyne="$tools/fyne"
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n 's/^ *Build *= *\([0-9]*\)/\1/p' FyneApp.toml)

# fyne package raises the build number in FyneApp.toml after every run; a
# release's number is chosen by hand, so the file is put back.
cp FyneApp.toml FyneApp.toml.keep
trap 'mv FyneApp.toml.keep FyneApp.toml; rm -rf "$tools"' EXIT INT TERM
mkdir -p dist

# sign signs a Windows file in place when a certificate is given, and
# checks the signature against it.
sign() {
	[ -n "${C2DESK_SIGN_CERT:-}" ] || return 0
	signed="$1.signed"
	# The key's password is read from a file, never put on a command line.
	osslsigncode sign -certs "$C2DESK_SIGN_CERT" -key "$C2DESK_SIGN_KEY" ${C2DESK_SIGN_PASS_FILE:+-readpass "$C2DESK_SIGN_PASS_FILE"} \
		${C2DESK_SIGN_TIMESTAMP:+-t "$C2DESK_SIGN_TIMESTAMP"} -h sha256 -n C2Desk \
		-in "$1" -out "$signed" >/dev/null
	mv "$signed" "$1"
	osslsigncode verify -CAfile "$C2DESK_SIGN_CERT" -in "$1" >/dev/null
}

case "$target" in
linux)
	# fyne passes the tag itself; GOFLAGS would name it twice.
	GOFLAGS= $fyne package --os linux --tags sqlite_fts5 --release
	mv C2Desk.tar.xz dist/
	check=$(mktemp -d)
	tar -xJf dist/C2Desk.tar.xz -C "$check"
	desktop-file-validate "$check"/c2desk/usr/local/share/applications/com.c2desk.desktop.desktop
	make -s -C "$check"/c2desk install DESTDIR="$check/root" PREFIX=/usr
	test -x "$check/root/usr/bin/c2desk"
	test -s "$check/root/usr/share/pixmaps/com.c2desk.desktop.png"
	# The packaged binary carries the search index (the build tag) and
	# its version.
	"$check/root/usr/bin/c2desk" --data-dir "$check/data" doctor 2>/dev/null | grep -q "^ok   version   C2Desk $version (build $build"
	"$check/root/usr/bin/c2desk" --data-dir "$check/data" doctor 2>/dev/null | grep -q "^ok   database"
	rm -rf "$check"
	echo "dist/C2Desk.tar.xz: installs with sudo make install; version $version (build $build)"
	;;
windows)
	GOFLAGS= CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $fyne package --os windows --tags sqlite_fts5 --release
	mv C2Desk.exe dist/
	go run ./cmd/pecheck -version "$version.$build" dist/C2Desk.exe
	sign dist/C2Desk.exe
	sh scripts/msi.sh "$version" dist/C2Desk.msi
	sign dist/C2Desk.msi
	echo "dist/C2Desk.exe and dist/C2Desk.msi: version $version (build $build)${C2DESK_SIGN_CERT:+, signed}"
	;;
*)
	echo "usage: scripts/package.sh linux|windows" >&2
	exit 2
	;;
esac
