package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The autostart entry starts the program where it is, whatever its path
// holds, and the desktop's own validator accepts it.
func TestXDGAutostartEntry(t *testing.T) {
	dir := t.TempDir()
	x := XDGAutostart{Dir: dir, Exe: `/home/Ольга Смирнова/apps/c2desk "new"/$HOME/c2desk`}
	if on, err := x.Enabled(); on || err != nil {
		t.Fatalf("before: %v %v", on, err)
	}
	if err := x.Set(true); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(dir, "com.c2desk.desktop.desktop")
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatal(err)
	}
	want := "\nExec=\"/home/Ольга Смирнова/apps/c2desk \\\\\"new\\\\\"/\\\\$HOME/c2desk\" --minimized\n"
	if !strings.Contains(string(data), want) {
		t.Fatalf("the entry:\n%s\nwant the line %q", data, want)
	}
	if out, err := exec.Command("desktop-file-validate", entry).CombinedOutput(); err != nil {
		t.Fatalf("desktop-file-validate: %v %s", err, out)
	}
	if on, err := x.Enabled(); !on || err != nil {
		t.Fatalf("after: %v %v", on, err)
	}
	if err := x.Set(false); err != nil {
		t.Fatal(err)
	}
	if on, _ := x.Enabled(); on {
		t.Fatal("still on")
	}
	if err := x.Set(false); err != nil {
		t.Fatalf("off twice: %v", err)
	}
}

// Windows' Run key gets the path in quotes: Program Files has a space.
func TestRunKeyCommand(t *testing.T) {
	if got := runCommand(`C:\Program Files\C2Desk\C2Desk.exe`); got != `"C:\Program Files\C2Desk\C2Desk.exe" --minimized` {
		t.Fatal(got)
	}
}
