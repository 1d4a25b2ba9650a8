package ui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"testing"

	"c2desk/c2dapi/c2dfake"

	"golang.design/x/clipboard"
)

// TestPictureFromTheRealClipboard copies a picture to the X clipboard and
// reads it back as C2Desk's paste does. .ci/run runs it under Xvfb;
// elsewhere it is skipped, as no display may be there.
func TestPictureFromTheRealClipboard(t *testing.T) {
	if os.Getenv("C2DESK_REAL_DISPLAY") != "1" {
		t.Skip("set C2DESK_REAL_DISPLAY=1 with DISPLAY naming an X server")
	}
	if err := clipboard.Init(); err != nil {
		t.Fatalf("the clipboard: %v", err)
	}
	plan := c2dfake.SampleFloorPlan()
	clipboard.Write(clipboard.FmtImage, plan)
	got, err := systemClipboardImage()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	want, _, _ := image.Decode(bytes.NewReader(plan))
	if img.Bounds() != want.Bounds() {
		t.Fatalf("read %v, copied %v", img.Bounds(), want.Bounds())
	}
}
