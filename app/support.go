package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"c2desk/storage"
)

// The files C2Desk keeps beside its database.
const (
	LogFileName   = "c2desk.log"
	CrashFileName = "crash.txt"
	// OldCrashFileName holds the previous reports once crash.txt grows
	// past CrashFileLimit, so the file stays small enough to e-mail.
	OldCrashFileName = "crash.old.txt"
	CrashFileLimit   = 1 << 20
)

// About is what support asks first: which C2Desk, on what, and where its
// files are. It holds no secret and may be copied into an e-mail.
type About struct {
	Version   string // the release, as in FyneApp.toml
	Build     string // the build number, with the commit when known
	GoVersion string
	OS        string // operating system and architecture
	DataDir   string
	Database  string
	LogFile   string
	CrashFile string
	// CrashReport is the size and time of the crash report, zero when
	// C2Desk has not crashed here.
	CrashReportSize int64
	CrashReportAt   time.Time
}

// About describes this installation.
func (a *App) About() About {
	dir := a.dataDir()
	ab := About{
		Version:   a.cfg.Version,
		Build:     describeBuild(a.cfg.Build),
		GoVersion: runtime.Version(),
		OS:        runtime.GOOS + "/" + runtime.GOARCH,
		DataDir:   dir,
		Database:  a.store.Path(),
		LogFile:   filepath.Join(dir, LogFileName),
		CrashFile: filepath.Join(dir, CrashFileName),
	}
	if ab.Version == "" {
		ab.Version = "dev"
	}
	if fi, err := os.Stat(ab.CrashFile); err == nil && fi.Size() > 0 {
		ab.CrashReportSize, ab.CrashReportAt = fi.Size(), fi.ModTime()
	}
	return ab
}

// String is the About as plain lines, for the clipboard and crash reports.
func (ab About) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "C2Desk %s (build %s), %s, %s\n", ab.Version, ab.Build, ab.OS, ab.GoVersion)
	fmt.Fprintf(&b, "Data folder: %s\nLog: %s\nCrash report: %s", ab.DataDir, ab.LogFile, ab.CrashFile)
	if ab.CrashReportSize == 0 {
		b.WriteString(" (none)")
	} else {
		fmt.Fprintf(&b, " (%d bytes, %s)", ab.CrashReportSize, ab.CrashReportAt.Format(time.RFC3339))
	}
	b.WriteByte('\n')
	return b.String()
}

// describeBuild adds the commit the binary was built from, as Go records
// it, to the build number.
func describeBuild(build string) string {
	if build == "" {
		build = "0"
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return build
	}
	var rev string
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return build
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		rev += "+changes"
	}
	return build + ", " + rev
}

// supportChecks are the doctor's first lines: the version and the files.
func (a *App) supportChecks(ctx context.Context) []Check {
	ab := a.About()
	out := []Check{{Name: "version", OK: true, Detail: fmt.Sprintf("C2Desk %s (build %s), %s, %s", ab.Version, ab.Build, ab.OS, ab.GoVersion)}}

	folder := Check{Name: "folder", OK: true, Detail: ab.DataDir}
	if err := writable(ab.DataDir); err != nil {
		folder = Check{Name: "folder", Detail: "cannot write to " + ab.DataDir + ": " + err.Error()}
	}
	out = append(out, folder)

	db := Check{Name: "database", OK: true}
	v, err := a.store.SchemaVersion(ctx)
	if err == nil {
		err = a.store.Check(ctx)
	}
	if err != nil {
		db.OK, db.Detail = false, Explain(err)+" ("+ab.Database+")"
	} else {
		if a.store.Office() {
			db.Detail = fmt.Sprintf("office database %s (%s, schema %d)", ab.Database, a.store.Engine(), v)
		} else {
			size := int64(0)
			if fi, err := os.Stat(ab.Database); err == nil {
				size = fi.Size()
			}
			db.Detail = fmt.Sprintf("%s (schema %d, %s)", ab.Database, v, byteSize(size))
		}
	}
	out = append(out, db)
	if a.store.Office() {
		out = append(out, a.transportCheck())
	}
	out = append(out, Check{Name: "log", OK: true, Detail: ab.LogFile})

	crash := Check{Name: "crashes", OK: true, Detail: "no crash report"}
	if ab.CrashReportSize > 0 {
		crash = Check{Name: "crashes", Detail: fmt.Sprintf("C2Desk crashed; the report is %s (%s, last written %s): send it to support",
			ab.CrashFile, byteSize(ab.CrashReportSize), ab.CrashReportAt.Format("2006-01-02 15:04"))}
	}
	out = append(out, crash)

	pending, err := a.store.Pending(ctx)
	outbox := Check{Name: "outbox", OK: true}
	if err != nil {
		outbox.OK, outbox.Detail = false, Explain(err)
	} else {
		waiting, failed := 0, 0
		for _, it := range pending {
			if it.State == storage.OutboxFailed {
				failed++
			} else {
				waiting++
			}
		}
		outbox.Detail = fmt.Sprintf("messages waiting to be sent: %d; not sent: %d", waiting, failed)
		if failed > 0 {
			outbox.OK = false
			outbox.Detail += ": open their chats to send them again or discard them"
		}
	}
	return append(out, outbox)
}

// writable checks that a file can be created in dir.
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// transportCheck says how the office database is reached, and plainly
// when the office's network can read it.
func (a *App) transportCheck() Check {
	switch a.store.Transport() {
	case storage.TransportLocal:
		return Check{Name: "network", OK: true, Detail: "the office database is on this machine"}
	case storage.TransportVerified:
		return Check{Name: "network", OK: true, Detail: "TLS, the server's certificate checked"}
	}
	return Check{Name: "network", Detail: MsgOfficeReadable}
}
