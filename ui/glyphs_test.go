package ui

import (
	"encoding/json"
	"go/ast"
	"go/token"
	"strconv"
	"testing"

	"c2desk/assets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font/sfnt"
)

// Every character C2Desk itself writes on the screen (its strings and
// translations) is in the fonts Fyne bundles: on Windows no system font
// fills in, and a missing one is drawn as "�" (the delivery tick was).
func TestEveryCharacterIsInTheBundledFont(t *testing.T) {
	var fonts []*sfnt.Font
	for _, res := range []fyne.Resource{theme.DefaultTextFont(), theme.DefaultTextBoldFont(), theme.DefaultEmojiFont()} {
		if res == nil { // built without the emoji font
			continue
		}
		f, err := sfnt.Parse(res.Content())
		if err != nil {
			t.Fatal(err)
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	missing := map[rune]string{}
	check := func(s, where string) {
		for _, r := range s {
			if r < 0x20 {
				continue
			}
			found := false
			for _, f := range fonts {
				if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 {
					found = true
				}
			}
			if !found {
				missing[r] = where
			}
		}
	}
	_, files := packageSources(t)
	for _, file := range files {
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					check(s, s)
				}
			}
			return true
		})
	}
	for _, name := range []string{"translations/en.json", "translations/ru.json"} {
		b, err := assets.Translations.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, v := range m {
			check(v, v)
		}
	}
	for r, where := range missing {
		t.Errorf("%q (U+%04X) is not in the bundled font, in %q", r, r, where)
	}
}
