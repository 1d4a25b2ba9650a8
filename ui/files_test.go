package ui

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"c2desk/app"
	"c2desk/c2dapi"
	"c2desk/c2dapi/c2dfake"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// heldS3 is a real S3 protocol server (gofakes3) whose uploads of sent
// files can be held back, to watch their bars.
type heldS3 struct {
	*httptest.Server
	hold    atomic.Bool
	release chan struct{}
}

const testBucket = "office-files"

func newHeldS3(t *testing.T) *heldS3 {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	s := &heldS3{release: make(chan struct{})}
	faked := gofakes3.New(backend).Server()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/c2desk/") && s.hold.Load() {
			<-s.release
		}
		faked.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		if s.hold.Swap(false) {
			close(s.release)
		}
		s.Close()
	})
	return s
}

func (s *heldS3) storage() app.FileStorage {
	return app.FileStorage{Endpoint: s.URL, Bucket: testBucket, KeyID: "office-key", LinkDays: 7}
}

// tall gives the window the height of a big monitor, so that one capture
// shows a chat's photos and the PDF sent further down.
func (h *harness) tall() {
	h.win.Resize(fyne.NewSize(1366, 1060))
	h.win.Canvas().Refresh(h.win.Content())
	h.ui.chats.conv.list.scroll.ScrollToTop()
}

// photos are the bubbles' thumbnails shown, by what a tap does.
func (h *harness) photos() int {
	n := 0
	for _, o := range h.objects() {
		if a, ok := o.(*tapArea); ok && a.label == lang.L("Open the photo") {
			if _, isImage := a.content.(*canvas.Image); isImage {
				n++
			}
		}
	}
	return n
}

func TestPhotosAndFilesInAChat(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.fake.ServeSamples(h.api)
	h.wide()
	h.signIn()
	h.openChat(9001)
	conv := h.ui.chats.conv
	h.eventually("two photos and the plan's card with its size", func() bool {
		return h.photos() == 2 && h.shows("planirovka.pdf") && h.shows("PDF · ")
	})
	h.tall()
	h.capture("chat-with-photos")

	// Open: the system's viewer gets the file, downloaded once.
	var open *widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == "Open file" {
			open = b
		}
	}
	test.Tap(open)
	h.eventually("the PDF handed to the system", func() bool { return len(h.opened) == 1 })
	if h.opened[0].Scheme != "file" {
		t.Fatalf("opened %s", h.opened[0])
	}
	got, err := os.ReadFile(filepath.FromSlash(h.opened[0].Path))
	if err != nil || !bytes.Equal(got, c2dfake.SamplePDF()) {
		t.Fatalf("the opened file is not the PDF: %v", err)
	}

	// Save as… writes the same bytes where the person chose.
	plan := h.conversation(9001)
	var pdf = -1
	for i, m := range plan.Messages {
		if len(m.Attachments) == 1 && m.Attachments[0].Name == "planirovka.pdf" {
			pdf = i
		}
	}
	target := filepath.Join(t.TempDir(), "план.pdf")
	w, err := storage.Writer(storage.NewFileURI(target))
	if err != nil {
		t.Fatal(err)
	}
	status := widget.NewLabel("")
	conv.files.saveTo(plan.Messages[pdf].Attachments[0], w, status)
	h.eventually("saved", func() bool { return status.Text == "Saved." })
	if got, _ := os.ReadFile(target); !bytes.Equal(got, c2dfake.SamplePDF()) {
		t.Fatal("the saved copy differs")
	}

	// A tap on a photo opens it large.
	for _, o := range h.objects() {
		if a, ok := o.(*tapArea); ok && a.label == "Open the photo" {
			test.Tap(a)
			break
		}
	}
	h.eventually("the photo large", func() bool { return len(h.ui.dialogs) == 1 && h.shows("kvartira-1.jpg") })
	h.capture("photo-large")
}

// conversation reads a chat as the signed-in person may see it.
func (h *harness) conversation(dialogID int64) app.Conversation {
	h.t.Helper()
	var conv app.Conversation
	h.eventually("the chat's messages", func() bool {
		var err error
		conv, err = h.ui.session.Conversation(context.Background(), dialogID, 0, 100)
		return err == nil && len(conv.Messages) > 0
	})
	return conv
}

