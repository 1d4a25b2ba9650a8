package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"c2desk/c2dapi"
	"c2desk/storage"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Chat2Desk takes files only at a public link, so C2Desk uploads them to
// the office's S3-compatible storage and sends a link that expires.

// Sentences about files.
const (
	MsgNoFileStorage        = "To send files, an administrator must set up the office's file storage in Settings: Chat2Desk takes files only at a link."
	MsgFileTooBig           = "{{.Name}} is larger than 20 MB, which messengers do not deliver. Send a smaller file or a link to it."
	MsgFileEmpty            = "{{.Name}} is empty."
	MsgFileRefused          = "{{.Name}} is a program or a script: messengers refuse those, so C2Desk does not send them."
	MsgStorageEndpoint      = "Enter the storage's address, for example storage.yandexcloud.net."
	MsgStorageBucket        = "Enter the bucket's name."
	MsgStorageKeys          = "Enter the key id and the secret key of the storage's service account."
	MsgStorageLinkDays      = "A link can last from 1 to 7 days."
	MsgStorageCheckFailed   = "C2Desk could not store a test file there: {{.Reason}}"
	MsgStorageSecretMissing = "The file storage's secret key is not in this computer's keyring. An administrator enters it again in Settings, on the computer that sends for the office."
	MsgStorageRefused       = "The file storage refused the file: {{.Reason}}"
	MsgStorageUnreachable   = "The file storage did not answer. C2Desk will try again."
)

// MaxFileSize is the largest file C2Desk sends: what WhatsApp and most
// messengers deliver as a document.
const MaxFileSize = 20 << 20

// refusedExtensions are programs and scripts, which messengers refuse.
var refusedExtensions = []string{".exe", ".msi", ".bat", ".cmd", ".com", ".scr", ".pif", ".vbs", ".vbe", ".js", ".jse",
	".wsf", ".ps1", ".jar", ".apk", ".sh", ".dll", ".lnk", ".reg", ".hta", ".cpl"}

// FileStorage is the office's S3-compatible storage. The secret key is
// in the keyring of the computer it was entered on, never here.
type FileStorage struct {
	Endpoint string // host[:port], or a URL; https unless it says http://
	Bucket   string
	Region   string
	KeyID    string
	LinkDays int // how long a sent link works, 1 to 7 days
	// Demo marks the demo's own stand-in, which keeps files in memory on
	// this computer.
	Demo bool
}

// DefaultLinkDays is how long links last unless an administrator chose.
const DefaultLinkDays = 7

var storageKeys = []string{"files.endpoint", "files.bucket", "files.region", "files.key_id", "files.link_days", "files.demo"}

// FileStorage reads the office's file storage; ok false when none is set.
func (a *App) FileStorage(ctx context.Context) (fs FileStorage, ok bool, err error) {
	vals := make([]string, len(storageKeys))
	for i, k := range storageKeys {
		if vals[i], _, err = a.store.Setting(ctx, k); err != nil {
			return fs, false, err
		}
	}
	fs = FileStorage{Endpoint: vals[0], Bucket: vals[1], Region: vals[2], KeyID: vals[3], Demo: vals[5] == "1"}
	fs.LinkDays, _ = strconv.Atoi(vals[4])
	if fs.LinkDays <= 0 {
		fs.LinkDays = DefaultLinkDays
	}
	return fs, fs.Endpoint != "" && fs.Bucket != "", nil
}

// FileStorageSecretHere reports whether this computer's keyring holds the
// file storage's secret key: the computer that uploads needs it.
func (a *App) FileStorageSecretHere(ctx context.Context) bool {
	secret, err := a.storageSecret(ctx)
	return err == nil && secret != ""
}

// storageSecret reads the file storage's secret key from this computer's
// keyring; ErrNoToken when it is not there.
func (a *App) storageSecret(ctx context.Context) (string, error) {
	acc, err := a.storageSecretAccount(ctx)
	if err != nil {
		return "", err
	}
	return a.secrets.Get(acc)
}

