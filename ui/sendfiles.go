package ui

// The conversation's files room, sending: the paperclip, dropped and pasted
// files, the preview before they go and the bars of their uploads.

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// files is what the conversation knows of the open chat's files and of
// those being sent: the paperclip, the preview before sending, the upload
// bars, and the received files (media.go).
type files struct {
	conv *conversationView
	// media is what is known of the open chat's files.
	media map[string]*mediaState
	// attach is the paperclip; preview the files about to be sent, if any.
	attach  *widget.Button
	preview *filePreview
	// progress holds the bars of the files being uploaded, by outbox item;
	// uploadsShown tells the window's ticker whether any is shown.
	progress     map[int64]*widget.ProgressBar
	uploadsShown atomic.Bool
}

func newFiles(v *conversationView) *files {
	fs := &files{conv: v, media: map[string]*mediaState{}, progress: map[int64]*widget.ProgressBar{}}
	fs.attach = widget.NewButtonWithIcon("", theme.MailAttachmentIcon(), fs.attachFile)
	return fs
}

// clear forgets what was known of the last chat's files.
func (fs *files) clear() { fs.media = map[string]*mediaState{} }

// uploadTimeout bounds sending a batch of files from this window: each may
// be 20 MB on an office's line. A send cut short stays in the outbox.
const uploadTimeout = 15 * time.Minute

// pickedFile is a file chosen to send, read into memory, or why it cannot
// be sent.
type pickedFile struct {
	name string
	data []byte
	err  error
}

// readPicked reads files chosen by path (dropped, pasted), checking each
// before its bytes are read: a 2 GB video is refused by its size alone.
func readPicked(paths []string) []pickedFile {
	out := make([]pickedFile, 0, len(paths))
	for _, p := range paths {
		name := filepath.Base(p)
		info, err := os.Stat(p)
		switch {
		case err != nil:
			out = append(out, pickedFile{name: name, err: err})
			continue
		case info.IsDir():
			out = append(out, pickedFile{name: name, err: folderError{name}})
			continue
		}
		if err := app.CheckFile(name, int(min(info.Size(), app.MaxFileSize+1))); err != nil {
			out = append(out, pickedFile{name: name, err: err})
			continue
		}
		data, err := os.ReadFile(p)
		out = append(out, pickedFile{name: name, data: data, err: err})
	}
	return out
}

// readChosen reads a file from the file dialog, within the size bound.
func readChosen(r fyne.URIReadCloser) pickedFile {
	defer r.Close()
	name := r.URI().Name()
	data, err := io.ReadAll(io.LimitReader(r, app.MaxFileSize+1))
	if err == nil {
		err = app.CheckFile(name, len(data))
	}
	return pickedFile{name: name, data: data, err: err}
}

// folderError says a folder was dropped where files were meant.
type folderError struct{ name string }

func (e folderError) Error() string {
	return lang.L("{{.Name}} is a folder: choose the files in it.", map[string]any{"Name": e.name})
}

// pickedSentence is why a picked file cannot go, in the reader's language.
func pickedSentence(err error) string {
	var f folderError
	if errors.As(err, &f) {
		return f.Error()
	}
	if errors.Is(err, os.ErrNotExist) {
		return lang.L("The file is no longer there.")
	}
	return sentence(err)
}

// attachFile is the paperclip: it explains what an administrator must set
// up when the office has no file storage, else offers the file dialog.
func (fs *files) attachFile() {
	fs.withFileStorage(func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil {
				fs.conv.say(sentence(err))
				return
			}
			if r == nil {
				return // cancelled
			}
			background(fs.conv.tab.u, func(context.Context) (pickedFile, error) {
				return readChosen(r), nil
			}, func(f pickedFile, _ error) { fs.addPicked([]pickedFile{f}) })
		}, fs.conv.tab.u.win)
		d.Resize(fyne.NewSize(720, 520))
		fs.conv.tab.u.showDialog(d)
	})
}

