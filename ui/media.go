package ui

// The conversation's files room, receiving: photos and file cards in the
// bubbles, fetched once per chat, opened or saved.

import (
	"context"
	"errors"
	"image"
	_ "image/gif" // photos as messengers send them
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	storagefs "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/webp"
)

// thumbSize is the box a photo's thumbnail fits in, whatever its shape, so
// a bubble keeps its height while the photo loads.
var thumbSize = fyne.NewSize(240, 180)

// fileCardWidth is a file card's natural width in a bubble.
const fileCardWidth = 300

// mediaTimeout bounds one file's download, longer than a request's: a
// video takes a while on an office's line.
const mediaTimeout = 3 * time.Minute

// mediaState is what the conversation knows of one file: where it is on
// this PC once loaded, or why it did not load. The conversation is drawn
// again on every poll; this keeps a photo from loading, or flickering,
// each time.
type mediaState struct {
	path    string
	err     error
	loading bool
	waiting []func(*mediaState) // drawn once it has loaded
	// size is the server's word on the file's size, for its card.
	size     int64
	asked    bool // its size was asked for
	answered bool // and the server answered
	// sizeLabels are the cards' lines waiting for the size.
	sizeLabels []*widget.Label
}

// mediaOf is what is known of the file behind link, made on first ask.
func (fs *files) mediaOf(link string) *mediaState {
	st := fs.media[link]
	if st == nil {
		st = &mediaState{}
		fs.media[link] = st
	}
	return st
}

// loadMedia calls done with the file behind link, loaded in the background
// the first time, at once after that.
func (fs *files) loadMedia(link, name string, done func(*mediaState)) {
	st := fs.mediaOf(link)
	if st.path != "" || st.err != nil {
		done(st)
		return
	}
	st.waiting = append(st.waiting, done)
	if st.loading {
		return
	}
	st.loading = true
	core, u := fs.conv.tab.u.core, fs.conv.tab.u
	backgroundWithin(u, mediaTimeout, func(ctx context.Context) (string, error) {
		return core.Media(ctx, link, name)
	}, func(p string, err error) {
		st.loading, st.path, st.err = false, p, err
		waiting := st.waiting
		st.waiting = nil
		for _, f := range waiting {
			f(st)
		}
	})
}

func isPhoto(a app.Attachment) bool { return app.KindOf(a) == app.KindPhoto }

// thumbFor is a thumbnail's box: smaller when a message has several photos.
func thumbFor(several bool) fyne.Size {
	if several {
		return fyne.NewSize(180, 135)
	}
	return thumbSize
}

// photoView is a photo's thumbnail, loaded in the background; a tap opens
// it large. A photo that does not load says so, with its link.
func (fs *files) photoView(a app.Attachment, box fyne.Size) fyne.CanvasObject {
	holder := container.NewStack()
	loading := canvas.NewRectangle(theme.Color(theme.ColorNameInputBorder))
	loading.CornerRadius = theme.Padding()
	loading.SetMinSize(box)
	wait := widget.NewLabel(lang.L("Loading the photo…"))
	wait.Importance = widget.LowImportance
	holder.Objects = []fyne.CanvasObject{loading, container.NewCenter(wait)}
	fs.loadMedia(a.Link, a.Name, func(st *mediaState) {
		switch {
		case st.err != nil:
			holder.Objects = []fyne.CanvasObject{fs.mediaFailed(a, st.err)}
		default:
			img := canvas.NewImageFromFile(st.path)
			img.FillMode = canvas.ImageFillContain
			img.ScaleMode = canvas.ImageScaleSmooth
			img.SetMinSize(box)
			holder.Objects = []fyne.CanvasObject{newTapArea(img, lang.L("Open the photo"), func() { fs.showPhoto(a, st.path) })}
		}
		holder.Refresh()
		fs.conv.list.msgs.Refresh() // the bubble may be taller now
	})
	return holder
}

// photoGrid lays thumbnails out in rows, as many to a row as the width
// holds. The bubble sets its width before asking its height.
type photoGrid struct {
	cell  fyne.Size
	width float32 // as last laid out
}

func (g *photoGrid) columns(width float32, n int) int {
	cols := int((width + theme.Padding()) / (g.cell.Width + theme.Padding()))
	return max(1, min(cols, n))
}

