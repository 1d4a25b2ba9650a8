package app

// An agent's PC starts C2Desk with the desktop session, hidden in the
// system tray, so that the first client of the morning is heard even
// before anyone opens the window: on Windows as a value under the user's
// Run key, elsewhere as an XDG autostart entry. What is written starts
// the program that is running now, with MinimizedFlag.

import (
	"os"
	"path/filepath"
	"strings"
)

// MinimizedFlag starts C2Desk hidden in the system tray.
const MinimizedFlag = "--minimized"

// Autostart is where the system keeps the programs that start with the
// desktop session.
type Autostart interface {
	Enabled() (bool, error)
	Set(on bool) error
}

// StartsWithComputer reports whether C2Desk starts with the desktop session.
func (a *App) StartsWithComputer() (bool, error) { return a.autostart().Enabled() }

// SetStartWithComputer makes C2Desk start with the desktop session, or not.
func (a *App) SetStartWithComputer(on bool) error {
	err := a.autostart().Set(on)
	if err != nil {
		a.log.Warn("start with the computer", "on", on, "err", err)
	}
	return err
}

func (a *App) autostart() Autostart {
	if a.cfg.Autostart != nil {
		return a.cfg.Autostart
	}
	return systemAutostart()
}

// XDGAutostart is a desktop entry in an XDG autostart folder, as GNOME,
// KDE, Xfce and others read it.
type XDGAutostart struct {
	Dir string // the folder; $XDG_CONFIG_HOME/autostart when empty
	Exe string // the program; this one when empty
}

const xdgEntryName = "com.c2desk.desktop.desktop"

func (x XDGAutostart) path() (string, error) {
	dir := x.Dir
	if dir == "" {
		config, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(config, "autostart")
	}
	return filepath.Join(dir, xdgEntryName), nil
}

// Enabled: the entry is there and not switched off.
func (x XDGAutostart) Enabled() (bool, error) {
	p, err := x.path()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return false, nil
	}
	return err == nil && !strings.Contains(string(data), "\nHidden=true"), err
}

// Set writes or removes the entry.
func (x XDGAutostart) Set(on bool) error {
	p, err := x.path()
	if err != nil {
		return err
	}
	if !on {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return DiskFull(err)
		}
		return nil
	}
	exe, err := executable(x.Exe)
	if err != nil {
		return err
	}
	entry := "[Desktop Entry]\nType=Application\nName=C2Desk\nComment=Chat2Desk for the office, in the system tray\n" +
		"Exec=" + desktopExecQuote(exe) + " " + MinimizedFlag + "\nIcon=com.c2desk.desktop\nTerminal=false\n" +
		"X-GNOME-Autostart-enabled=true\n"
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return DiskFull(err)
	}
	return DiskFull(os.WriteFile(p, []byte(entry), 0o644))
}

// desktopExecQuote quotes a program's path as the Desktop Entry
// Specification's Exec key wants it.
func desktopExecQuote(path string) string {
	r := strings.NewReplacer(`\`, `\\\\`, `"`, `\\"`, "`", "\\\\`", "$", `\\$`)
	return `"` + r.Replace(path) + `"`
}

// executable is exe, or the program running now, resolved past links
// (a package manager's /usr/bin link stays valid; a temporary one not).
func executable(exe string) (string, error) {
	if exe != "" {
		return exe, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(exe)
}

// runCommand is the command line Windows' Run key starts: the program's
// path in quotes (it may hold spaces, as Program Files does), then the flag.
func runCommand(exe string) string { return `"` + exe + `" ` + MinimizedFlag }
