// Command c2desk runs C2Desk: the GUI by default, or an admin subcommand.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"c2desk/app"
	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"
	"c2desk/internal/startlog"
	"c2desk/storage"
	"c2desk/ui"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
)

// The release; FyneApp.toml says the same (a test holds them together), and
// fyne package stamps it into the Windows executable and Linux metadata.
const (
	appID   = "com.c2desk.desktop"
	version = "0.1.0"
	build   = "1"
)

const usage = `Usage: c2desk [--data-dir DIR] [--database URL] [--api-url URL] [--history-days N] [--demo | --demo-agency] [--as NAME] [--minimized] [command]

Without a command, C2Desk opens its window.

A command acts for the person --as NAME names: their PIN is asked for (or
read from the first line of standard input). Only on a computer none of
whose administrators has a PIN may it be left out; doctor and poll need no
one, except that on a computer that joined an office every command but
poll and office join needs it.

Commands:
  connect      read the API token from standard input, check it, keep it in the keyring
  disconnect   remove the token from the keyring
  sync         load channels, operators, chats and new messages from Chat2Desk
               into the database, and send messages waiting in the outbox
  doctor       check what support asks: version, data folder, database, log, crash
               report, unsent messages, keyring, API and the monthly quota
  export-config FILE
               write staff, operator mapping, default account and channel rules to FILE
  import-config FILE
               show what FILE changes, then apply it in one transaction
  office create URL
               copy this PC's data into an empty office database (PostgreSQL)
  office invite NAME [--poller]
               (an administrator, on a computer that joined the office) print a
               one-time code that joins one more computer, valid for a week;
               --poller: the office's server, which polls for the office
  office join  read an invitation's code from standard input and join this
               computer to the office; its staff then sign in with their PINs
  office secure
               (an administrator, with --database and the owner's password, on an
               office made by an older C2Desk) give the office its roles, join this
               computer, and forget the owner's password here
  files secret read the file storage's secret key from standard input, check it
               against the office's storage, and keep it in this computer's keyring
               (the office's server, which uploads the files it sends)
  staff list   who works here, with their role and whether they have a PIN
  staff add NAME [--admin]
               add a person (the PIN on the next line of standard input)
  staff pin NAME
               give a person a new PIN (on the next line)
  staff deactivate NAME
               a person can no longer sign in; their messages keep their name
  report FILE --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|xlsx]
               (an administrator) how fast each person answered in those days
               (both included, in the office's time zone), as a table
  poll         poll Chat2Desk and send the outbox without a window, until stopped
               (for an office server: one process polls for the whole office)
               --listen ADDRESS with --tls-cert/--tls-key or --acme-domain:
               receive Chat2Desk's webhooks too; polling becomes the safety net

Flags:
`

type options struct {
	dataDir string
	// database is an office database's address (postgres://…); empty:
	// the SQLite file in dataDir, unless the window joined an office
	// (officeChoiceFile).
	database     string
	databaseFlag bool // given with --database
	apiURL       string
	demo         bool
	// demoAgency is the demo with a generated agency of 10,000 chats and
	// 200,000 messages, to see C2Desk at scale.
	demoAgency bool

	historyDays int
	// minimized starts the window hidden in the tray (autostart).
	minimized bool

	// as is the person a command acts for (--as); admin makes staff add
	// add an administrator; poller makes office invite invite the
	// office's server.
	as     string
	admin  bool
	poller bool
	// listen: poll's webhook server (listen.go).
	listen listenOptions
	// report: the report command's days and format (report.go).
	report reportOptions

	// exclusive: this command polls or sends, so no other C2Desk may work
	// with the same data meanwhile (see lockDataDir).
	exclusive bool
	// ownFile: open this PC's own file whatever office.json says (office
	// join: the office it names may not let this PC in any more).
	ownFile bool

	// startupLog is what libraries logged before main ran (Fyne's locale
	// complaints under LANG=C): it goes to C2Desk's log, not to stderr.
	startupLog string
}

