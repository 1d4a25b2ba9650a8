package ui

import (
	"path/filepath"
	"testing"

	"c2desk/app"
	"c2desk/internal/pgtest"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// Save as… onto a full disk says so, in the reader's words.
func TestSaveAsOntoAFullDisk(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.fake.ServeSamples(h.api)
	h.signIn()
	h.openChat(9001)
	photo := h.conversation(9001).Messages[0].Attachments[0]

	disk := t.TempDir()
	if err := pgtest.MountSmallDisk(t, disk).Fill(); err != nil {
		t.Fatal(err)
	}
	w, err := storage.Writer(storage.NewFileURI(filepath.Join(disk, "kvartira.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	status := widget.NewLabel("")
	h.ui.chats.conv.files.saveTo(photo, w, status)
	h.eventually("the full disk's sentence", func() bool { return status.Text == app.MsgDiskFull })
}
