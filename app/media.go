package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attachment kinds: how a file in a message is shown.
const (
	KindPhoto = "photo"
	KindVideo = "video"
	KindAudio = "audio"
	KindPDF   = "pdf"
	KindFile  = "file"
)

// Sentences about media.
const (
	MsgMediaUnavailable = "The file could not be loaded: its link may have expired, or the network is down."
	MsgMediaTooBig      = "The file is larger than 50 MB: open it from the link instead."
)

// maxMediaSize bounds one downloaded file; maxMediaCache the cache on disk
// (a variable for tests, which fill it with less).
const maxMediaSize = 50 << 20

var maxMediaCache int64 = 300 << 20

// AttachmentKind guesses how to show a file from its name or link, and
// its type when known.
func AttachmentKind(name, mimeType string) string {
	switch {
	case Runnable(name):
		return KindProgram
	case strings.HasPrefix(mimeType, "image/"):
		return KindPhoto
	case strings.HasPrefix(mimeType, "video/"):
		return KindVideo
	case strings.HasPrefix(mimeType, "audio/"):
		return KindAudio
	case mimeType == "application/pdf":
		return KindPDF
	}
	lower := strings.ToLower(name)
	if i := strings.IndexAny(lower, "?#"); i >= 0 {
		lower = lower[:i]
	}
	ext := path.Ext(lower)
	switch ext {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp":
		return KindPhoto
	case ".mp4", ".mov", ".avi", ".mkv", ".webm", ".3gp":
		return KindVideo
	case ".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".aac":
		return KindAudio
	case ".pdf":
		return KindPDF
	}
	return KindFile
}

// mediaDir is this PC's cache of downloaded files.
func (a *App) mediaDir() string { return filepath.Join(a.dataDir(), "media") }

// mediaPath is where a link's file is cached: named by the link's hash,
// with the file's extension so that the system viewer knows it — letters
// and digits only (no stream, no path), and none for a program, which
// thus cannot run from the cache.
func (a *App) mediaPath(link, name string) string {
	sum := sha256.Sum256([]byte(link))
	ext := strings.ToLower(filepath.Ext(name))
	if ext == "" {
		if u, err := url.Parse(link); err == nil {
			ext = strings.ToLower(path.Ext(u.Path))
		}
	}
	plain := len(ext) >= 2 && len(ext) <= 8 && !strings.ContainsFunc(ext[1:], func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	if !plain || Runnable(name) || Runnable(link) {
		ext = ""
	}
	return filepath.Join(a.mediaDir(), hex.EncodeToString(sum[:16])+ext)
}

// cacheMedia keeps a copy of a file this PC sent, under its link.
func (a *App) cacheMedia(link, name string, data []byte) {
	p := a.mediaPath(link, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err == nil {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			a.log.Warn("keep a sent file", "err", err)
		}
	}
	a.trimMedia()
}

// Media returns the path of a message's file on this PC, downloading it
// into the cache the first time. It does not block the window: callers
// run it in the background.
func (a *App) Media(ctx context.Context, link, name string) (string, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return "", problem(MsgMediaUnavailable)
	}
	p := a.mediaPath(link, name)
	if _, err := os.Stat(p); err == nil {
		now := time.Now()
		_ = os.Chtimes(p, now, now) // recently used: kept longest
		return p, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", DiskFull(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return "", problem(MsgMediaUnavailable)
	}
	resp, err := a.mediaClient().Do(req)
	if err != nil {
		a.log.Warn("download a file", "err", err)
		return "", fetchFailed(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		a.log.Warn("download a file", "status", resp.StatusCode)
		return "", problem(MsgMediaUnavailable)
	}
	if resp.ContentLength > maxMediaSize {
		return "", problem(MsgMediaTooBig)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "download-*")
	if err != nil {
		return "", DiskFull(err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(resp.Body, maxMediaSize+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return "", DiskFull(err) // the disk: a full one says so
		}
		return "", problem(MsgMediaUnavailable)
	case n > maxMediaSize:
		return "", problem(MsgMediaTooBig)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", err
	}
	if err := markFromInternet(p, link); err != nil {
		a.log.Warn("mark a received file as from the internet", "err", err)
	}
	a.trimMedia()
	return p, nil
}

// mediaClient fetches a file's link: from public addresses only
// (links.go), within two minutes.
func (a *App) mediaClient() *http.Client { return a.links.client(2 * time.Minute) }

// fetchFailed is the sentence for a link that could not be fetched.
func fetchFailed(err error) error {
	if errors.Is(err, errNotPublic) {
		return problem(MsgLinkNotPublic)
	}
	return problem(MsgMediaUnavailable)
}

// trimMedia removes the least recently used cached files until the cache
// is within its bound.
func (a *App) trimMedia() {
	entries, err := os.ReadDir(a.mediaDir())
	if err != nil {
		return
	}
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		files = append(files, file{filepath.Join(a.mediaDir(), e.Name()), info.Size(), info.ModTime()})
		total += info.Size()
	}
	slices.SortFunc(files, func(x, y file) int { return x.used.Compare(y.used) })
	for _, f := range files {
		if total <= maxMediaCache {
			break
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
	}
}

// MediaInfo is a file's size and type as its server says, for a file card,
// without downloading it; zero when the server does not say.
// A file already in the cache (one this PC sent or opened) is measured
// there. A link signed for GET only, as S3 links are, refuses HEAD: it is
// asked for its first byte, and the answer says the whole size.
func (a *App) MediaInfo(ctx context.Context, link, name string) (size int64, mimeType string, err error) {
	if fi, err := os.Stat(a.mediaPath(link, name)); err == nil {
		return fi.Size(), "", nil
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	ask := func(method string, header http.Header) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, link, nil)
		if err != nil {
			return nil, err
		}
		maps.Copy(req.Header, header)
		resp, err := a.mediaClient().Do(req)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		return resp, nil
	}
	resp, err := ask(http.MethodHead, nil)
	if err == nil && resp.StatusCode == http.StatusOK {
		return max(resp.ContentLength, 0), resp.Header.Get("Content-Type"), nil
	}
	resp, err = ask(http.MethodGet, http.Header{"Range": {"bytes=0-0"}})
	if err != nil {
		return 0, "", fetchFailed(err)
	}
	if resp.StatusCode != http.StatusPartialContent {
		return 0, "", problem(MsgMediaUnavailable)
	}
	// Content-Range: bytes 0-0/12345
	_, total, _ := strings.Cut(resp.Header.Get("Content-Range"), "/")
	size, _ = strconv.ParseInt(total, 10, 64)
	return size, resp.Header.Get("Content-Type"), nil
}