// natural is the width of n thumbnails in one row, at most two.
func (g *photoGrid) natural(n int) float32 {
	k := float32(min(n, 2))
	return k*g.cell.Width + (k-1)*theme.Padding()
}

func (g *photoGrid) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	g.width = size.Width
	cols := g.columns(size.Width, len(objects))
	cell := g.cell
	if size.Width < cell.Width { // a column narrower than one thumbnail
		cell = fyne.NewSize(size.Width, cell.Height*size.Width/cell.Width)
	}
	for i, o := range objects {
		r, c := i/cols, i%cols
		o.Move(fyne.NewPos(float32(c)*(cell.Width+theme.Padding()), float32(r)*(cell.Height+theme.Padding())))
		o.Resize(cell)
	}
}

func (g *photoGrid) MinSize(objects []fyne.CanvasObject) fyne.Size {
	width := g.width
	if width == 0 {
		width = g.natural(len(objects))
	}
	cols := g.columns(width, len(objects))
	rows := (len(objects) + cols - 1) / cols
	cell := g.cell
	if width < cell.Width {
		cell = fyne.NewSize(width, cell.Height*width/cell.Width)
	}
	return fyne.NewSize(min(cell.Width, width), float32(rows)*cell.Height+float32(rows-1)*theme.Padding())
}

// mediaFailed is what a bubble shows for a file that did not load: the
// reason, and the link, which may still open in a browser.
func (fs *files) mediaFailed(a app.Attachment, err error) fyne.CanvasObject {
	why := paragraph(sentence(err), widget.DangerImportance)
	why.SizeName = theme.SizeNameCaptionText
	parts := []fyne.CanvasObject{why}
	if u, perr := url.Parse(a.Link); perr == nil && (u.Scheme == "https" || u.Scheme == "http") {
		link := widget.NewHyperlink("📎 "+attachmentName(a), u)
		link.Truncation = fyne.TextTruncateEllipsis
		parts = append(parts, link)
	}
	return container.NewVBox(parts...)
}

func attachmentName(a app.Attachment) string {
	if a.Name != "" {
		return a.Name
	}
	if u, err := url.Parse(a.Link); err == nil {
		if i := strings.LastIndex(u.Path, "/"); i >= 0 && i < len(u.Path)-1 {
			return u.Path[i+1:]
		}
	}
	return lang.L("Attachment")
}

// kindName is a file's kind in words, for its card.
func kindName(kind string) string {
	switch kind {
	case app.KindPhoto:
		return lang.L("Photo")
	case app.KindVideo:
		return lang.L("Video")
	case app.KindAudio:
		return lang.L("Voice message or audio")
	case app.KindPDF:
		return "PDF"
	case app.KindProgram:
		return lang.L("Program or script")
	}
	return lang.L("File")
}

func kindIcon(kind string) fyne.Resource {
	switch kind {
	case app.KindPhoto:
		return theme.FileImageIcon()
	case app.KindVideo:
		return theme.FileVideoIcon()
	case app.KindAudio:
		return theme.FileAudioIcon()
	case app.KindPDF:
		return theme.FileTextIcon()
	case app.KindProgram:
		return theme.WarningIcon()
	}
	return theme.FileIcon()
}

