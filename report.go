package main

// c2desk report: the supervisor's table for scripts (a monthly mail, a
// spreadsheet on a shared drive).

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"c2desk/app"
)

type reportOptions struct{ from, to, format string }

// check refuses report's flags on another command, and a report without
// its days or with a format C2Desk does not write.
func (r reportOptions) check(cmd string) string {
	if cmd != "report" {
		if r != (reportOptions{}) {
			return "--from, --to and --format go with report only."
		}
		return ""
	}
	if r.from == "" || r.to == "" {
		return "report needs --from and --to: the first and the last day, YYYY-MM-DD."
	}
	if f := r.format; f != "" && f != app.FormatCSV && f != app.FormatXLSX {
		return app.MsgReportFormat
	}
	return ""
}

// formatFor is the format asked for, else the file name's ending, else csv.
func (r reportOptions) formatFor(file string) string {
	if r.format != "" {
		return r.format
	}
	if strings.EqualFold(filepath.Ext(file), ".xlsx") {
		return app.FormatXLSX
	}
	return app.FormatCSV
}

func cmdReport(ctx context.Context, s *app.Session, o reportOptions, file string, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	hours, err := s.App().Hours(ctx)
	if err != nil {
		return fail(err)
	}
	f, err := hours.Dates(o.from, o.to)
	if err != nil {
		return fail(err)
	}
	r, err := s.Report(ctx, f)
	if err != nil {
		return fail(err)
	}
	if err := app.SaveReport(file, r, o.formatFor(file), nil); err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "%s: %d rows, %s, saved to %s\n", r.PeriodText(), len(r.Rows), o.formatFor(file), file)
	return 0
}