func storageSecretAccount(installation string) string { return "files-secret-" + installation }

func (a *App) storageSecretAccount(ctx context.Context) (string, error) {
	id, err := a.store.InstallationID(ctx)
	if err != nil {
		return "", err
	}
	return storageSecretAccount(id), nil
}

// SetFileStorage checks the storage by storing, reading and deleting a
// small file with the keys, then keeps it: the settings in the database
// (the office's, on an office database), the secret in this computer's
// keyring; a blank secret keeps the one already there. Administrators only.
func (s *Session) SetFileStorage(ctx context.Context, fs FileStorage, secret string) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	// The secret key lives where files are uploaded: with the office's
	// poller, not on whichever computer it was typed on.
	if s.app.guarded() && s.app.poller == nil {
		return problem(MsgStorageWherePolls)
	}
	return s.app.setFileStorage(ctx, fs, secret)
}

// KeepFileStorageSecret keeps the file storage's secret key on this
// computer (the office's server, which uploads too), for the storage the
// office has: checked first, like a new storage. Administrators only.
func (s *Session) KeepFileStorageSecret(ctx context.Context, secret string) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	fs, ok, err := s.app.FileStorage(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return problem(MsgNoFileStorage)
	}
	if strings.TrimSpace(secret) == "" {
		return problem(MsgStorageKeys)
	}
	return s.SetFileStorage(ctx, fs, secret)
}

// MsgStorageWherePolls is said on a joined computer that does not poll.
const MsgStorageWherePolls = "Set the file storage up on the computer that polls Chat2Desk for the office: it uploads the files, so its keyring keeps the secret key. This computer does not poll."

func (a *App) setFileStorage(ctx context.Context, fs FileStorage, secret string) error {
	fs.Endpoint, fs.Bucket, fs.Region = strings.TrimSpace(fs.Endpoint), strings.TrimSpace(fs.Bucket), strings.TrimSpace(fs.Region)
	fs.KeyID, secret = strings.TrimSpace(fs.KeyID), strings.TrimSpace(secret)
	if secret == "" {
		// Changed settings with the secret left blank keep the one this
		// computer has: it is never shown again once entered.
		secret, _ = a.storageSecret(ctx)
	}
	switch {
	case fs.Endpoint == "":
		return problem(MsgStorageEndpoint)
	case fs.Bucket == "":
		return problem(MsgStorageBucket)
	case fs.KeyID == "" || secret == "":
		return problem(MsgStorageKeys)
	case fs.LinkDays < 1 || fs.LinkDays > 7:
		return problem(MsgStorageLinkDays)
	}
	if _, _, err := storageHost(fs.Endpoint); err != nil {
		return problem(MsgStorageEndpoint)
	}
	client, err := a.s3Client(fs, secret)
	if err != nil {
		return problem(MsgStorageEndpoint)
	}
	check := "c2desk-check/" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := checkStorage(ctx, client, fs.Bucket, check); err != nil {
		return &Problem{Msg: MsgStorageCheckFailed, Data: map[string]any{"Reason": storageReason(err)}}
	}
	acc, err := a.storageSecretAccount(ctx)
	if err != nil {
		return err
	}
	if err := a.secrets.Set(acc, secret); err != nil {
		return err
	}
	demo := ""
	if fs.Demo {
		demo = "1"
	}
	// All at once: a storage half changed would send to the wrong bucket.
	if err := a.store.SetSettings(ctx, storageKeys, []string{fs.Endpoint, fs.Bucket, fs.Region, fs.KeyID, strconv.Itoa(fs.LinkDays), demo}); err != nil {
		return err
	}
	a.log.Info("file storage set", "endpoint", fs.Endpoint, "bucket", fs.Bucket)
	return nil
}

// checkStorage stores, reads back and deletes a small object.
func checkStorage(ctx context.Context, client *minio.Client, bucket, key string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	body := []byte("C2Desk checks that it may store files here.")
	if _, err := client.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{ContentType: "text/plain"}); err != nil {
		return err
	}
	if _, err := client.StatObject(ctx, bucket, key, minio.StatObjectOptions{}); err != nil {
		return err
	}
	return client.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{})
}

