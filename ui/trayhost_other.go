//go:build !linux

package ui

// TrayHostAvailable says whether the desktop shows tray icons: Windows and
// macOS always do.
func TrayHostAvailable() bool { return true }