// lockFileName is held by the C2Desk process that polls and sends.
const lockFileName = "c2desk.lock"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	o, cmd, file, code := parseArgs(args, stderr)
	if code >= 0 {
		return code
	}

	// SIGTERM too: systemd stops c2desk poll with it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env, err := setup(ctx, o)
	if err != nil {
		return startFailed(err, o, cmd, stderr)
	}
	defer env.close()
	for _, n := range env.notices {
		fmt.Fprintln(stderr, "c2desk:", n)
	}
	defer func() {
		if r := recover(); r != nil {
			code = env.crashed(r, debug.Stack(), stderr)
		}
	}()

	in := newInput(stdin, stderr)
	switch cmd {
	case "":
		return runGUI(env, o)
	case "poll":
		return cmdPoll(ctx, env, o.listen, stdout, stderr)
	case "doctor":
		if env.core.Joined() {
			// A joined computer reads nothing until someone signs in.
			if _, err := actor(ctx, env.core, o.as, in); err != nil {
				fmt.Fprintln(stderr, "c2desk:", sentence(err))
				return 1
			}
		}
		return cmdDoctor(ctx, env.core, stdout)
	case "staff add":
		return cmdStaffAdd(ctx, env.core, o.as, file, o.admin, in, stdout, stderr)
	case "office join":
		return cmdOfficeJoin(ctx, env, in, stdout, stderr)
	}
	// Every other command acts for a person, with their rights.
	s, err := actor(ctx, env.core, o.as, in)
	if err != nil {
		fmt.Fprintln(stderr, "c2desk:", sentence(err))
		return 1
	}
	switch cmd {
	case "connect":
		return cmdConnect(ctx, s, in, stdout, stderr)
	case "disconnect":
		return cmdDisconnect(ctx, s, stdout, stderr)
	case "sync":
		return cmdSync(ctx, s, stdout, stderr)
	case "export-config":
		return cmdExport(ctx, s, file, stdout, stderr)
	case "import-config":
		return cmdImport(ctx, s, file, stdout, stderr)
	case "office create":
		return cmdOfficeCreate(ctx, env, s, file, in, stdout, stderr)
	case "office secure":
		return cmdOfficeSecure(ctx, env, s, in, stdout, stderr)
	case "office invite":
		return cmdOfficeInvite(ctx, s, file, o.poller, stdout, stderr)
	case "files secret":
		return cmdFilesSecret(ctx, s, in, stdout, stderr)
	case "staff list":
		return cmdStaffList(ctx, s, stdout, stderr)
	case "report":
		return cmdReport(ctx, s, o.report, file, stdout, stderr)
	case "staff pin":
		return cmdStaffPIN(ctx, s, file, in, stdout, stderr)
	default:
		return cmdStaffDeactivate(ctx, s, file, stdout, stderr)
	}
}

// environment is everything a command needs, and how to release it.
type environment struct {
	secrets  app.Secrets
	core     *app.App
	store    *storage.Store
	redactor *app.Redactor
	crashOut *os.File // app.CrashFileName in the data folder, open for appending
	cleanup  []func()
	// notices are said once on stderr after setup (a password moved to
	// the keyring).
	notices []string
	// What another database's App is built with (office.go's databases).
	cfg app.Config
	dir string
	// demoStorage is the demo's stand-in file storage.
	demoStorage c2dfake.DemoStorage
}

