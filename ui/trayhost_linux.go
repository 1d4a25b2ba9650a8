//go:build linux

package ui

import "github.com/godbus/dbus/v5"

// TrayHostAvailable says whether the desktop shows tray icons. On Linux a
// panel shows them by owning the StatusNotifierWatcher name on the session
// bus; plain GNOME does not, and a window hidden "to the tray" there could
// not be brought back.
func TrayHostAvailable() bool {
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var owned bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&owned)
	return err == nil && owned
}
