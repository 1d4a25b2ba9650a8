package app

import (
	"os"
	"testing"
)

// A received file written to disk carries the Mark of the Web.
func TestMarkOfTheWebOnDisk(t *testing.T) {
	// Not t.TempDir: Wine 8 cannot remove a folder the way Go 1.26 does
	// (FILE_DISPOSITION_POSIX_SEMANTICS), and this test runs there in CI.
	f, err := os.CreateTemp("", "Договор-*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	file := f.Name()
	t.Cleanup(func() { os.Remove(file) })
	if _, err := f.WriteString("%PDF-1.4"); err != nil || f.Close() != nil {
		t.Fatal(err)
	}
	if err := MarkFromInternet(file, "https://files.example/d/Договор.pdf?sig=1"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file + ":Zone.Identifier")
	if err != nil || string(got) != zoneIdentifier("https://files.example/d/Договор.pdf") {
		t.Fatalf("the mark: %q (%v)", got, err)
	}
}