// crashed writes a panic that reached run to the crash report, with every
// known secret removed, and says where it is. Panics in other goroutines
// are written there by the runtime (see setup); no error C2Desk makes
// holds the token, as c2dapi scrubs what Chat2Desk echoes.
func (e *environment) crashed(value any, stack []byte, stderr io.Writer) int {
	report := fmt.Sprintf("C2Desk crashed at %s\n%s\npanic: %v\n\n%s\n", time.Now().Format(time.RFC3339), e.core.About(), value, stack)
	if _, err := e.crashOut.Write(e.redactor.Redact([]byte(report))); err != nil {
		fmt.Fprintln(stderr, "c2desk: C2Desk stopped because of an error in the program, and the report could not be saved.")
		return 3
	}
	fmt.Fprintf(stderr, "c2desk: C2Desk stopped because of an error in the program. A report was saved to %s; please send it to support.\n", e.crashOut.Name())
	return 3
}

func (e *environment) close() {
	for i := len(e.cleanup) - 1; i >= 0; i-- {
		e.cleanup[i]()
	}
}

// setup opens the database and log and wires the app. In demo mode the API
// is an in-process fake with sample data, the token lives in memory, and the
// database is a scratch folder removed on exit.
func setup(ctx context.Context, o options) (*environment, error) {
	env := &environment{}
	secrets := app.Secrets(app.Keyring{})
	dir := o.dataDir
	if o.demo {
		var err error
		if dir, err = env.startDemo(&o); err != nil {
			env.close()
			return nil, err
		}
		secrets = &app.Memory{}
	}
	if dir == "" {
		cfg, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("find the config folder: %w", err)
		}
		dir = filepath.Join(cfg, "C2Desk")
	}
	// The log, the crash report and office.json live here whichever the
	// database, and a new system user (an office server) has no folder yet.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		env.close()
		return nil, err
	}
	if o.exclusive {
		release, err := lockDataDir(dir)
		if err != nil {
			env.close()
			return nil, err
		}
		env.cleanup = append(env.cleanup, release)
	}
	store, err := openStore(ctx, o, dir, secrets, env)
	if err != nil {
		env.close()
		return nil, err
	}
	env.store = store
	env.cleanup = append(env.cleanup, func() { store.Close() })

	if err := env.reportCrashes(dir); err != nil {
		env.close()
		return nil, err
	}
	logger, err := env.openLog(dir, o.startupLog)
	if err != nil {
		env.close()
		return nil, err
	}
	cfg := app.Config{APIURL: o.apiURL, Logger: logger, Redactor: env.redactor, HistoryDays: o.historyDays,
		Version: version, Build: build, DataDir: dir}
	if o.demo {
		cfg.RequestsPerSecond = -1 // the fake runs in this process: no tariff to spare
		cfg.LocalServers, cfg.LinksStayLocal = env.demoServers(o.apiURL), true
	}
	env.secrets, env.cfg, env.dir = secrets, cfg, dir
	if env.core, err = env.newCore(ctx, store); err != nil {
		env.close()
		return nil, err
	}
	// A command that polled for the office gives the lease up as it ends,
	// so that the office's poller goes on at once (before the store
	// closes: cleanups run last first).
	env.cleanup = append(env.cleanup, func() {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		env.core.StepDown(c)
	})

	if o.demo {
		if err := env.seedDemo(ctx, !o.demoAgency); err != nil {
			env.close()
			return nil, fmt.Errorf("start demo: %w", err)
		}
	}
	return env, nil
}

// reportCrashes sends a panic outside run's goroutine, which ends the
// process without a deferred function, to the crash report in dir.
func (e *environment) reportCrashes(dir string) error {
	crashOut, err := openCrashReport(dir)
	if err != nil {
		return fmt.Errorf("open crash report: %w", err)
	}
	if err := debug.SetCrashOutput(crashOut, debug.CrashOptions{}); err != nil {
		crashOut.Close()
		return fmt.Errorf("open crash report: %w", err)
	}
	e.crashOut = crashOut
	e.cleanup = append(e.cleanup, func() {
		debug.SetCrashOutput(nil, debug.CrashOptions{})
		crashOut.Close()
		// A run that did not crash leaves no report behind, so a report
		// on disk always means something happened.
		if fi, err := os.Stat(crashOut.Name()); err == nil && fi.Size() == 0 {
			os.Remove(crashOut.Name())
		}
	})
	return nil
}

