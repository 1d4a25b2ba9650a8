package ui

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is WCAG 2's relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// over paints c (perhaps translucent) over an opaque under.
func over(c, under color.Color) color.Color {
	n, u := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(under).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(n.R, u.R), G: mix(n.G, u.G), B: mix(n.B, u.B), A: 0xff}
}

// Every text colour meets WCAG AA (4.5:1) against every surface it is
// drawn on, in the dark and the light theme: the window, fields,
// buttons, menus and dialogs, a hovered or selected row (the signed-in
// person's, the open chat's), and every kind of message bubble.
func TestTextContrastMeetsWCAGAA(t *testing.T) {
	th := newAppTheme()
	for _, v := range []fyne.ThemeVariant{theme.VariantDark, theme.VariantLight} {
		col := func(n fyne.ThemeColorName) color.Color { return th.Color(n, v) }
		bg := col(theme.ColorNameBackground)
		surfaces := map[string]color.Color{"background": bg}
		for _, n := range []fyne.ThemeColorName{theme.ColorNameInputBackground, theme.ColorNameButton, theme.ColorNameMenuBackground,
			theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground, theme.ColorNameDisabledButton} {
			surfaces[string(n)] = col(n)
		}
		selected := over(col(theme.ColorNameSelection), bg)
		surfaces["hovered row"] = over(col(theme.ColorNameHover), bg)
		surfaces["selected row"] = selected
		surfaces["selected, hovered row"] = over(col(theme.ColorNameHover), selected)
		for _, b := range []struct {
			name string
			note bool
			s    side
		}{{"client's message", false, sideLeft}, {"our message", false, sideRight}, {"system message", false, sideCenter}, {"internal note", true, sideRight}} {
			surfaces[b.name] = over(bubbleFill(th, v, b.note, b.s), bg)
		}
		texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder, theme.ColorNamePrimary,
			theme.ColorNameHyperlink, theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNameError}
		for _, text := range texts {
			for where, surface := range surfaces {
				if r := contrast(col(text), surface); r < 4.5 {
					t.Errorf("variant %d: %s text on %s: %.2f:1", v, text, where, r)
				}
			}
		}
		for _, pair := range [][2]fyne.ThemeColorName{
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary}, {theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess}, {theme.ColorNameForegroundOnError, theme.ColorNameError},
		} {
			if r := contrast(col(pair[0]), col(pair[1])); r < 4.5 {
				t.Errorf("variant %d: %s on %s: %.2f:1", v, pair[0], pair[1], r)
			}
		}
	}
	for _, c := range avatarPalette {
		if r := contrast(color.White, c); r < 4.5 {
			t.Errorf("white initials on %v: %.2f:1", fmt.Sprint(c), r)
		}
	}
}

// An unchecked box and a field's edge stand out from the window in the
// light theme, as a control's edge must (WCAG's 3:1 for non-text).
func TestControlEdgesAreVisibleInTheLightTheme(t *testing.T) {
	th := newAppTheme()
	border := th.Color(theme.ColorNameInputBorder, theme.VariantLight)
	for _, n := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
		if r := contrast(border, th.Color(n, theme.VariantLight)); r < 3 {
			t.Errorf("the input border on %s: %.2f:1", n, r)
		}
	}
}