// A link that does not load says so in its bubble; the chat goes on.
func TestAFileThatDoesNotLoadSaysSo(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.fake.ServeSamples("http://127.0.0.1:1") // nothing listens there
	h.signIn()
	h.openChat(9001)
	h.eventually("the failure in the bubble, and the chat's text", func() bool {
		return h.shows("The file could not be loaded: its link may have expired, or the network is down.") && len(h.ui.chats.conv.list.msgs.Objects) > 3
	})
	if h.photos() != 0 {
		t.Fatal("a photo that did not load is shown")
	}
	h.composer().SetText("Пришлю фото ещё раз")
	test.Tap(h.ui.chats.conv.compose.send)
	h.eventually("the answer sent", func() bool {
		return h.shows("Пришлю фото ещё раз") && h.fakeHasText(9001, "Пришлю фото ещё раз")
	})
}

func (h *harness) fakeHasText(dialogID int64, text string) bool {
	for _, m := range h.fake.Messages() {
		if int64(m.DialogID) == dialogID && string(m.Text) == text {
			return true
		}
	}
	return false
}

// writeFiles puts files in a folder, as a person has them on the desktop.
func writeFiles(t *testing.T, files map[string][]byte) map[string]string {
	dir := t.TempDir()
	out := map[string]string{}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

func TestSendFilesFromThePreview(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.wide()
	h.signIn()
	h.openChat(9001)
	conv := h.ui.chats.conv

	// Without a storage the paperclip says what an administrator must do.
	test.Tap(conv.files.attach)
	h.eventually("what to set up", func() bool { return h.shows(app.MsgNoFileStorage) })
	if conv.files.preview != nil {
		t.Fatal("a preview opened without a storage")
	}

	s3 := newHeldS3(t)
	if err := h.core.Console().SetFileStorage(context.Background(), s3.storage(), "secret"); err != nil {
		t.Fatal(err)
	}
	paths := writeFiles(t, map[string][]byte{"plan.png": c2dfake.SampleFloorPlan(), "dogovor.pdf": c2dfake.SamplePDF(),
		"setup.exe": []byte("MZ")})
	// A file never goes as an internal note: it would reach the client.
	conv.compose.note.SetChecked(true)
	h.ui.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(paths["dogovor.pdf"])})
	h.eventually("files refused for a note", func() bool { return h.shows("Internal notes take text only") })
	if conv.files.preview != nil {
		t.Fatal("a preview opened for a note")
	}
	conv.compose.note.SetChecked(false)
	// Two files dropped on the window.
	h.ui.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(paths["plan.png"]), storage.NewFileURI(paths["dogovor.pdf"])})
	h.eventually("the preview of two files", func() bool {
		return conv.files.preview != nil && len(conv.files.preview.files) == 2 && h.shows("plan.png") && h.shows("dogovor.pdf") && !conv.files.preview.send.Disabled()
	})
	h.capture("send-preview")

	// A pasted program is refused before anything is uploaded; pasted text
	// is still text.
	clip := h.ui.fyneApp.Clipboard()
	clip.SetContent(paths["setup.exe"])
	conv.compose.field.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	h.eventually("the refusal", func() bool {
		return len(conv.files.preview.files) == 3 && h.shows("setup.exe is a program or a script") && conv.files.preview.send.Disabled()
	})
	if conv.compose.field.Text != "" {
		t.Fatalf("the path was pasted as text: %q", conv.compose.field.Text)
	}
	var removes []*widget.Button
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Icon == theme.DeleteIcon() {
			removes = append(removes, b)
		}
	}
	test.Tap(removes[len(removes)-1])
	h.eventually("Send allowed again", func() bool { return len(conv.files.preview.files) == 2 && !conv.files.preview.send.Disabled() })

	// Sent with a caption; the bar shows while the storage holds the upload.
	s3.hold.Store(true)
	conv.files.preview.caption.SetText("Планировка и договор")
	test.Tap(conv.files.preview.send)
	h.eventually("an upload's bar", func() bool {
		for _, o := range h.objects() {
			if b, ok := o.(*widget.ProgressBar); ok && b.Visible() {
				return true
			}
		}
		return false
	})
	if conv.files.preview != nil {
		t.Fatal("the preview stayed open")
	}
	h.capture("upload-progress")
	s3.hold.Store(false)
	close(s3.release)

	h.eventually("both files in Chat2Desk, fetched from their links, shown as sent", func() bool {
		var names []string
		for _, m := range h.fake.Messages() {
			if m.DialogID == 9001 {
				for _, a := range m.Attachments {
					names = append(names, string(a.Name))
				}
			}
		}
		return strings.Contains(strings.Join(names, ","), "plan.png,dogovor.pdf") && len(h.fake.Fetched()) >= 2 &&
			h.photos() == 1 && h.shows("Планировка и договор")
	})
	if !h.fakeHasText(9001, "Планировка и договор") {
		t.Fatal("the caption did not go with the first file")
	}
	h.capture("files-sent")
	// Pasted text is pasted.
	clip.SetContent("адрес: Лесная, 5")
	conv.compose.field.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	if conv.compose.field.Text != "адрес: Лесная, 5" {
		t.Fatalf("text paste: %q", conv.compose.field.Text)
	}
}