// openLog opens the log in dir, through the redactor that keeps secrets
// out of it; startupLog is what libraries wrote before it was open.
func (e *environment) openLog(dir, startupLog string) (*slog.Logger, error) {
	e.redactor = &app.Redactor{}
	logFile, err := os.OpenFile(filepath.Join(dir, app.LogFileName), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	e.cleanup = append(e.cleanup, func() { logFile.Close() })
	logger := slog.New(slog.NewTextHandler(e.redactor.Writer(logFile), nil))
	if startupLog != "" {
		logger.Info("logged by libraries while starting", "text", startupLog)
	}
	return logger, nil
}

// openCrashReport opens the crash report for appending. Past
// CrashFileLimit the old reports move aside, so the file stays small
// enough to attach to an e-mail.
func openCrashReport(dir string) (*os.File, error) {
	name := filepath.Join(dir, app.CrashFileName)
	if fi, err := os.Stat(name); err == nil && fi.Size() > app.CrashFileLimit {
		if err := os.Rename(name, filepath.Join(dir, app.OldCrashFileName)); err != nil {
			return nil, err
		}
	}
	return os.OpenFile(name, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
}

func newFyneApp() fyne.App {
	fa := fyneapp.NewWithID(appID)
	fa.SetIcon(ui.Icon)
	if err := ui.SetUpLanguage(fa); err != nil {
		slog.Warn("translations", "err", err)
	}
	return fa
}

func runGUI(env *environment, o options) int {
	fa := newFyneApp()
	w := fa.NewWindow("C2Desk")
	w.Resize(ui.DefaultWindowSize) // Create restores the size saved at the last close
	opts := ui.Options{Demo: o.demo, NoTray: !ui.TrayHostAvailable(), Screen: primaryScreen(), StartHidden: o.minimized}
	if !o.demo && os.Getenv("C2DESK_DATABASE") == "" && !o.databaseFlag {
		// Chosen in the window, not on the command line: the window may
		// change it.
		opts.Databases = &databases{env: env}
	}
	ui.Create(fa, w, env.core, opts)
	w.CenterOnScreen()
	if opts.Hidden() {
		fa.Run() // in the tray: its icon shows the window
		return 0
	}
	w.ShowAndRun()
	return 0
}

// startFailed says why C2Desk could not start, in a window too when the
// window was asked for, and returns the exit code.
func startFailed(err error, o options, cmd string, stderr io.Writer) int {
	if errors.Is(err, app.ErrAlreadyRunning) && (cmd == "office create" || cmd == "office join") {
		// The open window would go on working in this computer's own file.
		fmt.Fprintf(stderr, "c2desk: C2Desk is open on this computer: quit it first (File › Quit, or Quit on its tray icon), then run %s again.\n", cmd)
		return 1
	}
	if errors.Is(err, storage.ErrOfficePassword) && !typedPassword(o.database) {
		// The password is the one this computer keeps, not one just typed.
		err = &app.Problem{Msg: app.MsgOfficeRefusedHere}
	}
	fmt.Fprintln(stderr, "c2desk:", sentence(err))
	if cmd == "" {
		// Started from a desktop icon there is no terminal to read stderr:
		// say it in a window too.
		ui.ShowStartupFailure(newFyneApp(), err)
	}
	return 1
}

// parseArgs reads the flags, before and after the command, and the
// command with its argument. code is the exit code when the command line
// is wrong, its sentence written to stderr; else -1.
func parseArgs(args []string, stderr io.Writer) (o options, cmd, file string, code int) {
	o = options{startupLog: startlog.Release(os.Stderr)}
	fs := flag.NewFlagSet("c2desk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dataDir, "data-dir", "", "folder for the database and log (default: the user's config folder)")
	fs.StringVar(&o.database, "database", os.Getenv("C2DESK_DATABASE"), "the office database, postgres://user@server/database (default $C2DESK_DATABASE; none: this PC's own file)")
	fs.StringVar(&o.apiURL, "api-url", c2dapi.DefaultBaseURL, "Chat2Desk API address, version included")
	fs.IntVar(&o.historyDays, "history-days", app.DefaultHistoryDays, "how many days of chats the first load after connecting brings")
	fs.BoolVar(&o.demo, "demo", false, "use the built-in demo Chat2Desk with sample data and a scratch database")
	fs.BoolVar(&o.demoAgency, "demo-agency", false, "like --demo, with a big agency: 10,000 chats, 200,000 messages (the first load takes a minute)")
	fs.StringVar(&o.as, "as", "", "the person a command acts for; their PIN is asked for, or read from the first line of standard input")
	fs.BoolVar(&o.admin, "admin", false, "with staff add: the new person is an administrator")
	fs.BoolVar(&o.minimized, strings.TrimPrefix(app.MinimizedFlag, "--"), false, "start hidden in the system tray, as when the computer starts")
	fs.BoolVar(&o.poller, "poller", false, "with office invite: the computer polls for the office (its server), and gets the poller's credential")
	fs.StringVar(&o.listen.address, "listen", "", "with poll: receive Chat2Desk's webhooks over HTTPS on this address (for example :443)")
	fs.StringVar(&o.listen.tlsCert, "tls-cert", "", "with --listen: the server's certificate (PEM file, chain included)")
	fs.StringVar(&o.listen.tlsKey, "tls-key", "", "with --listen: the certificate's private key (PEM file)")
	fs.StringVar(&o.listen.acmeDomain, "acme-domain", "", "with --listen: get a certificate for this public domain name by ACME (Let's Encrypt); the server must answer on port 443 there")
	fs.StringVar(&o.listen.acmeDirectory, "acme-directory", "", "with --acme-domain: another ACME server's directory URL (default Let's Encrypt)")
	fs.StringVar(&o.listen.acmeCA, "acme-ca", "", "with --acme-directory: the file of that server's certificate authority, if it is a private one")
	fs.StringVar(&o.listen.publicURL, "public-url", "", "with --listen: the address Chat2Desk posts to, when it differs from https://ACME-DOMAIN (a reverse proxy, a forwarded port)")
	fs.StringVar(&o.report.from, "from", "", "with report: the first day, YYYY-MM-DD")
	fs.StringVar(&o.report.to, "to", "", "with report: the last day, YYYY-MM-DD (included)")
	fs.StringVar(&o.report.format, "format", "", "with report: csv or xlsx (default: the file name's ending)")
	fs.BoolVar(&o.listen.removeHook, "remove-webhook", false, "with --listen: remove the webhook from Chat2Desk when poll stops")
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return o, "", "", 2
	}
	if rest := fs.Args(); len(rest) > 0 {
		// Flags may also follow the command and its arguments:
		// c2desk connect --data-dir X, c2desk staff add Анна --admin.
		name, args := rest[0], []string(nil)
		for rest := rest[1:]; ; rest = rest[1:] {
			if err := fs.Parse(rest); err != nil {
				return o, "", "", 2
			}
			if rest = fs.Args(); len(rest) == 0 {
				break
			}
			args = append(args, rest[0])
		}
		var ok bool
		if cmd, file, ok = commandOf(name, args, stderr, fs.Usage); !ok {
			return o, "", "", 2
		}
	}
	fs.Visit(func(f *flag.Flag) { o.databaseFlag = o.databaseFlag || f.Name == "database" })
	if !checkOptions(&o, cmd, stderr) {
		return o, "", "", 2
	}
	return o, cmd, file, -1
}

// commandOf is the command a name and its arguments make ("office
// create", "staff add") and its one argument; ok is false, the sentence
// written, when they make none.
func commandOf(name string, args []string, stderr io.Writer, usage func()) (cmd, file string, ok bool) {
	cmd = name
	switch cmd {
	case "", "connect", "disconnect", "sync", "doctor", "poll":
		if len(args) > 0 {
			// The stray argument is not repeated: it may be a pasted token.
			fmt.Fprintf(stderr, "c2desk: %s takes no arguments; a token is read from standard input, never from the command line.\n", cmd)
			return "", "", false
		}
	case "export-config", "import-config", "report":
		if len(args) != 1 {
			fmt.Fprintf(stderr, "c2desk: %s needs one file name.\n", cmd)
			return "", "", false
		}
		file = args[0]
	case "office":
		switch {
		case len(args) == 2 && args[0] == "create":
			cmd, file = "office create", args[1]
		case len(args) == 2 && args[0] == "invite":
			cmd, file = "office invite", args[1]
		case len(args) == 1 && args[0] == "join":
			cmd = "office join" // the code is read from standard input, like the token
		case len(args) == 1 && args[0] == "secure":
			cmd = "office secure"
		default:
			fmt.Fprintln(stderr, `c2desk: office takes create URL, invite NAME (the computer's name, in quotes when it has spaces), join (the code on standard input) or secure.`)
			return "", "", false
		}
	case "files":
		if len(args) != 1 || args[0] != "secret" {
			fmt.Fprintln(stderr, "c2desk: files takes secret (the storage's secret key on standard input).")
			return "", "", false
		}
		cmd = "files secret"
	case "staff":
		sub, n := "", len(args)
		if n > 0 {
			sub = args[0]
		}
		switch {
		case sub == "list" && n == 1:
		case (sub == "add" || sub == "pin" || sub == "deactivate") && n == 2:
			file = args[1]
		default:
			fmt.Fprintln(stderr, `c2desk: staff takes list, add NAME, pin NAME or deactivate NAME (a name with spaces in quotes: "Анна Петрова").`)
			return "", "", false
		}
		cmd = "staff " + sub
	default:
		fmt.Fprintf(stderr, "c2desk: unknown command %q.\n", cmd)
		usage()
		return "", "", false
	}
	return cmd, file, true
}

// checkOptions refuses flags that do not go with the command, and sets
// what the command implies.
func checkOptions(o *options, cmd string, stderr io.Writer) bool {
	if o.admin && cmd != "staff add" {
		fmt.Fprintln(stderr, "c2desk: --admin goes with staff add only.")
		return false
	}
	if o.poller && cmd != "office invite" {
		fmt.Fprintln(stderr, "c2desk: --poller goes with office invite only.")
		return false
	}
	if msg := o.listen.check(cmd); msg != "" {
		fmt.Fprintln(stderr, "c2desk:", msg)
		return false
	}
	if msg := o.report.check(cmd); msg != "" {
		fmt.Fprintln(stderr, "c2desk:", msg)
		return false
	}
	o.demo = o.demo || o.demoAgency
	if o.demo && o.dataDir != "" {
		fmt.Fprintln(stderr, "c2desk: the demo works in a scratch folder of its own and forgets it on exit: --data-dir is not used.")
		o.dataDir = ""
	}
	o.exclusive = cmd == "" || cmd == "sync" || cmd == "poll" || cmd == "office create" || cmd == "office join"
	o.ownFile = cmd == "office join"
	if o.database != "" && !storage.IsOfficeURL(o.database) {
		fmt.Fprintln(stderr, "c2desk: --database takes an office database's address (postgres://user@server/database); without it C2Desk uses this PC's own file.")
		return false
	}
	if o.database != "" && (o.demo || cmd == "office create" || cmd == "office join") {
		fmt.Fprintln(stderr, "c2desk: --database cannot be used with the demo, office create or office join.")
		return false
	}
	return true
}

// sentence is the one plain sentence printed for an error.
func sentence(err error) string {
	if s := app.Explain(err); s != app.MsgUnknown {
		return s
	}
	return err.Error()
}
