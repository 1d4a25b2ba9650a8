package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strconv"
	"strings"
	"sync"

	"c2desk/assets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// setTray shows the unread count on the tray icon and builds the tray's
// menu: open the window, mute notifications, quit. The menu is built
// again only when what it says changed: each build gives its items new
// identities, and a click on a menu opened before the build is lost
// (Windows: "no menu item with ID").
func (u *UI) setTray() {
	if !u.hasTray() {
		return
	}
	tray := u.fyneApp.(desktop.App)
	unread := u.unread
	status := lang.L("No unread chats")
	if unread > 0 {
		status = lang.L("Unread chats: {{.Count}}", map[string]any{"Count": unread})
	}
	info := fyne.NewMenuItem(status, nil)
	info.Disabled = true
	open := fyne.NewMenuItem(lang.L("Open C2Desk"), u.showWindow)
	mute := fyne.NewMenuItem(lang.L("Mute notifications"), func() { u.setMuted(!u.muted()) })
	mute.Checked = u.muted()
	quit := fyne.NewMenuItem(lang.L("Quit"), u.quit)
	quit.IsQuit = true
	if says := strings.Join([]string{status, open.Label, mute.Label, strconv.FormatBool(mute.Checked), quit.Label}, "\n"); says != u.trayMenuSays {
		tray.SetSystemTrayMenu(fyne.NewMenu("C2Desk", info, open, mute, fyne.NewMenuItemSeparator(), quit))
		u.trayMenuSays = says
	}
	if u.trayShows != badgeText(unread) {
		tray.SetSystemTrayIcon(trayIcon(unread))
		u.trayShows = badgeText(unread)
	}
}

// quit ends C2Desk from the tray or the menu, remembering the window.
func (u *UI) quit() {
	u.saveWindowSize()
	u.fyneApp.Quit()
}

// trayIconSize is drawn large enough for high-density panels; the tray
// scales it down.
const trayIconSize = 64

// trayIcon is the application icon with a red badge holding the unread
// count, or the plain icon when nothing waits.
func trayIcon(unread int) fyne.Resource {
	if unread <= 0 {
		return Icon
	}
	img, err := badgedIcon(badgeText(unread))
	if err != nil {
		return Icon // the count is in the tray menu and the title too
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Icon
	}
	return fyne.NewStaticResource("tray-"+strconv.Itoa(unread)+".png", buf.Bytes())
}

// trayBase is the icon scaled down to the tray's size and the font of the
// count, made once: the badge is redrawn whenever the count changes.
var trayBase = sync.OnceValues(func() (trayParts, error) {
	src, err := png.Decode(bytes.NewReader(assets.IconPNG))
	if err != nil {
		return trayParts{}, err
	}
	icon := image.NewNRGBA(image.Rect(0, 0, trayIconSize, trayIconSize))
	draw.CatmullRom.Scale(icon, icon.Bounds(), src, src.Bounds(), draw.Over, nil)
	f, err := opentype.Parse(theme.DefaultTextBoldFont().Content())
	return trayParts{icon: icon, font: f}, err
})

type trayParts struct {
	icon *image.NRGBA
	font *opentype.Font
}

func badgedIcon(text string) (*image.NRGBA, error) {
	base, err := trayBase()
	if err != nil {
		return nil, err
	}
	dst := image.NewNRGBA(base.icon.Rect)
	copy(dst.Pix, base.icon.Pix)
	f := base.font
	size := 30.0
	if len(text) > 1 {
		size = 24
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()

	// The badge: a red pill in the top-right corner, as wide as the text.
	width := font.MeasureString(face, text).Ceil()
	h := 36
	w := max(h, width+14)
	badge := image.Rect(trayIconSize-w, 0, trayIconSize, h)
	red := color.NRGBA{0xd9, 0x30, 0x25, 0xff}
	r := h / 2
	for y := badge.Min.Y; y < badge.Max.Y; y++ {
		for x := badge.Min.X; x < badge.Max.X; x++ {
			// inside the pill: the rectangle between two half circles
			cx := min(max(x, badge.Min.X+r), badge.Max.X-r-1)
			dx, dy := x-cx, y-(badge.Min.Y+r)
			if dx*dx+dy*dy <= r*r {
				dst.Set(x, y, red)
			}
		}
	}
	ascent := face.Metrics().Ascent.Ceil()
	d := font.Drawer{Dst: dst, Src: image.White, Face: face,
		Dot: fixed.P(badge.Min.X+(w-width)/2, badge.Min.Y+(h+ascent)/2-2)}
	d.DrawString(text)
	return dst, nil
}