func TestSendPreviewInRussian(t *testing.T) {
	h := startInRussian(t, office(t, ""))
	h.fake.ServeSamples(h.api)
	h.wide()
	h.signInRussian()
	h.openChat(9001)
	h.eventually("photos and the plan", func() bool { return h.photos() == 2 && h.shows("PDF · ") })
	h.tall()
	h.capture("chat-with-photos-ru")
	s3 := newHeldS3(t)
	if err := h.core.Console().SetFileStorage(context.Background(), s3.storage(), "secret"); err != nil {
		t.Fatal(err)
	}
	paths := writeFiles(t, map[string][]byte{"plan.png": c2dfake.SampleFloorPlan(), "dogovor.pdf": c2dfake.SamplePDF()})
	h.ui.dropped(fyne.Position{}, []fyne.URI{storage.NewFileURI(paths["plan.png"]), storage.NewFileURI(paths["dogovor.pdf"])})
	h.eventually("the preview", func() bool {
		return h.ui.chats.conv.files.preview != nil && h.shows("Отправить файлы") && h.shows("dogovor.pdf")
	})
	h.capture("send-preview-ru")
}

func TestFileStorageSettings(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.tab("Settings")
	s3 := newHeldS3(t)
	h.eventually("the storage card", func() bool {
		return h.shows("Chat2Desk takes files only at a link") && h.button("Check and save") != nil
	})
	set := func(placeholder, text string) {
		e := h.entryWithPlaceholder(placeholder)
		e.SetText(text)
	}
	set("storage.yandexcloud.net", s3.URL)
	set("agency-files", "no-such-bucket")
	set("The service account's access key id", "office-key")
	var secret *widget.Entry
	for _, o := range h.objects() {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			secret = e
		}
	}
	secret.SetText("secret")
	test.Tap(h.button("Check and save"))
	h.eventually("the refusal", func() bool { return h.shows("C2Desk could not store a test file there") })
	set("agency-files", testBucket)
	test.Tap(h.button("Check and save"))
	h.eventually("saved", func() bool { return h.shows("Checked and saved: agents can send files.") })
	fs, ok, err := h.core.FileStorage(context.Background())
	if err != nil || !ok || fs.Bucket != testBucket || fs.KeyID != "office-key" || fs.LinkDays != app.DefaultLinkDays {
		t.Fatalf("%+v %v %v", fs, ok, err)
	}
	if secret.Text != "" || !h.core.FileStorageSecretHere(context.Background()) {
		t.Fatal("the secret stayed on screen or is not in the keyring")
	}
	for _, o := range h.objects() {
		if s, ok := o.(*container.Scroll); ok {
			s.ScrollToBottom()
		}
	}
	h.capture("file-storage-settings")
}