// withFileStorage runs then when the office can send files; else it says
// what an administrator must set up.
func (fs *files) withFileStorage(then func()) {
	if fs.conv.chat.ID == 0 {
		return
	}
	if fs.conv.compose.note.Checked {
		// A file always goes to the client; a note never may.
		fs.conv.say(lang.L("Internal notes take text only: a file would go to the client. Untick Internal note to send it."))
		return
	}
	core := fs.conv.tab.u.core
	background(fs.conv.tab.u, func(ctx context.Context) (bool, error) {
		_, ok, err := core.FileStorage(ctx)
		return ok, err
	}, func(ok bool, err error) {
		switch {
		case err != nil:
			fs.conv.say(sentence(err))
		case !ok:
			fs.conv.say(translate(app.MsgNoFileStorage, nil))
		default:
			fs.conv.status.Hide()
			then()
		}
	})
}

// attachPaths offers files given by path (dropped on the window, pasted)
// for sending.
func (fs *files) attachPaths(paths []string) {
	if len(paths) == 0 {
		return
	}
	fs.withFileStorage(func() {
		background(fs.conv.tab.u, func(context.Context) ([]pickedFile, error) {
			return readPicked(paths), nil
		}, func(files []pickedFile, _ error) { fs.addPicked(files) })
	})
}

// attachClipboardImage offers a picture copied to the clipboard (a
// screenshot) for sending, as a PNG named by the time it was pasted.
func (fs *files) attachClipboardImage() {
	read := fs.conv.tab.u.opts.clipboardImage
	if read == nil {
		read = systemClipboardImage
	}
	if fs.conv.chat.ID == 0 {
		return
	}
	background(fs.conv.tab.u, func(context.Context) ([]byte, error) {
		return read()
	}, func(png []byte, err error) {
		switch {
		case errors.Is(err, errNoPictureClipboard):
			// A paste without text is most likely a picture.
			fs.conv.say(lang.L("C2Desk cannot read pictures from this computer's clipboard. Save the picture as a file and drag it here."))
		case err != nil:
			fs.conv.say(sentence(err))
		case len(png) > 0:
			name := "image-" + time.Now().Format("2006-01-02-150405") + ".png"
			fs.withFileStorage(func() {
				fs.addPicked([]pickedFile{{name: name, data: png, err: app.CheckFile(name, len(png))}})
			})
		}
	})
}

// localPaths is what a pasted or dropped text names as files on this PC:
// one path or file:// URI per line, every line one; nil when the text is
// anything else, which is pasted as text.
func localPaths(text string) []string {
	var out []string
	for line := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "file://") {
			u, err := url.Parse(line)
			if err != nil {
				return nil
			}
			line = filepath.FromSlash(u.Path)
			if len(line) > 2 && line[0] == filepath.Separator && line[2] == ':' {
				line = line[1:] // file:///C:/… on Windows
			}
		}
		if !filepath.IsAbs(line) {
			return nil
		}
		if _, err := os.Stat(line); err != nil {
			return nil
		}
		out = append(out, line)
	}
	return out
}

// dropped takes files dragged onto the window to the open chat's preview.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	if u.chats == nil || !u.inSession || u.chats.conv.chat.ID == 0 {
		return
	}
	var paths []string
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			paths = append(paths, uri.Path())
		}
	}
	u.chats.conv.files.attachPaths(paths)
}

// filePreview is the dialog before files go: each file with its thumbnail
// or icon, size and any reason it cannot go, a caption, and Send.
type filePreview struct {
	room     *files
	dialogID int64
	files    []pickedFile
	list     *fyne.Container
	caption  *widget.Entry
	send     *widget.Button
	status   *widget.Label
	dialog   *dialog.CustomDialog
}