// storageReason is an S3 error as a sentence's end.
func storageReason(err error) string {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) && resp.Code != "" {
		switch resp.Code {
		case "NoSuchBucket":
			return "there is no such bucket."
		case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
			return "the keys do not give access to the bucket."
		}
		return resp.Code + "."
	}
	return "the storage did not answer."
}

// storageHost splits an endpoint into host[:port] and whether to use TLS.
func storageHost(endpoint string) (string, bool, error) {
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", false, errors.New("not a storage address")
	}
	return u.Host, u.Scheme == "https", nil
}

func (a *App) s3Client(fs FileStorage, secret string) (*minio.Client, error) {
	host, tls, err := storageHost(fs.Endpoint)
	if err != nil {
		return nil, err
	}
	base, err := minio.DefaultTransport(tls)
	if err != nil {
		return nil, err
	}
	return minio.New(host, &minio.Options{Creds: credentials.NewStaticV4(fs.KeyID, secret, ""), Secure: tls, Region: fs.Region,
		Transport: a.newTransport(base)})
}

// OutgoingFile is a file a person sends.
type OutgoingFile struct {
	Name string
	Data []byte
}

// CheckFile says, before anything is queued, why a file cannot be sent
// (nil: it can).
func CheckFile(name string, size int) error {
	data := map[string]any{"Name": name}
	switch {
	case size == 0:
		return &Problem{Msg: MsgFileEmpty, Data: data}
	case size > MaxFileSize:
		return &Problem{Msg: MsgFileTooBig, Data: data}
	}
	ext := strings.ToLower(filepath.Ext(name))
	for _, r := range refusedExtensions {
		if ext == r {
			return &Problem{Msg: MsgFileRefused, Data: data}
		}
	}
	return nil
}

// QueueFiles writes files to the outbox, one message each, the caption
// with the first, after the checks a message has and the file's own,
// before anything is uploaded. Deliver uploads and sends them.
func (s *Session) QueueFiles(ctx context.Context, dialogID int64, files []OutgoingFile, caption string) ([]storage.OutboxItem, error) {
	if _, ok, err := s.app.FileStorage(ctx); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, problem(MsgNoFileStorage)
	}
	for _, f := range files {
		if err := CheckFile(f.Name, len(f.Data)); err != nil {
			return nil, err
		}
	}
	d, err := s.viewDialog(ctx, dialogID)
	if err != nil {
		return nil, err
	}
	opID, err := s.operatorForSending(ctx)
	if err != nil {
		return nil, err
	}
	var out []storage.OutboxItem
	for i, f := range files {
		it := storage.OutboxItem{ClientID: d.ClientID, DialogID: d.ID, ChannelID: d.ChannelID, Transport: d.Transport,
			Type: KindReply, Author: s.staff.ID, OperatorID: opID, State: storage.OutboxQueued}
		if i == 0 {
			it.Text = strings.TrimSpace(caption)
		}
		sum := sha256.Sum256(f.Data)
		file := storage.OutboxFile{Name: filepath.Base(f.Name), Mime: mimeOf(f.Name, f.Data), Size: int64(len(f.Data)), SHA256: hex.EncodeToString(sum[:])}
		if it.ID, err = s.app.store.EnqueueFile(ctx, it, file, f.Data); err != nil {
			return out, err
		}
		it.File, it.CreatedAt = &file, s.app.cfg.Now().UTC()
		out = append(out, it)
	}
	return out, nil
}

// mimeOf is a file's type, by its name, else its first bytes.
func mimeOf(name string, data []byte) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		return t
	}
	return http.DetectContentType(data)
}

// uploadProgress keeps, per outbox item, how much of its file is uploaded.
type uploadProgress struct {
	mu   sync.Mutex
	done map[int64]float64
}