// A picture copied to the clipboard (a screenshot) is pasted as a PNG;
// where the clipboard cannot give pictures, a paste without text says so.
func TestPasteACopiedPicture(t *testing.T) {
	h := start(t, false, office(t, ""))
	h.signIn()
	h.openChat(9001)
	conv := h.ui.chats.conv
	s3 := newHeldS3(t)
	if err := h.core.Console().SetFileStorage(context.Background(), s3.storage(), "secret"); err != nil {
		t.Fatal(err)
	}
	clip := h.ui.fyneApp.Clipboard()
	clip.SetContent("")
	h.ui.opts.clipboardImage = func() ([]byte, error) { return nil, errNoPictureClipboard }
	conv.compose.field.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	h.eventually("what to do instead", func() bool { return h.shows("Save the picture as a file and drag it here.") })

	shot := c2dfake.SampleFloorPlan()
	h.ui.opts.clipboardImage = func() ([]byte, error) { return shot, nil }
	conv.compose.field.TypedShortcut(&fyne.ShortcutPaste{Clipboard: clip})
	h.eventually("the picture in the preview", func() bool {
		p := conv.files.preview
		return p != nil && len(p.files) == 1 && strings.HasPrefix(p.files[0].name, "image-") &&
			strings.HasSuffix(p.files[0].name, ".png") && bytes.Equal(p.files[0].data, shot) && !p.send.Disabled()
	})
}

// File sizes are written in the UI's language: "653 Б", "1,2 МБ".
func TestFileSizesInBothLanguages(t *testing.T) {
	fa := test.NewTempApp(t)
	if err := SetUpLanguage(fa); err != nil {
		t.Fatal(err)
	}
	useLanguage(languageEnglish)
	if got := sizeText(653) + " " + sizeText(830*1024) + " " + sizeText(1258291); got != "653 B 830 KB 1.2 MB" {
		t.Fatalf("in English: %q", got)
	}
	inRussian(t, fa)
	if got := sizeText(653) + " " + sizeText(830*1024) + " " + sizeText(1258291); got != "653 Б 830 КБ 1,2 МБ" {
		t.Fatalf("in Russian: %q", got)
	}
}

// A client's program, script or shortcut is never opened: its card says
// what it is and offers only Save as…, after a warning; asked to open
// one anyway, the window refuses.
func TestReceivedProgramsAreNeverOpened(t *testing.T) {
	for _, russian := range []bool{false, true} {
		// A subtest each: one window's poller stops before the next starts.
		t.Run(map[bool]string{false: "English", true: "Russian"}[russian], func(t *testing.T) { receivedProgramsIn(t, russian) })
	}
}

func receivedProgramsIn(t *testing.T, russian bool) {
	var h *harness
	if russian {
		h = startInRussian(t, office(t, ""))
		h.signInRussian()
	} else {
		h = start(t, false, office(t, ""))
		h.signIn()
	}
	h.fake.ServeSamples(h.api)
	h.wide()
	h.openChat(9004)
	h.fake.ClientSendsFiles(5004, "Договор и счёт во вложении",
		c2dapi.Attachment{Name: "Договор.pdf.exe", Link: c2dapi.String(h.api + "/files/dogovor.pdf")},
		c2dapi.Attachment{Name: "invoice.hta", Link: c2dapi.String(h.api + "/files/invoice.pdf")},
		c2dapi.Attachment{Link: c2dapi.String(h.api + "/files/x.pdf.exe")})
	h.ui.poller.Wake()
	refusal := lang.L(app.MsgNotOpened, map[string]any{"Name": "Договор.pdf.exe"})
	h.eventually("the programs' cards", func() bool { return h.shows("Договор и счёт во вложении") && h.shows(refusal) })
	cards := 0
	for _, s := range h.texts() {
		if strings.Contains(s, strings.TrimPrefix(refusal, "Договор.pdf.exe")) {
			cards++
		}
	}
	opens, saves := 0, 0
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == lang.L("Open file") {
			opens++
		} else if ok && b.Text == lang.L("Save as…") {
			saves++
		}
	}
	if cards != 3 || saves-opens != 3 {
		t.Fatalf("%d cards say they are programs; %d Save as and %d Open file buttons", cards, saves, opens)
	}
	h.capture(map[bool]string{false: "received-program", true: "received-program-ru"}[russian])
	test.Tap(h.lastButton(lang.L("Save as…")))
	h.eventually("the warning", func() bool { return h.shows(lang.L("Save a program from a client?")) })
	h.capture(map[bool]string{false: "received-program-warning", true: "received-program-warning-ru"}[russian])
	test.Tap(h.lastButton(lang.L("Cancel")))
	err := h.ui.openFile(filepath.Join(t.TempDir(), "Договор.pdf.exe"))
	if msg, _ := app.Describe(err); msg != app.MsgNotOpened || len(h.opened) != 0 {
		t.Fatalf("asked to open a program: %v; opened %v", err, h.opened)
	}
}
