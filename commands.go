package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"c2desk/app"

	"golang.org/x/term"
)

// The commands that work on one account: connect, disconnect, sync,
// doctor, export-config and import-config. The office's are in office.go.

func cmdConnect(ctx context.Context, s *app.Session, in *input, stdout, stderr io.Writer) int {
	tok, err := in.secret("Paste the Chat2Desk API token and press Enter: ")
	if err != nil {
		fmt.Fprintln(stderr, "c2desk: could not read the token from standard input:", err)
		return 1
	}
	conn, err := s.Connect(ctx, tok)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "Connected to %s. API requests used this month: %d.\n", conn.Company, conn.RequestsThisMonth)
	return 0
}

// input is standard input, a line at a time: what a command reads (the
// person's PIN for --as, a new PIN, the token) comes in that order. From
// a terminal each is asked for and not echoed, so it is not left on
// screen.
type input struct {
	terminal int // the terminal's descriptor, or -1
	lines    *bufio.Reader
	stderr   io.Writer
}

func newInput(stdin io.Reader, stderr io.Writer) *input {
	in := &input{terminal: -1, lines: bufio.NewReader(stdin), stderr: stderr}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		in.terminal = int(f.Fd())
	}
	return in
}

// secret reads one line: from a terminal after the prompt, without echo.
func (in *input) secret(prompt string) (string, error) {
	if in.terminal >= 0 {
		fmt.Fprint(in.stderr, prompt)
		b, err := term.ReadPassword(in.terminal)
		fmt.Fprintln(in.stderr)
		return strings.TrimSpace(string(b)), err
	}
	line, err := in.lines.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

func cmdDisconnect(ctx context.Context, s *app.Session, stdout, stderr io.Writer) int {
	if err := s.Disconnect(ctx); err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintln(stdout, "Disconnected: the token was removed from the keyring. Local data was kept.")
	return 0
}

func cmdSync(ctx context.Context, s *app.Session, stdout, stderr io.Writer) int {
	core := s.App()
	res, err := s.Sync(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "Channels: %d (%d new, %d changed, %d gone).\n", res.Channels.Total(), res.Channels.New, res.Channels.Updated, res.Channels.Gone)
	fmt.Fprintf(stdout, "Operators: %d (%d new, %d changed, %d gone).\n", res.Operators.Total(), res.Operators.New, res.Operators.Updated, res.Operators.Gone)
	skipped := res.Skipped
	sent, err := core.DeliverPending(ctx)
	if sent > 0 {
		fmt.Fprintf(stdout, "Sent %d waiting messages.\n", sent)
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk: a waiting message was not sent:", sentence(err))
	}
	polled, err := core.Poll(ctx, nil)
	if p := (*app.Problem)(nil); errors.As(err, &p) && p.Msg == app.MsgOtherPolls {
		fmt.Fprintln(stdout, app.MsgOtherPolls)
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintf(stdout, "Messages: %d new or changed (%d from clients, unread).\n", polled.Stored, len(polled.Incoming))
	if skipped += polled.Skipped; skipped > 0 {
		fmt.Fprintf(stdout, "Skipped %d records Chat2Desk sent that could not be read; see the log.\n", skipped)
	}
	return 0
}

func cmdDoctor(ctx context.Context, core *app.App, stdout io.Writer) int {
	code := 0
	for _, c := range core.Doctor(ctx) {
		mark := "ok  "
		if !c.OK {
			mark, code = "FAIL", 1
		}
		fmt.Fprintf(stdout, "%s %-9s %s\n", mark, c.Name, c.Detail)
	}
	return code
}

func cmdExport(ctx context.Context, s *app.Session, file string, stdout, stderr io.Writer) int {
	data, err := s.ExportConfig(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	if err := os.WriteFile(file, append(data, '\n'), 0o600); err != nil {
		fmt.Fprintln(stderr, "c2desk: could not write the file:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Settings written to %s. Import it on the other computers with: c2desk import-config %s\n", file, filepath.Base(file))
	return 0
}

func cmdImport(ctx context.Context, s *app.Session, file string, stdout, stderr io.Writer) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk: could not read the file:", err)
		return 1
	}
	plan, err := s.PlanImport(ctx, data)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	for _, l := range plan.Lines {
		fmt.Fprintln(stdout, "  "+l.String())
	}
	if err := s.ApplyImport(ctx, plan); err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	fmt.Fprintln(stdout, "Settings imported.")
	return 0
}