func (p *uploadProgress) set(id int64, f float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == nil {
		p.done = map[int64]float64{}
	}
	if f < 0 {
		delete(p.done, id)
		return
	}
	p.done[id] = f
}

// UploadProgress is how much of an outbox item's file this process has
// uploaded (0 to 1); ok false when it is not uploading it.
func (a *App) UploadProgress(outboxID int64) (float64, bool) {
	a.uploads.mu.Lock()
	defer a.uploads.mu.Unlock()
	f, ok := a.uploads.done[outboxID]
	return f, ok
}

// progressCounter is told by the S3 client of the bytes it uploaded.
type progressCounter struct {
	a        *App
	id, size int64
	sent     int64
	halfway  bool
}

func (p *progressCounter) Read(b []byte) (int, error) {
	p.sent += int64(len(b))
	p.a.uploads.set(p.id, float64(p.sent)/float64(max(p.size, 1)))
	if !p.halfway && p.sent*2 >= p.size {
		p.halfway = true
		crashPoint("mid-upload")
	}
	return len(b), nil
}

// uploadFile puts an outbox item's file in the storage, once: an item
// whose file has a link already keeps it, so a retry after a crash or a
// lost answer sends the same link. The object's key is the item's, so an
// upload cut off midway is simply made again.
func (a *App) uploadFile(ctx context.Context, it storage.OutboxItem) (string, error) {
	if it.File.URL != "" {
		return it.File.URL, nil
	}
	fs, ok, err := a.FileStorage(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", problem(MsgNoFileStorage)
	}
	secret, err := a.storageSecret(ctx)
	if errors.Is(err, ErrNoToken) {
		return "", problem(MsgStorageSecretMissing)
	}
	if err != nil {
		return "", err
	}
	client, err := a.s3Client(fs, secret)
	if err != nil {
		return "", problem(MsgStorageEndpoint)
	}
	data, err := a.store.OutboxFileData(ctx, it.ID)
	if err != nil {
		return "", err
	}
	key := path.Join("c2desk", it.File.SHA256[:16], strconv.FormatInt(it.ID, 10), safeObjectName(it.File.Name))
	defer a.uploads.set(it.ID, -1)
	a.uploads.set(it.ID, 0)
	_, err = client.PutObject(ctx, fs.Bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType: it.File.Mime, ContentDisposition: contentDisposition(it.File.Name),
		Progress: &progressCounter{a: a, id: it.ID, size: int64(len(data))},
	})
	if err != nil {
		return "", storageError(err)
	}
	link, err := client.PresignedGetObject(ctx, fs.Bucket, key, time.Duration(fs.LinkDays)*24*time.Hour, nil)
	if err != nil {
		return "", storageError(err)
	}
	if err := a.store.SetFileUploaded(context.WithoutCancel(ctx), it.ID, key, link.String()); err != nil {
		return "", err
	}
	a.log.Info("file uploaded", "outbox", it.ID, "size", len(data))
	return link.String(), nil
}

// storageError is an upload's failure: a refusal says why and is final;
// no answer is a network error, which the outbox tries again.
func storageError(err error) error {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) && resp.StatusCode >= 400 && resp.StatusCode < 500 {
		return &Problem{Msg: MsgStorageRefused, Data: map[string]any{"Reason": storageReason(err)}}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &c2dapi.NetworkError{Err: fmt.Errorf("file storage: %w", err)}
}

// safeObjectName keeps a file's name readable in the link, without what
// a URL or a storage might read otherwise.
func safeObjectName(name string) string {
	var b strings.Builder
	for _, r := range filepath.Base(name) {
		switch {
		case r == '/' || r == '\\' || r == '?' || r == '#' || r == '%' || r < ' ':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "file"
	}
	return b.String()
}

func contentDisposition(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": filepath.Base(name)})
}

// isPDF reports whether a file goes as Chat2Desk's pdf rather than an
// attachment.
func isPDF(f *storage.OutboxFile) bool {
	return f.Mime == "application/pdf" || strings.EqualFold(filepath.Ext(f.Name), ".pdf")
}
