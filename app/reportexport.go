package app

// The report's table as a file: .csv for scripts, .xlsx for people. Both
// begin with the office's name, the period and the channel, so a file
// read a month later still says what it counts.

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// The export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// MsgReportFormat refuses an export format C2Desk does not write.
const MsgReportFormat = "A report is saved as csv or xlsx."

// Labels translate the export's words; nil: English.
type Labels func(string) string

// english is the export's words as they are.
func english(s string) string { return s }

// The export's words (translated by the window, English on the command line).
const (
	LabelOffice       = "Office"
	LabelPeriod       = "Period"
	LabelChannel      = "Channel"
	LabelAllChannels  = "All channels"
	LabelPerson       = "Person"
	LabelOperator     = "in Chat2Desk"
	LabelChats        = "Chats answered"
	LabelAnswers      = "Answers sent"
	LabelFirstMedian  = "First response, median (min)"
	LabelFirstP90     = "First response, 90% (min)"
	LabelNextMedian   = "Next response, median (min)"
	LabelNextP90      = "Next response, 90% (min)"
	LabelWaitedLong   = "Chats that waited past the reminder"
	LabelNotes        = "Internal notes"
	LabelWorkingHours = "Only the office's working hours are counted."
)

// ExportLabels are the words above, for translation tables.
func ExportLabels() []string {
	return []string{LabelOffice, LabelPeriod, LabelChannel, LabelAllChannels, LabelPerson, LabelOperator, LabelChats, LabelAnswers,
		LabelFirstMedian, LabelFirstP90, LabelNextMedian, LabelNextP90, LabelWaitedLong, LabelNotes, LabelWorkingHours}
}

// PeriodText is the period as dates in the office's time zone, the last
// day included: "2026-12-01 – 2026-12-31".
func (r Report) PeriodText() string {
	loc := r.Hours.location()
	last := r.Filter.To.Add(-time.Second).In(loc)
	return r.Filter.From.In(loc).Format(time.DateOnly) + " – " + last.Format(time.DateOnly)
}

// RowName is the row's person, or the operator for answers written
// outside C2Desk.
func RowName(row ReportRow, tr Labels) string {
	if row.StaffID != 0 {
		return row.Name
	}
	if tr == nil {
		tr = english
	}
	name := row.Name
	if name == "" {
		name = "#" + strconv.FormatInt(row.OperatorID, 10)
	}
	return name + " (" + tr(LabelOperator) + ")"
}

// exportCells is the file's content: the heading lines, an empty line,
// the table's header and its rows. Numbers stay numbers.
func (r Report) exportCells(tr Labels) [][]any {
	channel := r.Channel
	if r.Filter.ChannelID == 0 {
		channel = tr(LabelAllChannels)
	}
	out := [][]any{
		{tr(LabelOffice), r.Company},
		{tr(LabelPeriod), r.PeriodText()},
		{tr(LabelChannel), channel},
		{tr(LabelWorkingHours)},
		{},
		{tr(LabelPerson), tr(LabelChats), tr(LabelAnswers), tr(LabelFirstMedian), tr(LabelFirstP90),
			tr(LabelNextMedian), tr(LabelNextP90), tr(LabelWaitedLong), tr(LabelNotes)},
	}
	for _, row := range r.Rows {
		out = append(out, []any{RowName(row, tr), row.ChatsAnswered, row.Answers,
			minutes(row.First.Median, row.First.Count), minutes(row.First.P90, row.First.Count),
			minutes(row.Next.Median, row.Next.Count), minutes(row.Next.P90, row.Next.Count), row.WaitedLong, row.Notes})
	}
	return out
}

// minutes is a response time in minutes to one decimal; none without
// responses (an empty cell, not a zero that would read as "at once").
func minutes(d time.Duration, count int) any {
	if count == 0 {
		return ""
	}
	return float64(d.Round(6*time.Second)/(6*time.Second)) / 10
}

// WriteReport writes the report's table in format (FormatCSV, FormatXLSX).
func WriteReport(w io.Writer, r Report, format string, tr Labels) error {
	if tr == nil {
		tr = english
	}
	cells := r.exportCells(tr)
	switch format {
	case FormatCSV:
		return writeCSV(w, cells)
	case FormatXLSX:
		return writeXLSX(w, cells)
	}
	return problem(MsgReportFormat)
}

func writeCSV(w io.Writer, cells [][]any) error {
	c := csv.NewWriter(w)
	for _, row := range cells {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = fmt.Sprint(v)
		}
		if err := c.Write(rec); err != nil {
			return err
		}
	}
	c.Flush()
	return c.Error()
}

// headerRow is where the table's header is in exportCells (1-based, as
// spreadsheets count).
const headerRow = 6

func writeXLSX(w io.Writer, cells [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	for i, row := range cells {
		if len(row) == 0 {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(cells[headerRow-1]), headerRow)
	if err := f.SetCellStyle(sheet, "A1", "A4", bold); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A"+strconv.Itoa(headerRow), last, bold); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 32); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "I", 16); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// SaveReport writes the report to path whole or not at all: into a
// temporary file beside it, renamed over path once complete.
func SaveReport(path string, r Report, format string, tr Labels) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".c2desk-report-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := WriteReport(tmp, r, format, tr); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
