package c2dfake

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"net"
	"net/http"
	"strings"
	"time"

	"c2desk/c2dapi"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// The seeded messages' files sit at sampleHost, which does not answer, as
// an expired link does not. ServeSamples puts them at the fake's own
// address, where they load: the demo does, and tests that need pictures.
const sampleHost = "https://files.klyuch-realty.ru/"

// samplesPath is where the fake serves its sample files.
const samplesPath = "/files/"

// ServeSamples makes the seeded messages' files load from base (the fake's
// own URL, without /v1): photos of flats, a floor plan, a PDF.
func (s *Server) ServeSamples(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	to := strings.TrimSuffix(strings.TrimSuffix(base, "/"), "/v1") + samplesPath
	s.samplesAt = to
	for i := range s.messages {
		for j := range s.messages[i].Attachments {
			a := &s.messages[i].Attachments[j]
			a.Link = c2dapi.String(strings.Replace(string(a.Link), sampleHost, to, 1))
		}
		for _, l := range []*c2dapi.Link{&s.messages[i].Photo, &s.messages[i].PDF} {
			*l = c2dapi.Link(strings.Replace(string(*l), sampleHost, to, 1))
		}
	}
	for id, odd := range s.oddFields {
		if list, ok := odd["photo"].([]any); ok {
			for k, v := range list {
				if link, ok := v.(string); ok {
					list[k] = strings.Replace(link, sampleHost, to, 1)
				}
			}
			s.oddFields[id] = odd
		}
	}
}

// serveSample answers a sample file by its name: a .pdf is the floor
// plan's document, plan*.png the plan, any other picture a flat.
func serveSample(w http.ResponseWriter, r *http.Request, name string) {
	var data []byte
	var kind string
	switch {
	case strings.HasSuffix(name, ".pdf"):
		data, kind = SamplePDF(), "application/pdf"
	case strings.HasPrefix(name, "plan") && strings.HasSuffix(name, ".png"):
		data, kind = SampleFloorPlan(), "image/png"
	case strings.HasSuffix(name, ".jpg"):
		variant := 0 // the name's last digit: kvartira-1 and kvartira-2 differ
		if i := strings.LastIndexAny(name, "0123456789"); i >= 0 {
			variant = int(name[i] - '0')
		}
		data, kind = SamplePhoto(variant), "image/jpeg"
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", kind)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

// SamplePhoto draws a block of flats against the sky; variant changes the
// light, so two photos differ.
func SamplePhoto(variant int) []byte {
	const w, h = 640, 480
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		c := color.RGBA{uint8(110 + y/6), uint8(160 + y/8), 230, 255}
		if variant%2 == 1 { // an evening sky
			c = color.RGBA{uint8(240 - y/8), uint8(150 + y/6), uint8(120 + y/5), 255}
		}
		draw.Draw(img, image.Rect(0, y, w, y+1), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	wall := color.RGBA{uint8(200 - variant%5*12), 190, 170, 255}
	draw.Draw(img, image.Rect(140, 90, 500, 440), &image.Uniform{wall}, image.Point{}, draw.Src)
	for fy := 110; fy < 410; fy += 50 {
		for fx := 165; fx < 480; fx += 55 {
			glass := color.RGBA{70, 110, 160, 255}
			if (fx+fy+variant)%3 == 0 {
				glass = color.RGBA{250, 220, 130, 255} // a lit window
			}
			draw.Draw(img, image.Rect(fx, fy, fx+30, fy+32), &image.Uniform{glass}, image.Point{}, draw.Src)
		}
	}
	draw.Draw(img, image.Rect(0, 440, w, h), &image.Uniform{color.RGBA{90, 140, 80, 255}}, image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err) // encoding to memory does not fail
	}
	return b.Bytes()
}

// SampleFloorPlan draws a two-room flat's plan.
func SampleFloorPlan() []byte {
	const w, h = 600, 420
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	line := &image.Uniform{color.RGBA{40, 40, 40, 255}}
	wall := func(x0, y0, x1, y1 int) { draw.Draw(img, image.Rect(x0, y0, x1, y1), line, image.Point{}, draw.Src) }
	wall(30, 30, 570, 38)
	wall(30, 382, 570, 390)
	wall(30, 30, 38, 390)
	wall(562, 30, 570, 390)
	wall(300, 30, 308, 240) // between the rooms, with a door below
	wall(38, 240, 250, 248)
	wall(360, 240, 562, 248)
	floor := &image.Uniform{color.RGBA{235, 225, 200, 255}}
	draw.Draw(img, image.Rect(38, 38, 300, 240), floor, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(308, 38, 562, 240), floor, image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// SamplePDF is a one-page PDF describing a flat, as an agency sends.
func SamplePDF() []byte {
	text := "BT /F1 20 Tf 72 760 Td (Floor plan: 2 rooms, 54 m2) Tj 0 -30 Td /F1 12 Tf (Klyuch Realty, Novostroyki) Tj ET"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// DemoStorage is the demo's stand-in for an office's S3-compatible file
// storage: an S3 protocol server in memory on this computer.
type DemoStorage struct {
	Endpoint, Bucket, KeyID, Secret string
}

// ListenStorage starts the demo's file storage on addr until ctx ends.
func ListenStorage(ctx context.Context, addr string) (DemoStorage, error) {
	backend := s3mem.New()
	const bucket = "c2desk-demo"
	if err := backend.CreateBucket(bucket); err != nil {
		return DemoStorage{}, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return DemoStorage{}, err
	}
	srv := &http.Server{Handler: gofakes3.New(backend).Server(), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	// gofakes3 takes any key; these only fill the settings' fields.
	return DemoStorage{Endpoint: "http://" + ln.Addr().String(), Bucket: bucket, KeyID: "demo", Secret: "demo-secret"}, nil
}