// addPicked adds files to the open preview, opening one if need be.
func (fs *files) addPicked(picked []pickedFile) {
	if len(picked) == 0 || fs.conv.chat.ID == 0 {
		return
	}
	if p := fs.preview; p != nil && p.dialogID == fs.conv.chat.ID {
		p.files = append(p.files, picked...)
		p.refresh()
		return
	}
	p := &filePreview{room: fs, dialogID: fs.conv.chat.ID, files: picked}
	p.list = container.NewVBox()
	p.caption = widget.NewMultiLineEntry()
	p.caption.SetPlaceHolder(lang.L("Caption (optional): it goes with the first file"))
	p.caption.Wrapping = fyne.TextWrapWord
	p.caption.SetMinRowsVisible(2)
	p.status = paragraph("", widget.DangerImportance)
	p.status.Hide()
	add := widget.NewButtonWithIcon(lang.L("Add a file…"), theme.ContentAddIcon(), fs.attachFile)
	add.Importance = widget.LowImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { p.dialog.Hide() })
	p.send = widget.NewButtonWithIcon(lang.L("Send"), theme.MailSendIcon(), p.sendAll)
	p.send.Importance = widget.HighImportance
	scroll := container.NewVScroll(p.list)
	scroll.SetMinSize(fyne.NewSize(480, 230))
	body := container.NewBorder(nil, container.NewVBox(container.NewHBox(add, layout.NewSpacer()), p.caption, p.status), nil, nil, scroll)
	p.dialog = dialog.NewCustomWithoutButtons(lang.L("Send files to {{.Name}}", map[string]any{"Name": chatTitle(fs.conv.chat)}), body, fs.conv.tab.u.win)
	p.dialog.SetButtons([]fyne.CanvasObject{cancel, p.send})
	p.dialog.SetOnClosed(func() {
		if fs.preview == p {
			fs.preview = nil
		}
	})
	fs.preview = p
	p.refresh()
	fs.conv.tab.u.showDialog(p.dialog)
	p.dialog.Resize(fyne.NewSize(560, 480))
	fs.conv.tab.u.win.Canvas().Focus(p.caption)
}

// refresh lists the files again, and allows Send only when every one can go.
func (p *filePreview) refresh() {
	rows := make([]fyne.CanvasObject, 0, len(p.files))
	refused := 0
	for i, f := range p.files {
		rows = append(rows, p.row(i, f))
		if f.err != nil {
			refused++
		}
	}
	p.list.Objects = rows
	p.list.Refresh()
	switch {
	case len(p.files) == 0:
		p.send.Disable()
	case refused > 0:
		p.send.Disable()
		say(p.status, lang.L("Remove the files C2Desk cannot send, then send the others."), widget.WarningImportance)
	default:
		p.send.Enable()
		p.status.Hide()
	}
}

// previewThumb is the size of a picture's thumbnail in the preview.
var previewThumb = fyne.NewSize(64, 48)

func (p *filePreview) row(i int, f pickedFile) fyne.CanvasObject {
	var thumb fyne.CanvasObject
	kind := app.AttachmentKind(f.name, "")
	if kind == app.KindPhoto && f.err == nil {
		if _, _, err := image.DecodeConfig(bytes.NewReader(f.data)); err == nil {
			img := canvas.NewImageFromReader(bytes.NewReader(f.data), f.name)
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(previewThumb)
			thumb = img
		}
	}
	if thumb == nil {
		icon := widget.NewIcon(kindIcon(kind))
		thumb = container.New(fixedWidth{previewThumb.Width}, container.NewCenter(icon))
	}
	name := widget.NewLabelWithStyle(f.name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	about := widget.NewLabel(kindName(kind) + " · " + sizeText(int64(len(f.data))))
	about.SizeName = theme.SizeNameCaptionText
	about.Importance = widget.LowImportance
	if f.err != nil {
		about = paragraph(pickedSentence(f.err), widget.DangerImportance)
		about.SizeName = theme.SizeNameCaptionText
	}
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		p.files = append(p.files[:i:i], p.files[i+1:]...)
		p.refresh()
		if len(p.files) == 0 {
			p.dialog.Hide()
		}
	})
	remove.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, thumb, remove, container.NewVBox(name, about))
}

