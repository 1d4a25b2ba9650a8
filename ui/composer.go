package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// composerEntry is the message field: Enter sends, Shift+Enter starts a
// new line, as in every messenger.
type composerEntry struct {
	widget.Entry
	shift  bool
	onSend func()
	// onEscape drops what the composer is about to do besides its text
	// (the quoted message).
	onEscape func()
	// onPasteFiles takes a paste that names files on this PC (a file
	// manager's copy), which become attachments instead of text;
	// onPasteNoText a paste of no text, which may be a picture.
	onPasteFiles  func(paths []string)
	onPasteNoText func()
}

func newComposerEntry(onSend func(), onChanged func(string)) *composerEntry {
	e := &composerEntry{onSend: onSend}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	// Two rows: a longer message scrolls; on a laptop's short screen the
	// messages keep the height.
	e.SetMinRowsVisible(2)
	e.OnChanged = onChanged
	e.ExtendBaseWidget(e)
	return e
}

// KeyDown notes Shift, which turns Enter into a new line.
func (e *composerEntry) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(k)
}

// KeyUp notes Shift's release.
func (e *composerEntry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(k)
}

// TypedKey sends on a plain Enter; Escape drops a quote.
func (e *composerEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	if (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && !e.shift {
		if e.onSend != nil {
			e.onSend()
		}
		return
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut turns a paste of copied files, or of a copied picture,
// into attachments; text is pasted as text.
func (e *composerEntry) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok && p.Clipboard != nil && e.onPasteFiles != nil {
		text := p.Clipboard.Content()
		if paths := localPaths(text); len(paths) > 0 {
			e.onPasteFiles(paths)
			return
		}
		if text == "" && e.onPasteNoText != nil {
			e.onPasteNoText()
			return
		}
	}
	e.Entry.TypedShortcut(s)
}
