package app

import (
	"testing"

	"golang.org/x/sys/windows/registry"
)

// The Run key gets C2Desk's command line, quoted, and loses it when the
// choice is turned off (run under Wine in CI: scripts/wine.sh).
func TestRunKeyUnderWindows(t *testing.T) {
	r := RunKey{Exe: `C:\Program Files\C2Desk\C2Desk.exe`}
	t.Cleanup(func() { r.Set(false) })
	if err := r.Set(true); err != nil {
		t.Fatal(err)
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := k.GetStringValue(runKeyValue)
	k.Close()
	if err != nil || v != `"C:\Program Files\C2Desk\C2Desk.exe" --minimized` {
		t.Fatalf("the Run key holds %q (%v)", v, err)
	}
	if on, err := r.Enabled(); !on || err != nil {
		t.Fatalf("enabled: %v %v", on, err)
	}
	if err := r.Set(false); err != nil {
		t.Fatal(err)
	}
	if on, err := r.Enabled(); on || err != nil {
		t.Fatalf("after turning it off: %v %v", on, err)
	}
	if systemAutostart() != (RunKey{}) {
		t.Fatal("Windows' autostart is not the Run key")
	}
}
