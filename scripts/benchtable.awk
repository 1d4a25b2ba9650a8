# Reads `go test -bench` output and prints the speed goals of issue 5 with
# what was measured, marking each row ok or MISSED. Used by `make bench`.
#   go test -run '^$' -bench . ./storage/ ./app/ ./ui/ | awk -f scripts/benchtable.awk

/^Benchmark/ {
	name = $1
	sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i += 2) v[name, $(i + 1)] = $i
	seen[name] = 1
	print
}
/^(ok|FAIL|PASS|---)/ { print }

function ms(name) { return (seen[name] ? v[name, "ns/op"] / 1e6 : -1) }
function row(what, goal, measured, ok) {
	printf "| %-64s | %-22s | %-30s | %-6s |\n", what, goal, measured, (ok ? "ok" : "MISSED")
	if (!ok) missed++
}
function timed(what, name, limit,    t) {
	t = ms(name)
	if (t < 0) { row(what, "<= " limit " ms", "not run", 0); return }
	row(what, "<= " limit " ms", sprintf("%.2f ms", t), t <= limit)
}

END {
	print ""
	printf "| %-64s | %-22s | %-30s | %-6s |\n", "what", "goal", "measured", ""
	print "|------------------------------------------------------------------|------------------------|--------------------------------|--------|"
	timed("build the whole UI with the big database, up to the chat list", "BenchmarkCreate", 100)
	timed("first page of the chat list, agent with access rules", "BenchmarkChatListFirstPage", 10)
	timed("open a chat of 5,000 messages: first screen (50)", "BenchmarkOpenChat", 15)
	timed("search 200,000 messages: a rare word", "BenchmarkSearchText/rare", 20)
	timed("search 200,000 messages: a common word (~16,000 hits)", "BenchmarkSearchText/common", 20)
	timed("search 200,000 messages: a 3-letter prefix", "BenchmarkSearchText/prefix", 20)
	timed("search 200,000 messages: two words", "BenchmarkSearchText/two-words", 20)
	timed("a sent message appears in the conversation after Enter", "BenchmarkSentMessageAppears", 16)
	n = "BenchmarkPollNothingNew"
	row("poll with nothing new", "1 call, <= 1 ms CPU",
		seen[n] ? sprintf("%g call, %.3f ms CPU", v[n, "calls/op"], v[n, "cpu-ms/op"]) : "not run",
		seen[n] && v[n, "calls/op"] == 1 && v[n, "cpu-ms/op"] <= 1)
	n = "BenchmarkFirstSyncAt20PerSecond"
	row("first sync of the big account at a 20 req/s limit", ">= 90 %, no 429",
		seen[n] ? sprintf("%.1f %%, %d 429s, %.0f s", v[n, "%-of-limit"], v[n, "429s"], v[n, "s"]) : "not run",
		seen[n] && v[n, "%-of-limit"] >= 90 && v[n, "429s"] == 0)
	n = "BenchmarkMemory"
	row("memory: big database, window open, 20 chats browsed (1)", "<= 1.3 x bare window",
		seen[n] ? sprintf("%.2f x (%.0f MB vs %.0f MB)", v[n, "x-bare-text"], v[n, "MB-app"], v[n, "MB-bare-text"]) : "not run",
		seen[n] && v[n, "x-bare-text"] <= 1.3)
	n = "BenchmarkMemory"
	if (seen[n]) printf "(1) against a bare window showing Cyrillic, bold, italic, an emoji and ₽; against one Latin label it is %.2f x (%.0f MB): the fonts.\n", v[n, "x-bare"], v[n, "MB-bare"]
	print ""
	n = "BenchmarkFirstSyncUnlimited"
	if (seen[n]) printf "For the record: first sync without a rate limit %.0f s, %d calls; ", v[n, "s"], v[n, "calls"]
	n = "BenchmarkAddHistoryPage"
	if (seen[n]) printf "storing a page of 200 messages %.1f ms.", ms(n)
	print ""
	if (missed) { printf "%d goal(s) missed\n", missed; exit 1 }
}
