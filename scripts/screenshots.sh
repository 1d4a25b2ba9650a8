#!/bin/sh
# Takes screenshots of the connect flow and the connected state in a real
# window under Xvfb, with the real keyring, for a person to look at.
#   scripts/screenshots.sh [OUTDIR]      (default out/screens)
set -eu
cd "$(dirname "$0")/.."
out=${1:-out/screens}
mkdir -p "$out"
go build -o c2desk .
go build -o out/c2dfake ./cmd/c2dfake
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
XDG_DATA_HOME=$keyring_home dbus-run-session -- sh -c '
set -eu
out=$1
echo -n c2desk | gnome-keyring-daemon --unlock --components=secrets >/dev/null
work=$(mktemp -d)
display=:$((120 + $$ % 50))
Xvfb $display -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
./out/c2dfake --addr 127.0.0.1:0 --traffic 0 >"$work/url" &
fake=$!
trap "kill \$app \$fake \$xvfb 2>/dev/null; rm -rf $work" EXIT
export DISPLAY=$display
sleep 1
url=$(head -n1 "$work/url")
shoot() { sleep "$2"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
LANG=${SHOT_LANG:-en_US.UTF-8} ./c2desk --data-dir "$work/data" --api-url "$url" >"$work/app.log" 2>&1 &
app=$!
win=$(xdotool search --sync --name C2Desk | head -n1)
xdotool windowsize "$win" 1024 768 windowmove "$win" 0 0
shoot connect 2
# The token field is the only text field: focus it, type a wrong token, submit.
xdotool key --window "$win" Tab
xdotool type --window "$win" --delay 5 "wrong-token"
xdotool key --window "$win" Return
shoot connect-wrong-token 2
xdotool key --window "$win" ctrl+a BackSpace
xdotool type --window "$win" --delay 5 "demo-token-c2desk"
xdotool key --window "$win" Return
shoot connected 2
' sh "$out"
