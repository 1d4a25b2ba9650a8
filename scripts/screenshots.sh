#!/bin/sh
# Takes screenshots in a real 1024×768 window under Xvfb, for a person to
# look at: the first start and connect flow with the real keyring, the
# office (scripts/office-screens.sh), then the demo's sign-in and admin tabs.
#   scripts/screenshots.sh [OUTDIR]      (default out/screens)
#   SHOT_LANG=ru_RU.UTF-8 scripts/screenshots.sh out/screens-ru
set -eu
cd "$(dirname "$0")/.."
out=${1:-out/screens}
mkdir -p "$out"
. scripts/goenv.sh
go build -o c2desk .
go build -o out/c2dfake ./cmd/c2dfake
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
XDG_DATA_HOME=$keyring_home dbus-run-session -- sh -c '
set -eu
out=$1
echo -n c2desk | gnome-keyring-daemon --unlock --components=secrets >/dev/null
work=$(mktemp -d)
. scripts/xvfb.sh
trap "kill \${app:-} \${fake:-} \${xvfb:-} 2>/dev/null; rm -rf $work" EXIT
start_xvfb 1280x800x24 "$work/xvfb.log"
./out/c2dfake --addr 127.0.0.1:0 --traffic 0 --write-first=false >"$work/url" &
fake=$!
wait_for_line "$work/url" "The demo Chat2Desk (out/c2dfake)"
url=$(head -n1 "$work/url")
shoot() { sleep "$2"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
LANG=${SHOT_LANG:-en_US.UTF-8} ./c2desk --data-dir "$work/data" --api-url "$url" >"$work/app.log" 2>&1 &
app=$!
win=$(xdotool search --sync --name C2Desk | head -n1)
xdotool windowsize "$win" 1024 768 windowmove "$win" 0 0
shoot first-admin 2
xdotool type --window "$win" --delay 5 "Olga Smirnova"
xdotool key --window "$win" Return
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
# The tariff of this fake does not allow writing first: New chat says so at once.
xdotool key --window "$win" ctrl+n
shoot new-chat-write-first-off 2
xdotool key --window "$win" Escape
# The office: two PCs on one PostgreSQL database.
sh scripts/office-screens.sh "$out"
' sh "$out"

# The demo: sign in as the preselected admin and visit each admin tab.
. scripts/xvfb.sh
trap 'kill ${app:-} ${xvfb:-} 2>/dev/null; rm -rf "$keyring_home"' EXIT
start_xvfb 1024x768x24 "$keyring_home/xvfb.log"
LANG=${SHOT_LANG:-en_US.UTF-8} ./c2desk --demo >/dev/null 2>&1 &
app=$!
win=$(xdotool search --sync --name C2Desk | head -n1)
xdotool windowsize "$win" 1024 768 windowmove "$win" 0 0
shoot() { sleep "$2"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
shoot demo-sign-in 2
xdotool key --window "$win" Return
sleep 2
# The window's menu bar is 27 pixels tall; the tabs sit below it.
xdotool mousemove 150 327 click 1    # the second chat
shoot demo-chat-admin 1.5
xdotool mousemove 600 690 click 1    # the composer: "/" offers the quick replies
xdotool type --window "$win" --delay 20 "/"
shoot demo-chat-quick-replies 1.5
xdotool key --window "$win" Escape BackSpace
xdotool key --window "$win" ctrl+k   # search, wherever the keyboard is
xdotool type --window "$win" --delay 20 "Smith"
shoot demo-search 1.5
# A site-chat client, found by the number she gave: Chat2Desk's "phone"
# for her is a hash, shown nowhere.
xdotool key --window "$win" ctrl+a BackSpace
xdotool type --window "$win" --delay 20 "916 104"
sleep 1.5
xdotool mousemove 150 230 click 1    # the chat found
shoot demo-site-chat 1.5
# A client who sent photos of a flat, with a floor plan's PDF further down:
# the thumbnails load in the background.
xdotool key --window "$win" ctrl+k ctrl+a BackSpace
xdotool type --window "$win" --delay 20 "9930946117"
sleep 1.5
xdotool mousemove 150 260 click 1
sleep 2
xdotool mousemove 600 400
for _ in 1 2 3 4 5 6 7 8 9 10; do xdotool click 4; done
shoot demo-chat-photos 1.5
xdotool key --window "$win" ctrl+k ctrl+a BackSpace
xdotool key --window "$win" ctrl+n   # New chat
shoot demo-new-chat 1.5
xdotool key --window "$win" Escape   # Esc closes the dialog
# The tabs by Ctrl+Tab: their places depend on the language.
xdotool key --window "$win" ctrl+Tab # Channels
sleep 1
xdotool mousemove 57 325 click 1     # the second channel: its rule editor
shoot demo-channel-rule 1
xdotool key --window "$win" ctrl+Tab # Operators
shoot demo-operators 1
xdotool key --window "$win" ctrl+Tab # Staff
shoot demo-staff 1
xdotool key --window "$win" ctrl+Tab # Settings
shoot demo-settings 1
xdotool mousemove 600 500
for _ in 1 2 3 4 5 6 7 8 9 10; do xdotool click 5; done
shoot demo-settings-this-computer 1
# Help (its place depends on the language) → Keyboard shortcuts, About.
case "${SHOT_LANG:-en}" in ru*) help_x=155 ;; *) help_x=130 ;; esac
xdotool mousemove "$help_x" 13 click 1
sleep 0.5
xdotool mousemove 190 47 click 1
shoot demo-shortcuts 1
xdotool key --window "$win" Escape
xdotool mousemove "$help_x" 13 click 1
sleep 0.5
xdotool mousemove 190 82 click 1
shoot demo-about 1
xdotool key --window "$win" Escape
# An agent: switch profile to Марина Орлова (third in the list) and open a chat.
xdotool key --window "$win" ctrl+l
sleep 1.5
xdotool mousemove 280 184 click 1
xdotool key --window "$win" Return
sleep 2
xdotool mousemove 150 327 click 1
shoot demo-chat-agent 1.5
xdotool key --window "$win" ctrl+Tab # My account, with the language and tray choices
shoot demo-agent-account 1
