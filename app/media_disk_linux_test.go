package app

import (
	"bytes"
	"os"
	"testing"

	"c2desk/internal/pgtest"
)

// A download onto a full disk says so in the sentence of a full disk,
// leaves no half-written file, and works once there is room.
func TestMediaOnAFullDisk(t *testing.T) {
	e := newEnv(t)
	media := e.app.mediaDir()
	disk := pgtest.MountSmallDisk(t, media)
	if err := disk.Fill(); err != nil {
		t.Fatal(err)
	}
	photo := bytes.Repeat([]byte("p"), 200<<10)
	srv := newMediaServer(t, map[string][]byte{"a.jpg": photo})
	_, err := e.app.Media(ctx, srv.URL+"/a.jpg", "kvartira.jpg")
	if Explain(err) != MsgDiskFull {
		t.Fatalf("on a full disk: %v (%s)", err, Explain(err))
	}
	entries, _ := os.ReadDir(media)
	if len(entries) != 1 {
		t.Fatalf("left on the disk: %v", entries)
	}
	if err := disk.Free(); err != nil {
		t.Fatal(err)
	}
	p, err := e.app.Media(ctx, srv.URL+"/a.jpg", "kvartira.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, photo) {
		t.Fatal("the file differs once there was room")
	}
}
