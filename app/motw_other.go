//go:build !windows

package app

// markFromInternet: only Windows keeps a Mark of the Web.
func markFromInternet(file, link string) error { return nil }
