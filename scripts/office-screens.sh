#!/bin/sh
# Screenshots of the office in real windows under Xvfb, for a person to
# look at: PC A moves its data into an office database (a wrong password
# first), PC B joins it and shows a reply written on PC A, and the office
# database going down. Called by screenshots.sh; runs inside its
# dbus-run-session with an unlocked keyring.
#   scripts/office-screens.sh OUTDIR
set -eu
out=$1
. scripts/xvfb.sh
. scripts/pgserver.sh
work=$(mktemp -d)
chmod 755 "$work" # the server runs as the postgres user when this runs as root
trap 'kill ${a:-} ${b:-} ${fake:-} ${xvfb:-} 2>/dev/null; stop_pg; rm -rf "$work"' EXIT
password=Kl1uch-2026
start_pg "$work/pg" "$password"
start_xvfb 1280x800x24 "$work/xvfb.log"
./out/c2dfake --addr 127.0.0.1:0 --traffic 0 >"$work/url" &
fake=$!
wait_for_line "$work/url" "The demo Chat2Desk (out/c2dfake)"
url=$(head -n1 "$work/url")
shoot() { sleep "$2"; import -window root "$out/$1.png"; echo "saved $out/$1.png"; }
lang=${SHOT_LANG:-en_US.UTF-8}

# PC A: the admin's PC, set up on its own file first.
LANG=$lang ./c2desk --data-dir "$work/a" --api-url "$url" >"$work/a.log" 2>&1 &
a=$!
win=$(xdotool search --sync --name C2Desk | head -n1)
xdotool windowsize "$win" 1024 768 windowmove "$win" 0 0
sleep 2
xdotool type --window "$win" --delay 5 "Olga Smirnova"
xdotool key --window "$win" Return
sleep 2
xdotool key --window "$win" Tab
xdotool type --window "$win" --delay 5 "demo-token-c2desk"
xdotool key --window "$win" Return
sleep 3
# The rest of the setup from the command line, which needs the window
# closed: channels and operators, then Anna, an agent who writes through
# the office's default account, and every channel open to everyone, by a
# settings file, as an admin would bring them from another PC.
xdotool key --window "$win" ctrl+q
wait $a
./c2desk --data-dir "$work/a" --api-url "$url" sync >/dev/null
./c2desk --data-dir "$work/a" export-config "$work/office.json" >/dev/null
python3 - "$work/office.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["staff"].append({"name": "Anna Belova", "role": "agent", "active": True})
c["default_operator_id"] = 8
for ch in c["channels"]:
    ch["visibility"], ch["chosen"] = "everyone", True
    ch.pop("staff", None)
json.dump(c, open(p, "w"), ensure_ascii=False)
PY
./c2desk --data-dir "$work/a" import-config "$work/office.json" >/dev/null
LANG=$lang ./c2desk --data-dir "$work/a" --api-url "$url" >>"$work/a.log" 2>&1 &
a=$!
win=$(xdotool search --sync --name C2Desk | head -n1)
xdotool windowsize "$win" 1024 768 windowmove "$win" 0 0
sleep 2
xdotool key --window "$win" Return   # Olga, preselected
sleep 2
for _ in 1 2 3 4; do xdotool key --window "$win" ctrl+Tab; sleep 0.3; done   # Settings
sleep 1
xdotool mousemove 600 500
for _ in $(seq 30); do xdotool click 5; done
shoot office-card-local 1
# Move this computer's data into an office database…: the second button,
# whose place depends on the language.
case $lang in ru*) move_x=600 ;; *) move_x=553 ;; esac
xdotool mousemove "$move_x" 735 click 1
sleep 1
xdotool type --window "$win" --delay 2 "$PG_URL"
xdotool key --window "$win" Tab
xdotool type --window "$win" --delay 5 "not-the-password"
shoot office-move-in 0.5
xdotool key --window "$win" Return
shoot office-wrong-password 2
xdotool key --window "$win" ctrl+a BackSpace
xdotool type --window "$win" --delay 5 "$password"
xdotool key --window "$win" Return
shoot office-moved-in 3
xdotool key --window "$win" Return   # Olga
sleep 2
for _ in 1 2 3 4; do xdotool key --window "$win" ctrl+Tab; sleep 0.3; done   # Settings
sleep 1
xdotool mousemove 600 500
for _ in $(seq 30); do xdotool click 5; done
shoot office-card-joined 3
# On PC A, Anna answers a client.
xdotool mousemove 950 49 click 1     # Switch profile
sleep 1.5
xdotool mousemove 264 105 click 1    # Anna, first in the list
xdotool key --window "$win" Return
sleep 2
xdotool mousemove 150 327 click 1    # the second chat
sleep 1.5
xdotool mousemove 600 690 click 1    # the composer
xdotool type --window "$win" --delay 200 "$(case $lang in ru*) echo 'Добрый день! Ключи можно забрать завтра с 10:00.';; *) echo 'Good afternoon! You can pick up the keys tomorrow from 10:00.';; esac)"
xdotool key --window "$win" Return
shoot office-pc-a-reply 3
# PC B joins with the address and password the admin gives.
joined=$(echo "$PG_URL" | sed "s|postgres://c2desk@|postgres://c2desk:$password@|")
LANG=$lang ./c2desk --data-dir "$work/b" --api-url "$url" --database "$joined" >"$work/b.log" 2>&1 &
b=$!
winb=""
for _ in $(seq 600); do   # its window, at most 60 s on a cold machine
	winb=$(xdotool search --name C2Desk | grep -v "^$win\$" | head -n1 || true)
	[ -n "$winb" ] && break
	sleep 0.1
done
[ -n "$winb" ] || { echo "PC B's window did not open" >&2; cat "$work/b.log" >&2; exit 1; }
sleep 1 # the window restores its saved size first
xdotool windowsize "$winb" 1024 768 windowmove "$winb" 0 0 windowraise "$winb"
sleep 2
xdotool mousemove 272 144 click 1     # Olga, second in the list
xdotool key --window "$winb" Return
sleep 2.5
xdotool mousemove 150 230 click 1     # the chat Anna answered, now first
shoot office-pc-b-shows-reply 2
# The office database goes down: PC B says so and keeps trying.
pause_pg
shoot office-database-down 8
resume_pg
shoot office-database-back 8
