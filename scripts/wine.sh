#!/bin/sh
# Runs the Windows package as an office PC would, under Wine (Debian's
# wine64) in a virtual display, for a Windows user whose name has Cyrillic
# letters and a space:
#   1. Windows-only Go tests (the Run key, the Mark of the Web, the link
#      checks), cross-compiled and run there;
#   2. dist/C2Desk.exe from the command line against a fake Chat2Desk on
#      loopback: the token kept in Wine's Credential Manager, sync, doctor;
#      a proxy set in Windows' settings, named by doctor;
#   3. the window: the demo in English and Russian (screenshots in out/:
#      sign-in, chats, a chat with photos, a reply, Settings); started minimised, as
#      with Windows, in the tray until its menu opens it; and a reply sent
#      to the fake from a chat;
#   4. the installer: dist/C2Desk.msi installed silently, the installed
#      program started, upgraded by a newer MSI (the user's data kept), a
#      downgrade refused, uninstalled.
# Needs dist/C2Desk.exe and dist/C2Desk.msi (scripts/package.sh windows).
# Test harness only: Wine 8 lacks bcryptprimitives.dll, which Go >= 1.24
# programs load at start (ProcessPrng), so a stand-in built with MinGW goes
# into the prefix's system32; the package itself ships unchanged.
set -eu
cd "$(dirname "$0")/.."
. scripts/goenv.sh
. scripts/xvfb.sh
work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
export USER="Ольга Смирнова" LOGNAME="Ольга Смирнова" LANG=C.UTF-8
profile="$WINEPREFIX/drive_c/users/$USER"
cleanup() {
	wineserver -k 2>/dev/null || true
	[ -n "${fake:-}" ] && kill "$fake" 2>/dev/null || true
	[ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
step() { printf -- '-- %s\n' "$*"; }
fail() {
	echo "wine: $*" >&2
	# What the screen showed, for whoever reads the failure.
	[ -n "${DISPLAY:-}" ] && import -window root out/wine-failure.png 2>/dev/null && echo "(the screen: out/wine-failure.png)" >&2
	exit 1
}
exe=dist/C2Desk.exe
[ -s "$exe" ] && [ -s dist/C2Desk.msi ] || fail "build the package first: scripts/package.sh windows"
mkdir -p out

# The display first: Wine's desktop process starts with the first
# program and keeps the display it found.
start_xvfb 1280x800x24 "$work/xvfb.log"

step "a Wine prefix for $USER, with the stand-in bcryptprimitives.dll"
x86_64-w64-mingw32-gcc -shared -O2 -o "$work/bcryptprimitives.dll" scripts/wine/processprng.c -lbcrypt
timeout 300 wineboot -i >"$work/wineboot.log" 2>&1 || fail "wineboot did not finish: $(cat "$work/wineboot.log")"
timeout 120 wineserver -w || fail "Wine's server did not settle after wineboot"
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
[ -d "$profile" ] || fail "no profile folder for $USER"
# Windows' proxy setting as a binary blob (Internet Settings ›
# Connections): flags 1 connects directly, 3 through the proxy given.
# Direct first: automatic detection would look for a WPAD server off
# this machine.
internet='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections'
set_windows_proxy() {
	if [ -z "$1" ]; then
		blob=460000000000000001000000000000000000000000000000
	else
		len=$(printf '%02x000000' "$(printf %s "$1" | wc -c)")
		blob="460000000000000003000000$len$(printf %s "$1" | od -An -tx1 | tr -d ' \n')0000000000000000"
	fi
	wine reg add "$internet" /v DefaultConnectionSettings /t REG_BINARY /d "${blob}0000000000000000000000000000000000000000" /f >/dev/null 2>&1 ||
		fail "could not set Windows' proxy"
}
set_windows_proxy ""

step "Windows-only Go tests, under Wine"
GOOS=windows CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc go test -c -o "$work/app.test.exe" ./app
# Tests without t.TempDir: Wine 8 cannot remove folders the way Go 1.26 does.
timeout 300 wine "$work/app.test.exe" -test.run \
	'^(TestRunKeyUnderWindows|TestMarkOfTheWebOnDisk|TestMarkOfTheWeb|TestRunnableNamesAndLinks|TestPublicAddressOverLists|TestLinkCheckedBeforeConnecting|TestDialledAddressChecked|TestRunKeyCommand)$' \
	-test.v >"$work/gotest.log" 2>&1 || fail "the Windows tests failed: $(cat "$work/gotest.log")"
[ "$(grep -c '^--- PASS' "$work/gotest.log")" -eq 8 ] || fail "not every Windows test ran: $(cat "$work/gotest.log")"

step "the command line: connect, the token in Credential Manager, sync, doctor"
go build -o "$work/c2dfake" ./cmd/c2dfake
"$work/c2dfake" --addr 127.0.0.1:0 --traffic 0 >"$work/url" 2>&1 &
fake=$!
wait_for_line "$work/url" "The fake Chat2Desk (c2dfake)"
api=$(head -n1 "$work/url")
token=demo-token-c2desk
c2desk() { timeout 120 wine "$exe" --api-url "$api" "$@"; }
printf '\n' | c2desk staff add "Ольга Смирнова" --admin >"$work/out" 2>&1 || fail "staff add: $(cat "$work/out")"
echo "$token" | c2desk connect >"$work/out" 2>&1 || fail "connect: $(cat "$work/out")"
wine reg query 'HKCU\Software\Wine\Credential Manager' /s 2>/dev/null | grep -q 'Generic: C2Desk:token-' ||
	fail "the token is not in Wine's Credential Manager"
timeout 120 wineserver -w # the registry written to disk
if grep -rqa "$token" "$profile/AppData" "$WINEPREFIX"/*.reg; then
	fail "the token lies in plain text on disk"
fi
c2desk sync >"$work/out" 2>&1 || fail "sync (exit $?): $(cat "$work/out")
its log: $(tail -n 20 "$profile/AppData/Roaming/C2Desk/c2desk.log" 2>&1)
$(cat "$profile/AppData/Roaming/C2Desk/crash.txt" 2>/dev/null)"
grep -q "Channels: 3" "$work/out" || fail "sync loaded no channels: $(cat "$work/out")"
# Who answers under which operator: Ольга under her own, the rest under the
# office's default account.
cat >"$work/settings.json" <<'JSON'
{"format": "c2desk-settings", "version": 1, "company": "Агентство недвижимости «Ключ»",
 "staff": [{"name": "Ольга Смирнова", "role": "admin", "active": true}],
 "default_operator_id": 8,
 "operators": [{"id": 7, "name": "Ольга Смирнова", "owner": "Ольга Смирнова"}, {"id": 8, "name": "Офис Общий", "owner": ""}]}
JSON
c2desk import-config "$(winepath -w "$work/settings.json")" </dev/null >"$work/out" 2>&1 || fail "import-config: $(cat "$work/out")"
c2desk doctor >"$work/doctor" 2>&1 || fail "doctor: $(cat "$work/doctor")"
grep -q "^ok   folder    C:\\\\users\\\\Ольга Смирнова\\\\AppData\\\\Roaming\\\\C2Desk$" "$work/doctor" ||
	fail "the data folder is not under the user's profile: $(cat "$work/doctor")"
grep -q "^ok   keyring   token stored" "$work/doctor" || fail "doctor: $(cat "$work/doctor")"

step "a proxy set in Windows' settings, named by doctor"
# Nothing answers on port 9 here; Chat2Desk's own address goes through
# the proxy, so no name is looked up off this machine.
set_windows_proxy "127.0.0.1:9"
timeout 120 wine "$exe" doctor >"$work/doctor" 2>&1 && fail "doctor passed with a proxy that does not answer"
grep -q "^ok   proxy     http://127.0.0.1:9 for api.chat2desk.com (set in Windows settings)$" "$work/doctor" ||
	fail "doctor did not name Windows' proxy: $(cat "$work/doctor")"
grep -q "The proxy server http://127.0.0.1:9 set on this computer does not answer" "$work/doctor" ||
	fail "doctor did not say the proxy does not answer: $(cat "$work/doctor")"
set_windows_proxy ""

# The window opens centred at its default size (ui.DefaultWindowSize,
# 1100x740): on this screen its top left corner is at (90, 30). The
# points below are where the controls fall in both languages.
prefs="$profile/AppData/Roaming/fyne/com.c2desk.desktop"
mkdir -p "$prefs"
# wait_until SECONDS COMMAND...: whether COMMAND succeeds within SECONDS,
# asked every tenth of a second.
wait_until() {
	limit=$(($1 * 10)) i=0
	shift
	until "$@"; do
		[ $i -ge $limit ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}
window_made() { xdotool search --name C2Desk >/dev/null 2>&1; }
window_up() {
	wait_until 60 window_made || fail "no C2Desk window within 60 s: $(cat "$work/gui.log")"
	window=$(xdotool search --name C2Desk | head -n1)
}
# sign_in presses Enter on "Who is working?" until the title names the
# preselected administrator (the sign-in screen is ready only once the
# start-up is done).
sign_in() {
	i=0
	until xdotool search --name "Ольга Смирнова" >/dev/null 2>&1; do
		[ $i -ge 120 ] && fail "Enter on the sign-in screen did not open the main window within 60 s"
		xdotool key --window "$window" Return 2>/dev/null
		sleep 0.5
		i=$((i + 1))
	done
	sleep 1
}
shot() { import -window root "out/$1.png"; }
open_first_chat() {
	xdotool mousemove 270 300 click 1
	sleep 2
}

step "the window: the demo in English and Russian"
for lang in en ru; do
	printf '{"language":"%s"}' "$lang" >"$prefs/preferences.json"
	wine "$exe" --demo >"$work/gui.log" 2>&1 &
	window_up
	sleep 2
	shot "wine-signin-$lang"
	sign_in
	shot "wine-chats-$lang"
	# The chat with photos, found by its client's phone number.
	xdotool mousemove 220 159 click 1
	xdotool type --delay 40 "79930946117"
	sleep 2
	open_first_chat
	xdotool mousemove 800 400
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14; do
		xdotool click 4
		sleep 0.1
	done
	sleep 2
	shot "wine-photos-$lang"
	if [ "$lang" = en ]; then
		# A reply in the demo: it shows as sent, then delivered.
		xdotool type --delay 30 "The flat is still for sale; shall we meet on Saturday?"
		xdotool key Return
		sleep 3
		shot wine-demo-reply
	fi
	case $lang in
	en) xdotool mousemove 527 119 click 1 ;;
	ru) xdotool mousemove 597 119 click 1 ;;
	esac
	sleep 2
	shot "wine-settings-$lang"
	wineserver -k
	timeout 60 wineserver -w || true
done

step "started with Windows (--minimized): in the tray until its icon's Open C2Desk"
wine "$exe" --demo --minimized >"$work/gui.log" 2>&1 &
# Wine draws its tray at the top left: a white strip, where C2Desk's icon
# appears in the first square. pixels_are REGION TEST: whether the screen's
# REGION (WxH+X+Y) passes TEST on its mean brightness.
pixels_are() { [ "$(import -window root -crop "$1" png:- | convert - -format "%[fx:mean$2]" info:)" = 1 ]; }
tray_icon_shown() { pixels_are 40x10+100+27 '>0.95' && pixels_are 16x16+4+24 '<0.9'; }
wait_until 60 tray_icon_shown || fail "no tray icon within 60 s: $(cat "$work/gui.log")"
xdotool search --onlyvisible --name C2Desk >/dev/null 2>&1 && fail "the window showed although C2Desk started minimised"
shot wine-tray
menu_shown() { pixels_are 60x8+120+60 '>0.8'; }
window_shown() { xdotool search --onlyvisible --name C2Desk >/dev/null 2>&1; }
# The menu is built again when the unread count first arrives, and a click
# on the menu shown before that is lost: a person would try again, so
# does this, a few times.
tries=0
until window_shown; do
	[ $tries -ge 5 ] && fail "Open C2Desk in the tray's menu did not show the window"
	tries=$((tries + 1))
	xdotool mousemove 12 32 click 1 # the tray icon: its menu, drawn from the top left
	wait_until 60 menu_shown || fail "the tray icon's menu did not open"
	xdotool mousemove 80 28 sleep 0.5 click 1 # Open C2Desk, the menu's second line
	wait_until 5 window_shown || true
done
wineserver -k
timeout 60 wineserver -w || true

step "the window: a reply to a client, sent to Chat2Desk"
wine "$exe" --api-url "$api" >"$work/gui.log" 2>&1 &
window_up
sign_in
open_first_chat
reply="Reply from the Windows build $(date +%s)"
xdotool type --delay 30 "$reply"
xdotool key Return
reply_arrived() { curl -sf -H "Authorization: $token" "$api/messages?limit=20&order=desc" | grep -q "$reply"; }
wait_until 30 reply_arrived || fail "the reply did not reach Chat2Desk within 30 s"
shot wine-reply-sent
wineserver -k
timeout 60 wineserver -w || true

step "the installer: install silently, start, upgrade, refuse a downgrade, uninstall"
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
newer=$(echo "$version" | awk -F. '{print $1"."$2"."$3+1}')
sh scripts/msi.sh "$newer" "$work/C2Desk-newer.msi"
installed="$WINEPREFIX/drive_c/Program Files/C2Desk/C2Desk.exe"
entry() { wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r'; }
cp dist/C2Desk.msi "$work/C2Desk.msi"
timeout 300 wine msiexec /i "$work/C2Desk.msi" /qn || fail "msiexec /i /qn failed"
[ -s "$installed" ] || fail "nothing in Program Files\\C2Desk"
find "$WINEPREFIX/drive_c" -name C2Desk.lnk | grep -q "Start Menu" || fail "no Start-menu shortcut"
entry | grep -q "DisplayVersion    REG_SZ    $version$" || fail "Apps & features has no C2Desk $version: $(entry)"
entry | grep -q "Publisher    REG_SZ    C2Desk$" || fail "Apps & features names no publisher"
timeout 120 wine 'C:\Program Files\C2Desk\C2Desk.exe' --api-url "$api" doctor >"$work/doctor" 2>&1 ||
	fail "the installed program: $(cat "$work/doctor")"
timeout 300 wine msiexec /i "$work/C2Desk-newer.msi" /qn || fail "the upgrade failed"
[ "$(entry | grep -c 'DisplayName    REG_SZ    C2Desk$')" -eq 1 ] || fail "two C2Desks in Apps & features after the upgrade"
entry | grep -q "DisplayVersion    REG_SZ    $newer$" || fail "the upgrade left $(entry | grep DisplayVersion)"
timeout 120 wine 'C:\Program Files\C2Desk\C2Desk.exe' --api-url "$api" doctor >"$work/doctor" 2>&1 ||
	fail "after the upgrade: $(cat "$work/doctor")"
grep -q "^ok   keyring   token stored" "$work/doctor" || fail "the upgrade lost the user's data: $(cat "$work/doctor")"
if timeout 300 wine msiexec /i "$work/C2Desk.msi" /qn; then
	fail "an older MSI installed over a newer one"
fi
entry | grep -q "DisplayVersion    REG_SZ    $newer$" || fail "the refused downgrade changed the version"
timeout 300 wine msiexec /x "$work/C2Desk-newer.msi" /qn || fail "msiexec /x failed"
[ ! -e "$installed" ] || fail "the program is still there after uninstalling"
entry | grep -q "DisplayName    REG_SZ    C2Desk$" && fail "Apps & features still lists C2Desk"
find "$WINEPREFIX/drive_c" -name C2Desk.lnk | grep -q . && fail "the Start-menu shortcut is still there"
[ -s "$profile/AppData/Roaming/C2Desk/c2desk.db" ] || fail "uninstalling removed the user's data"
echo "The Windows package works under Wine; screenshots in out/wine-*.png."
