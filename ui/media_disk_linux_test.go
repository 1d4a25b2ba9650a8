package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"c2desk/app"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// Save as… onto a full disk says so, in the reader's words.
func TestSaveAsOntoAFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("filling a disk mounts a small filesystem, which needs root: run the tests as root, as scripts/test.sh does in CI")
	}
	h := start(t, false, office(t, ""))
	h.fake.ServeSamples(h.api)
	h.signIn()
	h.openChat(9001)
	var conv app.Conversation
	background(h.ui, func(ctx context.Context) (app.Conversation, error) {
		return h.ui.session.Conversation(ctx, 9001, 0, 100)
	}, func(c app.Conversation, err error) { conv = c })
	h.eventually("the conversation", func() bool { return len(conv.Messages) > 0 })
	photo := conv.Messages[0].Attachments[0]

	disk := t.TempDir()
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=1m,mode=0700"); err != nil {
		t.Fatalf("mount a small filesystem: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(disk, syscall.MNT_DETACH) })
	f, err := os.Create(filepath.Join(disk, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	for chunk := make([]byte, 64<<10); ; {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	f.Close()
	w, err := storage.Writer(storage.NewFileURI(filepath.Join(disk, "kvartira.jpg")))
	if err != nil {
		t.Fatal(err)
	}
	status := widget.NewLabel("")
	h.ui.chats.conv.saveTo(photo, w, status)
	h.eventually("the full disk's sentence", func() bool { return status.Text == app.MsgDiskFull })
}