// fileCard shows a file by its name, kind and size (asked of its server in
// the background), with Open in the system's viewer and Save as….
func (fs *files) fileCard(a app.Attachment, kind string) fyne.CanvasObject {
	name := attachmentName(a)
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	about := widget.NewLabel(kindName(kind))
	about.Importance = widget.LowImportance
	about.SizeName = theme.SizeNameCaptionText
	status := paragraph("", widget.DangerImportance)
	status.SizeName = theme.SizeNameCaptionText
	status.Hide()
	open := widget.NewButtonWithIcon(lang.L("Open file"), theme.FileApplicationIcon(), nil)
	save := widget.NewButtonWithIcon(lang.L("Save as…"), theme.DocumentSaveIcon(), nil)
	open.Importance, save.Importance = widget.LowImportance, widget.LowImportance
	open.OnTapped = func() {
		open.Disable()
		fs.loadMedia(a.Link, a.Name, func(st *mediaState) {
			open.Enable()
			if st.err != nil {
				fs.openFailed(a, st, status)
				return
			}
			if err := fs.conv.tab.u.openFile(st.path); err != nil {
				say(status, sentence(err), widget.DangerImportance)
			}
		})
	}
	save.OnTapped = func() { fs.saveAs(a, status) }
	actions := container.NewHBox(open, save, layout.NewSpacer())
	if kind == app.KindProgram {
		// Never opened: saved, if at all, after a warning.
		save.OnTapped = func() { fs.saveProgram(a, status) }
		actions = container.NewHBox(save, layout.NewSpacer())
		say(status, sentence(app.NotOpened(attachmentName(a))), widget.WarningImportance)
	}
	st := fs.mediaOf(a.Link)
	if st.size > 0 {
		about.SetText(kindName(kind) + " · " + sizeText(st.size))
	} else if !st.answered {
		// The cards drawn while the server is asked all get the answer.
		st.sizeLabels = append(st.sizeLabels, about)
	}
	if !st.asked {
		st.asked = true
		core := fs.conv.tab.u.core
		background(fs.conv.tab.u, func(ctx context.Context) (int64, error) {
			size, _, err := core.MediaInfo(ctx, a.Link, a.Name)
			return size, err
		}, func(size int64, err error) {
			st.answered = true
			if err == nil && size > 0 { // else the card stays; Open says why should it fail too
				st.size = size
				for _, l := range st.sizeLabels {
					l.SetText(kindName(kind) + " · " + sizeText(size))
				}
			}
			st.sizeLabels = nil
		})
	}
	icon := widget.NewIcon(kindIcon(kind))
	text := container.NewVBox(title, about)
	top := container.NewBorder(nil, nil, icon, nil, text)
	if kind == app.KindProgram {
		return container.NewVBox(top, status, actions) // the warning before the button
	}
	return container.NewVBox(top, actions, status)
}

// saveProgram saves a received program where the person chooses, once
// they have read what it may do.
func (fs *files) saveProgram(a app.Attachment, status *widget.Label) {
	name := attachmentName(a)
	d := dialog.NewConfirm(lang.L("Save a program from a client?"),
		lang.L("{{.Name}} can run on this computer, and a stranger may have sent it to take it over. Save it only if you expected it from this client and know what it is; C2Desk will not open it.", map[string]any{"Name": name}),
		func(ok bool) {
			if ok {
				fs.saveAs(a, status)
			}
		}, fs.conv.tab.u.win)
	d.SetConfirmText(lang.L("Save anyway"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.SetDismissText(lang.L("Cancel"))
	fs.conv.tab.u.showDialog(d)
}

// openFailed says why a file did not open. One too big for the cache
// opens from its link in the browser instead.
func (fs *files) openFailed(a app.Attachment, st *mediaState, status *widget.Label) {
	var p *app.Problem
	if errors.As(st.err, &p) && p.Msg == app.MsgMediaTooBig {
		if u, err := url.Parse(a.Link); err == nil {
			if err := fs.conv.tab.u.openURL(u); err == nil {
				return
			}
		}
	}
	say(status, sentence(st.err), widget.DangerImportance)
	// The next tap tries again: the network may be back.
	st.err = nil
}

// saveAs asks where to keep a copy of the file, then writes it there.
func (fs *files) saveAs(a app.Attachment, status *widget.Label) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			say(status, sentence(err), widget.DangerImportance)
			return
		}
		if w == nil {
			return // cancelled
		}
		fs.saveTo(a, w, status)
	}, fs.conv.tab.u.win)
	d.SetFileName(attachmentName(a))
	d.Show()
}

// saveTo writes the file, loaded first if need be, to w, marked (on
// Windows) as from the internet.
func (fs *files) saveTo(a app.Attachment, w fyne.URIWriteCloser, status *widget.Label) {
	fs.loadMedia(a.Link, a.Name, func(st *mediaState) {
		if st.err != nil {
			w.Close()
			say(status, sentence(st.err), widget.DangerImportance)
			st.err = nil
			return
		}
		path, saved := st.path, w.URI().Path()
		background(fs.conv.tab.u, func(context.Context) (struct{}, error) {
			if err := copyFileTo(path, w); err != nil {
				return struct{}{}, err
			}
			// A memory stick without NTFS streams keeps no mark: saved all the same.
			_ = app.MarkFromInternet(saved, a.Link)
			return struct{}{}, nil
		}, func(_ struct{}, err error) {
			if err != nil {
				say(status, sentence(err), widget.DangerImportance)
				return
			}
			say(status, lang.L("Saved."), widget.SuccessImportance)
		})
	})
}

