package app

// What a client sends is never run: a received program, script or
// shortcut is not opened, only saved where the person chooses, with a
// warning; on Windows every received file written to disk carries the
// Mark of the Web (motw_windows.go), so that Office and SmartScreen treat
// it as from the internet.

import (
	"net/url"
	"path"
	"slices"
	"strings"
)

// KindProgram is a received program, script or shortcut.
const KindProgram = "program"

// MsgNotOpened is why such a file does not open.
const MsgNotOpened = "{{.Name}} is a program, a script or a shortcut: C2Desk does not open those, as they could take over this computer."

// runnableExtensions are what Windows, macOS or a Linux desktop may run
// when opened: what sending refuses, and disk images, consoles, shortcuts
// and installers besides.
var runnableExtensions = append(slices.Clone(refusedExtensions),
	".msc", ".iso", ".img", ".vhd", ".vhdx", ".msp", ".mst", ".appx", ".msix", ".appinstaller", ".application",
	".psm1", ".psd1", ".scf", ".url", ".website", ".settingcontent-ms", ".library-ms", ".chm", ".inf", ".sct",
	".wsc", ".wsh", ".xll", ".gadget", ".desktop", ".appimage", ".run", ".command", ".app", ".pkg", ".deb", ".rpm")

// Runnable reports whether a file's name, or a link's last part, says a
// program, script or shortcut. Windows drops trailing dots and spaces
// and reads "x.exe:stream" as x.exe, so those do not hide one; a double
// extension ("Договор.pdf.exe") is what its last part says.
func Runnable(name string) bool {
	if u, err := url.Parse(name); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		name = u.Path
	}
	base := strings.ToLower(name)
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	if i := strings.IndexByte(base, ':'); i >= 0 {
		base = base[:i]
	}
	base = strings.TrimRight(base, ". \t")
	return slices.Contains(runnableExtensions, path.Ext(base))
}

// KindOf is how a received file is shown: a program by its name or its
// link, whatever kind was stored for it; else the stored kind, or the
// kind its name and link suggest.
func KindOf(a Attachment) string {
	switch {
	case Runnable(a.Name) || Runnable(a.Link):
		return KindProgram
	case a.Kind != "":
		return a.Kind
	}
	return AttachmentKind(a.Name+" "+a.Link, "")
}

// zoneIdentifier is the Mark of the Web Windows gives a downloaded file:
// zone 3, the internet, and where it came from — without the link's
// query, which for a signed link holds its signature.
func zoneIdentifier(link string) string {
	s := "[ZoneTransfer]\r\nZoneId=3\r\n"
	if u, err := url.Parse(link); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		from := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
		s += "HostUrl=" + from.String() + "\r\n"
	}
	return s
}

// MarkFromInternet gives a received file written to disk the Mark of the
// Web, on Windows; elsewhere, and on a drive without NTFS streams (a FAT
// memory stick), nothing is marked.
func MarkFromInternet(file, link string) error { return markFromInternet(file, link) }

// NotOpened is the refusal to open a program.
func NotOpened(name string) error { return problem(MsgNotOpened, "Name", name) }