// sendAll queues the files (the caption with the first), closes the
// preview, then uploads and sends them; the bubbles show how far each got.
func (p *filePreview) sendAll() {
	fs, v := p.room, p.room.conv
	outgoing := make([]app.OutgoingFile, 0, len(p.files))
	for _, f := range p.files {
		outgoing = append(outgoing, app.OutgoingFile{Name: f.name, Data: f.data})
	}
	caption, id := p.caption.Text, p.dialogID
	p.send.Disable()
	background(v.tab.u, func(ctx context.Context) ([]app.OutboxItem, error) {
		return v.tab.session.QueueFiles(ctx, id, outgoing, caption)
	}, func(items []app.OutboxItem, err error) {
		if err != nil {
			p.send.Enable()
			say(p.status, sentence(err), widget.DangerImportance)
			return
		}
		p.dialog.Hide()
		if v.chat.ID == id {
			v.list.load(true)
		}
		fs.deliverFiles(id, items)
	})
}

// deliverFiles uploads and sends queued files now, one after the other; a
// failure shows on its bubble, with Retry.
func (fs *files) deliverFiles(dialogID int64, items []app.OutboxItem) {
	s := fs.conv.tab.session
	backgroundWithin(fs.conv.tab.u, uploadTimeout, func(ctx context.Context) (struct{}, error) {
		s.SendFiles(ctx, items)
		return struct{}{}, nil
	}, func(struct{}, error) {
		if fs.conv.chat.ID == dialogID {
			fs.conv.list.load(true)
		}
		fs.conv.tab.reload()
	})
}

// outgoingFile is a file in the outbox on its bubble: name and size, and
// while it is being uploaded from this PC, a bar of how far it got.
func (fs *files) outgoingFile(outboxID int64, f *app.OutboxFile, uploading bool) fyne.CanvasObject {
	kind := app.AttachmentKind(f.Name, f.Mime)
	name := widget.NewLabelWithStyle(f.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	about := widget.NewLabel(kindName(kind) + " · " + sizeText(f.Size))
	about.SizeName = theme.SizeNameCaptionText
	about.Importance = widget.LowImportance
	parts := []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(kindIcon(kind)), nil, container.NewVBox(name, about))}
	if uploading && outboxID != 0 {
		bar := widget.NewProgressBar()
		bar.TextFormatter = func() string {
			if bar.Value >= 1 {
				return lang.L("Uploaded; waiting for the storage to confirm…")
			}
			return lang.L("Uploading: {{.Percent}}%", map[string]any{"Percent": int(bar.Value * 100)})
		}
		if done, ok := fs.conv.tab.u.core.UploadProgress(outboxID); ok {
			bar.SetValue(done)
		} else {
			bar.Hide() // not begun here yet, or uploaded by the office's poller
		}
		fs.progress[outboxID] = bar
		fs.uploadsShown.Store(true)
		parts = append(parts, bar)
	}
	return container.NewVBox(parts...)
}

// dropBars forgets the upload bars: the column is drawn anew, and
// barsDrawn, once it is, tells the window's ticker whether any is shown.
func (fs *files) dropBars() { clear(fs.progress) }

func (fs *files) barsDrawn() { fs.uploadsShown.Store(len(fs.progress) > 0) }

// showProgress moves the upload bars on. They go with their rows when
// the conversation is drawn again after the send.
func (fs *files) showProgress() {
	for id, bar := range fs.progress {
		if done, ok := fs.conv.tab.u.core.UploadProgress(id); ok {
			bar.SetValue(done)
			if !bar.Visible() {
				// Its upload began: drawn again, the bubble says "Sending…"
				// rather than "Queued".
				fs.conv.list.load(false)
				return
			}
		}
	}
}
