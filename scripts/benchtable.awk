# Reads `go test -bench` output of two passes, SQLite and then PostgreSQL
# (a line "ENGINE PostgreSQL" between them), and prints the speed goals
# with what each engine measured, marking each row ok or MISSED. Used by
# `make bench` (scale: the big agency's size, in AgencyScales).

BEGIN { engine = "SQLite"; if (scale == "") scale = 1 }
/^ENGINE / { engine = $2; print; next }
/^Benchmark/ {
	name = $1
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2) v[engine, name, $(i + 1)] = $i
	seen[engine, name] = 1
	print
}
/^(ok|FAIL|PASS|---)/ { print }

function ms(e, name) { return (seen[e, name] ? v[e, name, "ns/op"] / 1e6 : -1) }
function row(what, goal, sqlite, postgres, ok) {
	printf "| %-60s | %-20s | %-26s | %-26s | %-6s |\n", what, goal, sqlite, postgres, (ok ? "ok" : "MISSED")
	if (!ok) missed++
}
function shown(e, name, limit,    t) {
	t = ms(e, name)
	return t < 0 ? "not run" : sprintf("%.2f ms", t)
}
function timed(what, name, limit,    a, b) {
	a = ms("SQLite", name); b = ms("PostgreSQL", name)
	row(what, "<= " limit " ms", shown("SQLite", name), shown("PostgreSQL", name), a >= 0 && b >= 0 && a <= limit && b <= limit)
}
function poll(e, n) {
	return seen[e, n] ? sprintf("%g call, %.3f ms CPU", v[e, n, "calls/op"], v[e, n, "cpu-ms/op"]) : "not run"
}
function pollOK(e, n) { return seen[e, n] && v[e, n, "calls/op"] == 1 && v[e, n, "cpu-ms/op"] <= 1 }

