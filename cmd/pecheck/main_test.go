package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRejectsWhatAnOfficePCCannotUse builds small Windows programs that
// lack what C2Desk.exe must have, and checks each is refused with its reason.
// The real executable is checked by scripts/package.sh windows.
func TestRejectsWhatAnOfficePCCannotUse(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Windows programs")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() { println(\"hi\") }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	build := func(name string, ldflags string) string {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, "-ldflags", ldflags, src)
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0", "GOFLAGS=")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, b)
		}
		return out
	}
	for _, c := range []struct {
		file, want string
	}{
		{build("console.exe", ""), "console window"},
		{build("bare.exe", "-H=windowsgui"), "no resources"},
		{src, "not a Windows executable"},
	} {
		_, err := check(c.file, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", filepath.Base(c.file), err, c.want)
		}
	}
}
