# Sourced by scripts that need a throwaway PostgreSQL server (the office
# screenshots): start_pg DIR starts one whose only way in is a Unix socket
# in DIR, creates the role c2desk (password in $2; CREATEROLE, as the
# README has it) and its database
# c2desk, and sets PG_URL to postgres://c2desk@localhost/c2desk?host=DIR.
# stop_pg stops it. As the Go tests' internal/pgtest does: Debian's server,
# initdb as the postgres user when run as root, no TCP port.

pg_bin() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return; }
	done
	dirname "$(command -v initdb)"
}

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_pg() {
	PG_DIR=$1
	bin=$(pg_bin)
	mkdir -p "$PG_DIR"
	chmod 755 "$PG_DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
	pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
		cat "$PG_DIR/initdb.log" >&2; return 1; }
	printf 'local all postgres trust\nlocal all all scram-sha-256\n' | pg_as tee "$PG_DIR/data/pg_hba.conf" >/dev/null
	# pg_ctl -w waits until the server answers, at most 120 s.
	pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -o "-k $PG_DIR -c listen_addresses=''" -l "$PG_DIR/server.log" -w -t 120 start >/dev/null || {
		cat "$PG_DIR/server.log" >&2; return 1; }
	pg_as "$bin/psql" -h "$PG_DIR" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE c2desk LOGIN CREATEROLE PASSWORD '$2'" \
		-c "CREATE DATABASE c2desk OWNER c2desk TEMPLATE template0 LOCALE 'C.UTF-8'" >/dev/null
	PG_URL="postgres://c2desk@localhost/c2desk?host=$PG_DIR"
}

pause_pg() { pg_as "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null; }
resume_pg() { pg_as "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -o "-k $PG_DIR -c listen_addresses=''" -l "$PG_DIR/server.log" -w -t 120 start >/dev/null; }
stop_pg() { pg_as "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; }
