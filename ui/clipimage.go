package ui

import (
	"errors"
	"sync"

	"golang.design/x/clipboard"
)

// Fyne's clipboard holds text only. A copied picture (a screenshot, an
// image copied in a browser) is read through golang.design/x/clipboard:
// the Windows clipboard, or X11's, which it reaches through libX11.so.

var clipboardReady = sync.OnceValue(clipboard.Init)

// errNoPictureClipboard: this computer's clipboard cannot give pictures.
var errNoPictureClipboard = errors.New("the clipboard's pictures cannot be read here")

// systemClipboardImage is the picture on the clipboard as PNG; nil when
// the clipboard holds none.
func systemClipboardImage() ([]byte, error) {
	if clipboardReady() != nil {
		return nil, errNoPictureClipboard
	}
	return clipboard.Read(clipboard.FmtImage), nil
}
