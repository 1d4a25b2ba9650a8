# Sourced by the scripts that need a display. start_xvfb starts Xvfb on a
# free display (Xvfb picks it and reports it through -displayfd), exports
# DISPLAY and returns once the display answers; a display that does not
# answer within XVFB_WAIT seconds (default 60) or an Xvfb that exits fails
# with a sentence and its log. CI machines are cold: no fixed sleep.
#   start_xvfb WIDTHxHEIGHTxDEPTH LOGFILE     (sets $xvfb to its pid)
start_xvfb() {
	geometry=$1 log=$2
	displayfile=$(mktemp)
	Xvfb -displayfd 3 -screen 0 "$geometry" -nolisten tcp 3>"$displayfile" >"$log" 2>&1 &
	xvfb=$!
	tenths=0
	limit=$((${XVFB_WAIT:-60} * 10))
	while :; do
		number=$(cat "$displayfile" 2>/dev/null)
		if [ -n "$number" ] && DISPLAY=":$number" xdpyinfo >/dev/null 2>&1; then
			break
		fi
		if ! kill -0 "$xvfb" 2>/dev/null; then
			echo "Xvfb exited before its display answered:" >&2
			cat "$log" >&2
			rm -f "$displayfile"
			exit 1
		fi
		if [ "$tenths" -ge "$limit" ]; then
			echo "Xvfb's display did not answer within ${XVFB_WAIT:-60} s:" >&2
			cat "$log" >&2
			rm -f "$displayfile"
			exit 1
		fi
		sleep 0.1
		tenths=$((tenths + 1))
	done
	rm -f "$displayfile"
	export DISPLAY=":$number"
}

# wait_for_line FILE WHAT: waits until FILE has a first line (a server
# printing its address), at most 60 s, else fails naming WHAT.
wait_for_line() {
	tenths=0
	until [ -s "$1" ] && head -n1 "$1" | grep -q .; do
		if [ "$tenths" -ge 600 ]; then
			echo "$2 did not start within 60 s" >&2
			exit 1
		fi
		sleep 0.1
		tenths=$((tenths + 1))
	done
}
