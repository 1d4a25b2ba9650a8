package app

import (
	"errors"

	"golang.org/x/sys/windows/registry"
)

// RunKey is the user's Run key: programs that start when they sign in
// to Windows.
type RunKey struct {
	Exe string // the program; this one when empty
}

const (
	runKeyPath  = `Software\Microsoft\Windows\CurrentVersion\Run`
	runKeyValue = "C2Desk"
)

func systemAutostart() Autostart { return RunKey{} }

// Enabled: the Run key has C2Desk's value.
func (r RunKey) Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer k.Close()
	v, _, err := k.GetStringValue(runKeyValue)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	return err == nil && v != "", err
}

// Set writes or removes C2Desk's value.
func (r RunKey) Set(on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKeyPath, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue(runKeyValue); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return err
		}
		return nil
	}
	exe, err := executable(r.Exe)
	if err != nil {
		return err
	}
	return k.SetStringValue(runKeyValue, runCommand(exe))
}
