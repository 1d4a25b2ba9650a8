// Package assets holds what the binary carries besides code: the icon and
// the translations. It imports nothing, so every layer may use it.
package assets

import (
	"embed"
	_ "embed"
)

// IconPNG is the application icon, 512×512. icon.svg is its source
// (rendered with rsvg-convert -w 512 -h 512).
//
//go:embed icon.png
var IconPNG []byte

// Translations holds one JSON catalog per language (en.json, ru.json),
// keyed by the English text, in the format of fyne.io/fyne/v2/lang.
//
//go:embed translations/*.json
var Translations embed.FS
