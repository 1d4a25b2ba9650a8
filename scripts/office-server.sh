#!/bin/sh
# The office server of PACKAGING.md, run the way systemd would run it: its
# connect line and its unit's ExecStart are read from PACKAGING.md, so the
# page cannot drift from what works. Against a throwaway PostgreSQL and
# the demo Chat2Desk, in a home of its own (the c2desk user's), with the
# keyring's password handed over as systemd's LoadCredential does. The
# poller must poll with the token from that keyring, then stop on SIGTERM
# with exit 0. Called by test.sh; needs gnome-keyring and dbus-run-session.
set -eu
cd "$(dirname "$0")/.."
. scripts/xvfb.sh # wait_for_line
. scripts/pgserver.sh
work=$(mktemp -d)
chmod 755 "$work" # the server runs as the postgres user when this runs as root
trap 'kill ${fake:-} ${poll:-} 2>/dev/null; stop_pg; rm -rf "$work"' EXIT
home="$work/home"
fail() {
	echo "office server: $*" >&2
	for f in "$work"/*.log "$home"/.config/C2Desk/*.log; do
		[ -f "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }
	done
	exit 1
}

go build -o "$work/c2desk" .
go build -o "$work/c2dfake" ./cmd/c2dfake
password=Server-2026
start_pg "$work/pg" "$password"
"$work/c2dfake" --addr 127.0.0.1:0 --traffic 0 >"$work/url" &
fake=$!
wait_for_line "$work/url" "The demo Chat2Desk (c2dfake)"
url=$(head -n1 "$work/url")

# What the admin prepares: the c2desk user's home, the keyring's password
# (systemd's credentials folder stands for /etc/c2desk), the token file.
creds="$work/credentials"
mkdir -p "$home" "$creds" "$work/admin"
head -c 24 /dev/urandom | base64 >"$creds/keyring"
chmod 600 "$creds/keyring"
printf '%s\n%s\n' 2468 "demo-token-c2desk" >"$work/connect.txt"
with_password=$(echo "$PG_URL" | sed "s|postgres://c2desk@|postgres://c2desk:$password@|")
c2desk="$work/c2desk --api-url $url"

# A service's environment: no desktop session, no bus, a home of its own.
service() {
	env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u DISPLAY \
		HOME="$home" CREDENTIALS_DIRECTORY="$creds" "$@"
}
# The administrator's PC: a home and a keyring of its own.
admin_pc() {
	head -c 24 /dev/urandom | base64 | env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR -u XDG_DATA_HOME -u XDG_CONFIG_HOME \
		-u DISPLAY HOME="$work/admin" dbus-run-session -- sh -c "gnome-keyring-daemon --unlock --components=secrets >/dev/null && $1"
}

# The office, as the README makes it: Ольга, with her PIN, creates it on
# her PC, then invites the server as PACKAGING.md says.
invite=$(sed -n 's/^c2desk --as "Ольга Смирнова" office invite "Сервер" --poller > server-invitation.txt$/&/p' PACKAGING.md)
[ -n "$invite" ] || fail "PACKAGING.md has no invite line for the server"
invite=$(echo "$invite" | sed "s|^c2desk|$c2desk|; s|> server-invitation.txt|> $work/server-invitation.txt|")
admin_pc "printf '2468\n' | $c2desk staff add 'Ольга Смирнова' --admin && printf '2468\n' | $c2desk --as 'Ольга Смирнова' office create '$with_password' && printf '2468\n' | $invite" \
	>"$work/admin.log" 2>&1 || fail "the administrator's PC could not create the office and invite the server"
grep -q "^c2desk-invite:" "$work/server-invitation.txt" || fail "no invitation for the server"

connect=$(sed -n 's/^sudo cat \/etc\/c2desk\/keyring-password | sudo -u c2desk //p' PACKAGING.md)
[ -n "$connect" ] || fail "PACKAGING.md has no join-and-connect line for the c2desk user"
connect=$(echo "$connect" | sed "s|c2desk office join < server-invitation.txt|$c2desk office join < $work/server-invitation.txt|; s|c2desk --as \"Ольга Смирнова\" connect < connect.txt|$c2desk --as \"Ольга Смирнова\" connect < $work/connect.txt|")
cat "$creds/keyring" | service sh -c "$connect" >"$work/connect.log" 2>&1 || fail "the join-and-connect line failed"
grep -q "joined the office" "$work/connect.log" || fail "office join did not say it joined"
grep -q "Connected to" "$work/connect.log" || fail "connect did not say it connected"

# The unit's own ExecStart: the first; the webhooks' drop-in resets it
# with an empty one and gives its own after.
unit=$(sed -n 's/^ExecStart=\(..*\)$/\1/p' PACKAGING.md | head -n 1)
[ -n "$unit" ] || fail "PACKAGING.md has no ExecStart"
# systemd turns $$ into $; the binary is this build, on the demo Chat2Desk.
unit=$(echo "$unit" | sed "s/\\\$\\\$/\$/g; s|/usr/local/bin/c2desk|$c2desk|")
service sh -c "exec $unit" >"$work/poll.log" 2>&1 &
poll=$!

# The poller has polled once the lease records a poll.
tenths=0
until [ "$(pg_as "$(pg_bin)/psql" -h "$PG_DIR" -U postgres -d c2desk -tAc 'SELECT polled_at IS NOT NULL FROM poller_lease' 2>/dev/null)" = t ]; do
	kill -0 "$poll" 2>/dev/null || fail "the unit's command stopped"
	[ "$tenths" -lt 600 ] || fail "the unit's poller did not poll within 60 s"
	sleep 0.1
	tenths=$((tenths + 1))
done
grep -q "Polling Chat2Desk for the office" "$work/poll.log" || fail "poll did not say it polls"

# systemctl stop sends SIGTERM to the service's processes; C2Desk's own
# exit status comes back through dbus-run-session.
pkill -TERM -f "^$work/c2desk --api-url $url poll\$"
status=0
wait "$poll" || status=$?
poll=
[ "$status" -eq 0 ] || fail "c2desk poll exited $status on SIGTERM"
live=$(pg_as "$(pg_bin)/psql" -h "$PG_DIR" -U postgres -d c2desk -tAc 'SELECT count(*) FROM poller_lease WHERE expires_at > EXTRACT(EPOCH FROM now())')
[ "$live" = 0 ] || fail "c2desk poll did not give its lease up on SIGTERM"
if grep -q "demo-token-c2desk\|$password" "$work"/*.log; then
	fail "the token or the database password was printed"
fi
echo "the office server (PACKAGING.md) joined with the poller's invitation, polled through the poller's role with the token from its keyring, and stopped cleanly"
