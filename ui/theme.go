package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's theme with text colours that meet WCAG AA (4.5:1)
// against everything they are drawn on, in both variants: Fyne's own
// grey for secondary text (LowImportance labels use its "disabled"
// colour) was near-invisible on navy and on white. theme_test.go checks
// every pair.
type appTheme struct{ fyne.Theme }

func newAppTheme() fyne.Theme { return appTheme{theme.DefaultTheme()} }

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if v != theme.VariantLight { // as Fyne does: anything else is dark
		v = theme.VariantDark
	}
	if c, ok := appColors[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

func grey(v uint8) color.NRGBA { return color.NRGBA{R: v, G: v, B: v, A: 0xff} }

var appColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantDark: {
		theme.ColorNameDisabled:    grey(0xa4), // secondary text
		theme.ColorNamePlaceHolder: grey(0xa4),
		// A lighter blue, read as text (tabs, links) on the dark
		// background; buttons of it carry dark text.
		theme.ColorNamePrimary:             color.NRGBA{R: 0x6a, G: 0xa6, B: 0xff, A: 0xff},
		theme.ColorNameHyperlink:           color.NRGBA{R: 0x6a, G: 0xa6, B: 0xff, A: 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x10, G: 0x10, B: 0x12, A: 0xff},
		theme.ColorNameSelection:           color.NRGBA{R: 0x00, G: 0x6c, B: 0xff, A: 0x40},
		theme.ColorNameError:               color.NRGBA{R: 0xff, G: 0x80, B: 0x75, A: 0xff},
	},
	theme.VariantLight: {
		theme.ColorNameForeground:     grey(0x21),
		theme.ColorNameDisabled:       grey(0x5c), // secondary text
		theme.ColorNamePlaceHolder:    grey(0x5c),
		theme.ColorNamePrimary:        color.NRGBA{R: 0x17, G: 0x4a, B: 0xb0, A: 0xff},
		theme.ColorNameHyperlink:      color.NRGBA{R: 0x17, G: 0x4a, B: 0xb0, A: 0xff},
		theme.ColorNameWarning:        color.NRGBA{R: 0x96, G: 0x3c, B: 0x00, A: 0xff},
		theme.ColorNameSuccess:        color.NRGBA{R: 0x10, G: 0x66, B: 0x20, A: 0xff},
		theme.ColorNameError:          color.NRGBA{R: 0xb0, G: 0x1a, B: 0x1a, A: 0xff},
		theme.ColorNameSelection:      color.NRGBA{R: 0x00, G: 0x6c, B: 0xff, A: 0x28},
		theme.ColorNameFocus:          color.NRGBA{R: 0x00, G: 0x6c, B: 0xff, A: 0x2a},
		theme.ColorNameDisabledButton: grey(0xf5),
		// Fyne's #e3e3e3 left an unchecked box, or a field's edge, barely
		// visible on white (1.3:1); this is 3.7:1, as a control's edge
		// should be.
		theme.ColorNameInputBorder: grey(0x85),
	},
}
