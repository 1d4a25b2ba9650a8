package app

import "os"

// markFromInternet writes the Zone.Identifier stream Windows reads.
func markFromInternet(file, link string) error {
	return os.WriteFile(file+":Zone.Identifier", []byte(zoneIdentifier(link)), 0o644)
}
