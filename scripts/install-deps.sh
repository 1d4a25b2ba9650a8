#!/bin/sh
# Installs the Debian packages C2Desk needs to build, test and run, if any
# are missing. As root it installs them; otherwise it prints the command.
#   scripts/install-deps.sh          build and run
#   scripts/install-deps.sh --test   also Xvfb, screenshots, the keyring daemon,
#                                    PostgreSQL (the tests start their own server), and
#                                    what builds and checks the packages (MinGW for
#                                    the Windows build, wixl for its installer,
#                                    osslsigncode, Wine to run them,
#                                    desktop-file-utils, make, xz)
set -eu

packages="gcc pkg-config libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libxkbcommon-dev"
if [ "${1:-}" = "--test" ]; then
	packages="$packages xvfb xauth x11-utils imagemagick xdotool gnome-keyring dbus-x11 libsecret-tools"
	packages="$packages gcc-mingw-w64-x86-64 desktop-file-utils make xz-utils postgresql"
	# The Windows package: its installer (wixl, msitools), its signature
	# (osslsigncode, openssl), and Wine to run both (curl asks the fake).
	packages="$packages wixl msitools osslsigncode openssl wine wine64 curl"
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="$PATH:/usr/local/go/bin"
fi
if ! command -v go >/dev/null 2>&1; then
	echo "Go is not installed. Install Go 1.26 or newer from https://go.dev/dl/ and run this again." >&2
	exit 1
fi

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "These system packages are missing:$missing" >&2
	echo "Install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