END {
	chats = 10000 * scale; msgs = 200000 * scale
	print ""
	printf "Big agency: %d chats, %d messages (scale %d). On PostgreSQL the agents work on joined computers, under the office database's policies.\n\n", chats, msgs, scale
	printf "| %-60s | %-20s | %-26s | %-26s | %-6s |\n", "what", "goal", "SQLite", "PostgreSQL", ""
	print "|--------------------------------------------------------------|----------------------|----------------------------|----------------------------|--------|"
	timed("build the whole UI with the big database, up to the chat list", "BenchmarkCreate", 100)
	timed("first page of the chat list, agent with access rules", "BenchmarkChatListFirstPage", 10)
	timed("first page of the chat list, agent who sees only assigned chats", "BenchmarkChatListAssignedOnly", 10)
	timed("open a chat of 5,000 messages: first screen (50)", "BenchmarkOpenChat", 15)
	timed("search: a rare word", "BenchmarkSearchText/rare", 20)
	timed("search: a common word", "BenchmarkSearchText/common", 20)
	timed("search: a 3-letter prefix", "BenchmarkSearchText/prefix", 20)
	timed("search: two words", "BenchmarkSearchText/two-words", 20)
	timed("a sent message appears in the conversation after Enter", "BenchmarkSentMessageAppears", 16)
	timed("report: the month's figures, every channel", "BenchmarkReportMonth", scale >= 10 ? 1000 : 200)
	n = "BenchmarkPollNothingNew"
	row("poll with nothing new", "1 call, <= 1 ms CPU", poll("SQLite", n), poll("PostgreSQL", n), pollOK("SQLite", n) && pollOK("PostgreSQL", n))
	n = "BenchmarkFirstSyncAt20PerSecond"
	row("first sync of the big account at a 20 req/s limit", ">= 90 %, no 429",
		seen["SQLite", n] ? sprintf("%.1f %%, %d 429s, %.0f s", v["SQLite", n, "%-of-limit"], v["SQLite", n, "429s"], v["SQLite", n, "s"]) : "not run",
		seen["PostgreSQL", n] ? sprintf("%.1f %%, %d 429s, %.0f s", v["PostgreSQL", n, "%-of-limit"], v["PostgreSQL", n, "429s"], v["PostgreSQL", n, "s"]) : "not run",
		seen["SQLite", n] && v["SQLite", n, "%-of-limit"] >= 90 && v["SQLite", n, "429s"] == 0 && seen["PostgreSQL", n] && v["PostgreSQL", n, "%-of-limit"] >= 90 && v["PostgreSQL", n, "429s"] == 0)
	n = "BenchmarkMemory"
	row("memory: big database, window open, 20 chats browsed (1)", "<= 1.3 x bare window",
		seen["SQLite", n] ? sprintf("%.2f x (%.0f MB vs %.0f MB)", v["SQLite", n, "x-bare-text"], v["SQLite", n, "MB-app"], v["SQLite", n, "MB-bare-text"]) : "not run",
		seen["PostgreSQL", n] ? sprintf("%.2f x (%.0f MB vs %.0f MB)", v["PostgreSQL", n, "x-bare-text"], v["PostgreSQL", n, "MB-app"], v["PostgreSQL", n, "MB-bare-text"]) : "not run",
		seen["SQLite", n] && v["SQLite", n, "x-bare-text"] <= 1.3 && seen["PostgreSQL", n] && v["PostgreSQL", n, "x-bare-text"] <= 1.3)
	n = "BenchmarkOfficeReplyVisibleOnB"
	row("office: a reply queued on PC A shows on PC B (median)", "<= 1000 ms", "-",
		seen["PostgreSQL", n] ? sprintf("%.0f ms (max %.0f)", v["PostgreSQL", n, "ms-median"], v["PostgreSQL", n, "ms-max"]) : "not run",
		seen["PostgreSQL", n] && v["PostgreSQL", n, "ms-median"] <= 1000)
	n = "BenchmarkOfficeSignIn"
	row("office: sign in on a joined computer (PIN checked by the server)", "<= 300 ms", "-", shown("PostgreSQL", n),
		seen["PostgreSQL", n] && ms("PostgreSQL", n) <= 300)
	n = "BenchmarkOfficeIdleCalls"
	row("office: API calls in an idle minute, 3 PCs vs 1 PC", "3 PCs = 1 PC", "-",
		seen["PostgreSQL", n] ? sprintf("%d with 3, %d with 1", v["PostgreSQL", n, "calls-3pc"], v["PostgreSQL", n, "calls-1pc"]) : "not run",
		seen["PostgreSQL", n] && v["PostgreSQL", n, "calls-3pc"] == v["PostgreSQL", n, "calls-1pc"])
	n = "BenchmarkWebhookMessageOnScreen"
	row("webhooks: a client's message on screen (median, p99)", "<= 2000 ms, <= 5000 ms",
		seen["SQLite", n] ? sprintf("%.0f ms, %.0f ms", v["SQLite", n, "ms-median"], v["SQLite", n, "ms-p99"]) : "not run",
		seen["PostgreSQL", n] ? sprintf("%.0f ms, %.0f ms (on PC B)", v["PostgreSQL", n, "ms-median"], v["PostgreSQL", n, "ms-p99"]) : "not run",
		seen["SQLite", n] && v["SQLite", n, "ms-median"] <= 2000 && v["SQLite", n, "ms-p99"] <= 5000 && seen["PostgreSQL", n] && v["PostgreSQL", n, "ms-median"] <= 2000 && v["PostgreSQL", n, "ms-p99"] <= 5000)
	n = "BenchmarkWebhookBurst"
	row("webhooks: 1,000 deliveries at once, lost / doubled / stored in", "0 / 0 / <= 60 s",
		seen["SQLite", n] ? sprintf("%d / %d / %.0f s", v["SQLite", n, "lost"], v["SQLite", n, "doubled"], v["SQLite", n, "s"]) : "not run",
		seen["PostgreSQL", n] ? sprintf("%d / %d / %.0f s", v["PostgreSQL", n, "lost"], v["PostgreSQL", n, "doubled"], v["PostgreSQL", n, "s"]) : "not run",
		seen["SQLite", n] && v["SQLite", n, "lost"] == 0 && v["SQLite", n, "doubled"] == 0 && v["SQLite", n, "s"] <= 60 && seen["PostgreSQL", n] && v["PostgreSQL", n, "lost"] == 0 && v["PostgreSQL", n, "doubled"] == 0 && v["PostgreSQL", n, "s"] <= 60)
	n = "BenchmarkPollingMessageOnScreen"
	row("no webhooks, default budget, window behind: a message stored (median)", "<= 10000 ms",
		seen["SQLite", n] ? sprintf("%.0f ms (max %.0f)", v["SQLite", n, "ms-median"], v["SQLite", n, "ms-max"]) : "not run", "(same poller)",
		seen["SQLite", n] && v["SQLite", n, "ms-median"] <= 10000)
	n = "BenchmarkWebhookIdleCalls"
	row("webhooks: API calls a minute of an idle office", "<= 1", "-",
		seen["PostgreSQL", n] ? sprintf("%.2f", v["PostgreSQL", n, "calls-per-min"]) : "not run",
		seen["PostgreSQL", n] && v["PostgreSQL", n, "calls-per-min"] <= 1)
	n = "BenchmarkMemory"
	if (seen["SQLite", n]) printf "(1) against a bare window showing Cyrillic, bold, italic, an emoji and ₽; against one Latin label it is %.2f x (%.0f MB): the fonts.\n", v["SQLite", n, "x-bare"], v["SQLite", n, "MB-bare"]
	print ""
	for (e = 0; e < 2; e++) {
		en = e ? "PostgreSQL" : "SQLite"
		n = "BenchmarkFirstSyncUnlimited"
		if (seen[en, n]) printf "%s, for the record: first sync without a rate limit %.0f s, %d calls; ", en, v[en, n, "s"], v[en, n, "calls"]
		n = "BenchmarkAddHistoryPage"
		if (seen[en, n]) printf "storing a page of 200 messages %.1f ms.", ms(en, n)
		n = "BenchmarkReportAfterNewHours"
		if (seen[en, n]) printf " The month's report after new working hours (every chat worked out anew): %.0f ms.", v[en, n, "ms-anew"]
		print ""
	}
	if (missed) { printf "%d goal(s) missed\n", missed; exit 1 }
}
