//go:build !windows

package app

func systemAutostart() Autostart { return XDGAutostart{} }
