package app

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A download onto a full disk says so in the sentence of a full disk,
// leaves no half-written file, and works once there is room.
func TestMediaOnAFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("filling a disk mounts a small filesystem, which needs root: run the tests as root, as scripts/test.sh does in CI")
	}
	e := newEnv(t)
	media := e.app.mediaDir()
	if err := os.MkdirAll(media, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", media, "tmpfs", 0, "size=1m,mode=0700"); err != nil {
		t.Fatalf("mount a small filesystem: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(media, syscall.MNT_DETACH) })
	filler := filepath.Join(media, "filler")
	f, err := os.Create(filler)
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
	photo := bytes.Repeat([]byte("p"), 200<<10)
	srv := newMediaServer(t, map[string][]byte{"a.jpg": photo})
	_, err = e.app.Media(ctx, srv.URL+"/a.jpg", "kvartira.jpg")
	if Explain(err) != MsgDiskFull {
		t.Fatalf("on a full disk: %v (%s)", err, Explain(err))
	}
	entries, _ := os.ReadDir(media)
	if len(entries) != 1 {
		t.Fatalf("left on the disk: %v", entries)
	}
	os.Remove(filler)
	p, err := e.app.Media(ctx, srv.URL+"/a.jpg", "kvartira.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, photo) {
		t.Fatal("the file differs once there was room")
	}
}
