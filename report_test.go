package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"

	"github.com/xuri/excelize/v2"
)

// c2desk report writes the table an administrator asks for, read back
// with the same library; nobody else gets one, and the file is whole or
// not there.
func TestReportCommand(t *testing.T) {
	c := newCLI(t)
	if code, _, stderr := c.run("1234\n", "staff", "add", "Ольга Смирнова", "--admin"); code != 0 {
		t.Fatal(stderr)
	}
	olga := []string{"--as", "Ольга Смирнова"}
	as := func(who []string, args ...string) []string { return append(append([]string{}, who...), args...) }
	if code, _, stderr := c.run("1234\n"+c2dfake.DemoToken+"\n", as(olga, "connect")...); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := c.run("1234\n", as(olga, "sync")...); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := c.run("1234\n5678\n", as(olga, "staff", "add", "Ivan Petrov")...); code != 0 {
		t.Fatal(stderr)
	}
	from, to := time.Now().AddDate(0, 0, -30).Format(time.DateOnly), time.Now().Format(time.DateOnly)
	xlsx := filepath.Join(c.dir, "отчёт.xlsx")
	code, out, stderr := c.run("1234\n", as(olga, "report", xlsx, "--from", from, "--to", to)...)
	if code != 0 || !strings.Contains(out, from+" – "+to) || !strings.Contains(out, "xlsx") {
		t.Fatalf("report: %d %q %q", code, out, stderr)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Sheet1")
	f.Close()
	if err != nil || len(rows) < 7 || rows[0][1] != c2dfake.DemoCompany || rows[1][1] != from+" – "+to || rows[5][0] != app.LabelPerson ||
		!strings.Contains(rows[6][0], "(in Chat2Desk)") {
		t.Fatalf("the workbook: %q %v", rows, err)
	}
	csvFile := filepath.Join(c.dir, "report.txt")
	if code, _, stderr := c.run("1234\n", as(olga, "report", csvFile, "--from", from, "--to", to, "--format", "csv")...); code != 0 {
		t.Fatal(stderr)
	}
	if b, _ := os.ReadFile(csvFile); !strings.HasPrefix(string(b), "Office,"+c2dfake.DemoCompany+"\n") {
		t.Fatalf("csv: %q", b)
	}

	// Refused: an agent; dates that are none; flags that do not fit.
	ivanFile := filepath.Join(c.dir, "ivan.csv")
	for _, tc := range []struct {
		stdin, want string
		code        int
		args        []string
	}{
		{"5678\n", app.MsgNotAllowed, 1, []string{"--as", "Ivan Petrov", "report", ivanFile, "--from", from, "--to", to}},
		{"1234\n", app.MsgReportDates, 1, as(olga, "report", ivanFile, "--from", to, "--to", from)},
		{"1234\n", app.MsgReportDates, 1, as(olga, "report", ivanFile, "--from", "1.12.2026", "--to", to)},
		{"", "report needs --from and --to", 2, as(olga, "report", ivanFile, "--from", from)},
		{"", app.MsgReportFormat, 2, as(olga, "report", ivanFile, "--from", from, "--to", to, "--format", "pdf")},
		{"", "--from, --to and --format go with report only.", 2, as(olga, "sync", "--from", from)},
	} {
		code, _, stderr := c.run(tc.stdin, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: %d %q", tc.args, code, stderr)
		}
	}
	if _, err := os.Stat(ivanFile); !os.IsNotExist(err) {
		t.Fatalf("a refused report wrote its file: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(c.dir, ".c2desk-report-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %q", left)
	}
}
