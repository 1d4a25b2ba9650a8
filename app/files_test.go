package app

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"c2desk/storage"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

const testBucket = "klyuch-files"

// s3Server is a real S3 protocol server (gofakes3, in memory) with a
// switch that makes it drop every connection, as a storage that is down.
type s3Server struct {
	*httptest.Server
	backend *s3mem.Backend
	down    atomic.Bool
}

func newS3(t testing.TB) *s3Server {
	t.Helper()
	s := &s3Server{backend: s3mem.New()}
	if err := s.backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	faked := gofakes3.New(s.backend).Server()
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.down.Load() {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		faked.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// objects is how many files the bucket holds, the check's own aside.
func (s *s3Server) objects(t *testing.T) int {
	t.Helper()
	list, err := s.backend.ListBucket(testBucket, &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range list.Contents {
		if !strings.HasPrefix(o.Key, "c2desk-check/") {
			n++
		}
	}
	return n
}

func (s *s3Server) storage() FileStorage {
	return FileStorage{Endpoint: s.URL, Bucket: testBucket, KeyID: "c2desk", LinkDays: 3}
}

// samplePNG is a small real image.
func samplePNG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 160, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var samplePDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

func TestSendFilesThroughTheOfficeStorage(t *testing.T) {
	o := chatsOffice(t)
	s3 := newS3(t)
	if err := o.admin.SetFileStorage(ctx, s3.storage(), "secret-key"); err != nil {
		t.Fatal(err)
	}
	photo := samplePNG(t)
	items, err := o.ivan.QueueFiles(ctx, chatOn101, []OutgoingFile{{Name: "planirovka.pdf", Data: samplePDF}, {Name: "kvartira.png", Data: photo}}, "Планировка и фото")
	if err != nil || len(items) != 2 || items[0].Text != "Планировка и фото" || items[1].Text != "" {
		t.Fatalf("%+v %v", items, err)
	}
	if s3.objects(t) != 0 {
		t.Fatal("a file was uploaded before it was sent")
	}
	for _, it := range items {
		sent, err := o.app.Deliver(ctx, it.ID)
		if err != nil || sent.State != storage.OutboxSent {
			t.Fatalf("%+v %v", sent, err)
		}
	}
	// Chat2Desk fetched both links (the fake refuses a link it cannot).
	if got := o.fake.Fetched(); len(got) != 2 {
		t.Fatalf("Chat2Desk fetched %v", got)
	}
	if s3.objects(t) != 2 {
		t.Fatalf("the bucket holds %d files", s3.objects(t))
	}
	caption := o.fake.MessagesWithText("Планировка и фото")
	if len(caption) != 1 || len(caption[0].Attachments) != 1 || caption[0].Attachments[0].Name != "planirovka.pdf" || caption[0].OperatorID != 8 {
		t.Fatalf("Chat2Desk got %+v", caption)
	}
	conv, err := o.ivan.Conversation(ctx, chatOn101, 0, 2)
	if err != nil || len(conv.Messages) != 2 || len(conv.Outbox) != 0 {
		t.Fatalf("%+v %v", conv, err)
	}
	pdf, png := conv.Messages[0].Attachments, conv.Messages[1].Attachments
	if len(pdf) != 1 || pdf[0].Kind != KindPDF || len(png) != 1 || png[0].Kind != KindPhoto || png[0].Name != "kvartira.png" {
		t.Fatalf("stored attachments: %+v %+v", pdf, png)
	}
	// The sent photo shows from this PC's copy; the link serves it too.
	path, err := o.app.Media(ctx, png[0].Link, png[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, photo) {
		t.Fatal("the cached photo is not the one sent")
	}
	resp, err := http.Get(png[0].Link)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the link: %v %v", resp, err)
	}
	resp.Body.Close()
	// The file's bytes leave the database once Chat2Desk has the message.
	if _, err := o.store.OutboxFileData(ctx, items[1].ID); err != storage.ErrNotFound {
		t.Fatalf("the sent file's bytes are still kept: %v", err)
	}
}

func TestFilesAreRefusedBeforeAnythingIsUploaded(t *testing.T) {
	o := chatsOffice(t)
	s3 := newS3(t)
	_, err := o.ivan.QueueFiles(ctx, chatOn101, []OutgoingFile{{Name: "plan.pdf", Data: samplePDF}}, "")
	wantProblem(t, err, MsgNoFileStorage)
	if err := o.admin.SetFileStorage(ctx, s3.storage(), "secret-key"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file OutgoingFile
		msg  string
	}{
		{OutgoingFile{Name: "video.mp4", Data: make([]byte, MaxFileSize+1)}, MsgFileTooBig},
		{OutgoingFile{Name: "Договор.EXE", Data: []byte("MZ")}, MsgFileRefused},
		{OutgoingFile{Name: "empty.txt"}, MsgFileEmpty},
	} {
		// A good file beside a refused one waits too: the person decides.
		_, err := o.ivan.QueueFiles(ctx, chatOn101, []OutgoingFile{{Name: "plan.pdf", Data: samplePDF}, tc.file}, "")
		wantProblem(t, err, tc.msg)
		if !strings.Contains(err.Error(), tc.file.Name) {
			t.Fatalf("the sentence does not name the file: %v", err)
		}
	}
	if pending, _ := o.store.Pending(ctx); len(pending) != 0 || s3.objects(t) != 0 {
		t.Fatalf("refused files reached the outbox (%d) or the storage (%d)", len(pending), s3.objects(t))
	}
	// A chat hidden from the sender refuses as a message does.
	_, err = o.ivan.QueueFiles(ctx, chatOn103, []OutgoingFile{{Name: "plan.pdf", Data: samplePDF}}, "")
	wantProblem(t, err, MsgNotYourChat)
}

func TestFileStorageIsCheckedBeforeItIsKept(t *testing.T) {
	o := chatsOffice(t)
	s3 := newS3(t)
	bad := s3.storage()
	bad.Bucket = "no-such-bucket"
	err := o.admin.SetFileStorage(ctx, bad, "secret-key")
	wantProblem(t, err, MsgStorageCheckFailed)
	if !strings.Contains(err.Error(), "there is no such bucket.") {
		t.Fatalf("%v", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	gone := s3.storage()
	gone.Endpoint = "http://" + ln.Addr().String()
	ln.Close()
	wantProblem(t, o.admin.SetFileStorage(ctx, gone, "secret-key"), MsgStorageCheckFailed)
	wantProblem(t, o.admin.SetFileStorage(ctx, FileStorage{Endpoint: s3.URL, Bucket: testBucket, LinkDays: 3}, ""), MsgStorageKeys)
	long := s3.storage()
	long.LinkDays = 30
	wantProblem(t, o.admin.SetFileStorage(ctx, long, "secret-key"), MsgStorageLinkDays)
	if err := o.ivan.SetFileStorage(ctx, s3.storage(), "secret-key"); err != ErrNotAllowed {
		t.Fatalf("an agent set the storage: %v", err)
	}
	if _, ok, _ := o.app.FileStorage(ctx); ok {
		t.Fatal("a storage that failed its check was kept")
	}
	// The secret is in the keyring only, never in the database.
	if err := o.admin.SetFileStorage(ctx, s3.storage(), "secret-key"); err != nil {
		t.Fatal(err)
	}
	for _, k := range storageKeys {
		if v, _, _ := o.store.Setting(ctx, k); strings.Contains(v, "secret-key") {
			t.Fatalf("the secret is in the setting %s", k)
		}
	}
	// Changed again with the secret left blank, as the settings card
	// leaves it: the keyring's is kept, and checked.
	shorter := s3.storage()
	shorter.LinkDays = 2
	if err := o.admin.SetFileStorage(ctx, shorter, ""); err != nil {
		t.Fatal(err)
	}
	if fs, _, _ := o.app.FileStorage(ctx); fs.LinkDays != 2 {
		t.Fatalf("%+v", fs)
	}
}

// A storage that is down leaves the file queued, saying so, and it goes
// once the storage answers, once; a storage that refuses says why and
// waits for the person.
func TestUploadFailuresLoseNothing(t *testing.T) {
	o := chatsOffice(t)
	s3 := newS3(t)
	if err := o.admin.SetFileStorage(ctx, s3.storage(), "secret-key"); err != nil {
		t.Fatal(err)
	}
	items, err := o.ivan.QueueFiles(ctx, chatOn101, []OutgoingFile{{Name: "kvartira.png", Data: samplePNG(t)}}, "Фото")
	if err != nil {
		t.Fatal(err)
	}
	s3.down.Store(true)
	got, err := o.app.Deliver(ctx, items[0].ID)
	wantProblem(t, err, MsgStorageUnreachable)
	if got.State != storage.OutboxQueued {
		t.Fatalf("after the storage did not answer: %+v", got)
	}
	s3.down.Store(false)
	if sent, err := o.app.DeliverPending(ctx); err != nil || sent != 1 {
		t.Fatalf("once the storage is back: %d %v", sent, err)
	}
	if n := len(o.fake.MessagesWithText("Фото")); n != 1 {
		t.Fatalf("Chat2Desk got the photo %d times", n)
	}

	// The bucket gone: refused, with the reason, kept for Retry.
	items, _ = o.ivan.QueueFiles(ctx, chatOn101, []OutgoingFile{{Name: "plan.pdf", Data: samplePDF}}, "План")
	if err := s3.backend.DeleteBucket(testBucket); err != nil {
		// gofakes3 deletes only an empty bucket: empty it first
		list, _ := s3.backend.ListBucket(testBucket, &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
		for _, obj := range list.Contents {
			s3.backend.DeleteObject(testBucket, obj.Key)
		}
		if err := s3.backend.DeleteBucket(testBucket); err != nil {
			t.Fatal(err)
		}
	}
	got, err = o.app.Deliver(ctx, items[0].ID)
	wantProblem(t, err, MsgStorageRefused)
	if got.State != storage.OutboxFailed {
		t.Fatalf("%+v", got)
	}

	// On a PC without the storage's secret the file waits, saying why.
	if err := s3.backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	acc, _ := o.app.storageSecretAccount(ctx)
	if err := o.app.secrets.Delete(acc); err != nil {
		t.Fatal(err)
	}
	_, err = o.ivan.Retry(ctx, items[0].ID)
	wantProblem(t, err, MsgStorageSecretMissing)
	if len(o.fake.MessagesWithText("План")) != 0 {
		t.Fatal("a file went out without its upload")
	}
}