// copyFileTo copies a cached file where the person chose; a full disk
// there says so.
func copyFileTo(path string, w io.WriteCloser) error {
	f, err := os.Open(path)
	if err != nil {
		w.Close()
		return err
	}
	defer f.Close()
	if _, err := io.Copy(w, f); err != nil {
		w.Close()
		return app.DiskFull(err)
	}
	return app.DiskFull(w.Close())
}

// showPhoto opens a photo large, over the window, with Open and Save as….
func (fs *files) showPhoto(a app.Attachment, path string) {
	img := canvas.NewImageFromFile(path)
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScaleSmooth
	win := fs.conv.tab.u.win.Canvas().Size()
	room := fyne.NewSize(max(win.Width*0.8, 320), max(win.Height*0.7, 240))
	if f, err := os.Open(path); err == nil {
		if cfg, _, err := image.DecodeConfig(f); err == nil && cfg.Width > 0 && cfg.Height > 0 {
			// As large as the photo, within the window.
			scale := min(room.Width/float32(cfg.Width), room.Height/float32(cfg.Height), 1)
			room = fyne.NewSize(float32(cfg.Width)*scale, float32(cfg.Height)*scale)
		}
		f.Close()
	}
	img.SetMinSize(room)
	status := widget.NewLabel("")
	status.Hide()
	open := widget.NewButtonWithIcon(lang.L("Open file"), theme.FileApplicationIcon(), func() {
		if err := fs.conv.tab.u.openFile(path); err != nil {
			say(status, sentence(err), widget.DangerImportance)
		}
	})
	save := widget.NewButtonWithIcon(lang.L("Save as…"), theme.DocumentSaveIcon(), func() { fs.saveAs(a, status) })
	body := container.NewBorder(nil, container.NewHBox(open, save, status), nil, nil, img)
	fs.conv.tab.u.showDialog(dialog.NewCustom(attachmentName(a), lang.L("Close"), body, fs.conv.tab.u.win))
}

// openFile opens a file on this PC in the system's viewer for its type;
// never a program, whatever asked (the cache keeps them without an
// extension, so this is the second lock).
func (u *UI) openFile(path string) error {
	if app.Runnable(path) {
		return app.NotOpened(filepath.Base(path))
	}
	target, err := url.Parse(storagefs.NewFileURI(path).String())
	if err != nil {
		return err
	}
	return u.openURL(target)
}

func (u *UI) openURL(target *url.URL) error {
	if u.opts.openURL != nil {
		return u.opts.openURL(target)
	}
	return u.fyneApp.OpenURL(target)
}

// tapArea makes anything tappable, with the hand cursor: a photo's
// thumbnail.
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	label   string // what a tap does, for tests
	action  func()
}

func newTapArea(content fyne.CanvasObject, label string, action func()) *tapArea {
	t := &tapArea{content: content, label: label, action: action}
	t.ExtendBaseWidget(t)
	return t
}

func (t *tapArea) Tapped(*fyne.PointEvent) { t.action() }

func (t *tapArea) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (t *tapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }

// fixedWidth lays its one object out at a width of its own, or the room
// there is when less.
type fixedWidth struct{ width float32 }

func (l fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(min(l.width, size.Width), size.Height))
	}
}

func (l fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		m := o.MinSize()
		s = fyne.NewSize(max(s.Width, min(m.Width, l.width)), max(s.Height, m.Height))
	}
	return s
}

// sizeText writes a file's size as people of the UI's language do:
// "830 KB", "4.2 MB"; in Russian "830 КБ", "4,2 МБ".
func sizeText(n int64) string {
	switch {
	case n <= 0:
		return ""
	case n < 1<<10:
		return lang.L("{{.N}} B", map[string]any{"N": n})
	case n < 1<<20:
		return lang.L("{{.N}} KB", map[string]any{"N": (n + 512) >> 10})
	}
	tenths := (n*10 + 1<<19) >> 20
	return lang.L("{{.Whole}}.{{.Tenth}} MB", map[string]any{"Whole": tenths / 10, "Tenth": tenths % 10})
}
