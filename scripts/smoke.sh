#!/bin/sh
# Starts the real binary with --demo in a virtual X display, waits for its
# window, saves a screenshot and checks the window showed something, all
# of it on the screen (SMOKE_SCREEN, default 1280x800x24).
#   scripts/smoke.sh BINARY SCREENSHOT.png [extra c2desk flags...]
set -eu
bin=$1 shot=$2
shift 2
mkdir -p "$(dirname "$shot")"
. "$(dirname "$0")/xvfb.sh"
work=$(mktemp -d)
cleanup() {
	[ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
	[ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# C2Desk starts only once the display answers: a cold machine's Xvfb takes
# longer than any fixed wait ("X11: Failed to open display" otherwise).
screen=${SMOKE_SCREEN:-1280x800x24}
start_xvfb "$screen" "$work/xvfb.log"

# LANG=C on purpose: the app must start cleanly without a real locale.
LANG=C "$bin" --demo "$@" >"$work/app.log" 2>&1 &
app=$!
i=0
until xdotool search --name "C2Desk" >/dev/null 2>&1 || [ $i -ge 600 ]; do
	if ! kill -0 "$app" 2>/dev/null; then
		echo "smoke: c2desk exited before its window appeared:" >&2
		cat "$work/app.log" >&2
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done
if ! xdotool search --name "C2Desk" >/dev/null 2>&1; then
	echo "smoke: no C2Desk window after 60 s" >&2
	cat "$work/app.log" >&2
	exit 1
fi
# Enter signs in the preselected demo admin; the title then names her. The
# sign-in screen is ready only once the demo's start-up is done, which on a
# cold machine takes a while: Enter is pressed until it works, for 60 s.
win=$(xdotool search --name C2Desk | head -n1)
i=0
until xdotool search --name "Ольга Смирнова" >/dev/null 2>&1; do
	if [ $i -ge 120 ]; then
		echo "smoke: Enter on the sign-in screen did not open the admin's main window within 60 s" >&2
		cat "$work/app.log" >&2
		exit 1
	fi
	xdotool key --window "$win" Return
	sleep 0.5
	i=$((i + 1))
done
sleep 1
import -window root "$shot"
if ! kill -0 "$app" 2>/dev/null; then
	echo "smoke: c2desk died after showing its window:" >&2
	cat "$work/app.log" >&2
	exit 1
fi
# The whole window on the screen: a window larger than a small laptop's
# screen had its menu and Send button off it.
eval "$(xdotool getwindowgeometry --shell "$win")"
screen_w=${screen%%x*} rest=${screen#*x}
screen_h=${rest%%x*}
if [ "$X" -lt 0 ] || [ "$Y" -lt 0 ] || [ $((X + WIDTH)) -gt "$screen_w" ] || [ $((Y + HEIGHT)) -gt "$screen_h" ]; then
	echo "smoke: the window (${WIDTH}x${HEIGHT} at $X,$Y) does not fit the ${screen_w}x${screen_h} screen" >&2
	exit 1
fi
colors=$(convert "$shot" -format %k info:)
if [ "$colors" -lt 50 ]; then
	echo "smoke: the screenshot has only $colors colours; the window looks empty" >&2
	exit 1
fi
if grep -qi "panic\|fatal" "$work/app.log"; then
	echo "smoke: the log shows a crash:" >&2
	cat "$work/app.log" >&2
	exit 1
fi
echo "smoke: signed in, main window ${WIDTH}x${HEIGHT} at $X,$Y on ${screen_w}x${screen_h}, screenshot $shot ($colors colours)"
