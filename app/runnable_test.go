package app

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRunnableNamesAndLinks(t *testing.T) {
	programs := []string{"setup.exe", "Договор.pdf.exe", "x.pdf.exe", "INVOICE.HTA", "report.js", "Счёт.lnk", "run.ps1",
		"a.wsf", "app.jar", "keys.reg", "panel.cpl", "console.msc", "disk.iso", "disk.img", "x.exe.", "x.exe  ", "x.exe::$DATA",
		"x.exe:stream", `C:\Users\Ольга\Downloads\x.bat`, "https://files.example/d/Договор.pdf.exe?sig=1",
		"https://files.example/run.hta#x", "Договор\u202Efdp.exe", "start.desktop", "bin.AppImage"}
	others := []string{"Договор.pdf", "kvartira.jpg", "plan.png", "notes.txt", "archive.zip", "exe", "x.exe.pdf",
		"https://files.example/photo.jpg?name=a.exe", "https://files.example/exe/photo.jpg", ""}
	for _, n := range programs {
		if !Runnable(n) {
			t.Errorf("%q counted as safe to open", n)
		}
	}
	for _, n := range others {
		if Runnable(n) {
			t.Errorf("%q counted as a program", n)
		}
	}
	// A stored kind does not hide a program: the name or the link tells.
	for _, a := range []Attachment{{Name: "kvartira.jpg", Link: "https://x.example/a.exe", Kind: KindPhoto},
		{Name: "Договор.pdf.exe", Link: "https://x.example/d.pdf", Kind: KindPDF}, {Link: "https://x.example/x.pdf.exe"}} {
		if KindOf(a) != KindProgram {
			t.Errorf("%+v shown as %s", a, KindOf(a))
		}
	}
	if KindOf(Attachment{Name: "kvartira.jpg", Link: "https://x.example/a.jpg"}) != KindPhoto {
		t.Error("a photo is no longer a photo")
	}
}

// A program is cached without an extension, so nothing can run it from
// the cache; an extension that is not plain letters and digits (a stream,
// a path) is dropped too.
func TestCachedNamesCannotRun(t *testing.T) {
	e := newEnv(t)
	cases := map[string]string{"Договор.pdf.exe": "", "kvartira.jpg": ".jpg", "x.pdf:Zone.Identifier": "",
		"plan.PNG": ".png", `a.p\df`: "", "x.exe.": ""}
	for name, ext := range cases {
		if got := filepath.Ext(e.app.mediaPath("https://x.example/file", name)); got != ext {
			t.Errorf("%q cached as %q, want %q", name, got, ext)
		}
	}
	if filepath.Ext(e.app.mediaPath("https://x.example/run.exe", "")) != "" {
		t.Error("a program by its link kept its extension")
	}
}

func TestMarkOfTheWeb(t *testing.T) {
	got := zoneIdentifier("https://user:pw@files.example/d/Договор.pdf?X-Amz-Signature=abc")
	if !strings.HasPrefix(got, "[ZoneTransfer]\r\nZoneId=3\r\n") || !strings.Contains(got, "HostUrl=https://files.example/d/") ||
		strings.Contains(got, "Signature") || strings.Contains(got, "pw") {
		t.Fatalf("%q", got)
	}
	if zoneIdentifier("not a link") != "[ZoneTransfer]\r\nZoneId=3\r\n" {
		t.Fatal("a file from no link is still from the internet, with no address")
	}
}
