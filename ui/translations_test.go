package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"c2desk/app"
	"c2desk/assets"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
)

// dynamicAllowed are the functions that may call lang.L with a computed key:
// their keys come from package app and are checked through app.Messages and
// app.TransportLabels.
var dynamicAllowed = map[string]bool{"translate": true, "updateCell": true, "exportLabel": true}

// packageSources parses the package's non-test files.
func packageSources(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	names, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	return fset, files
}

// usedKeys finds every lang.L("literal") and lang.X("key", …) in the
// package's non-test files,
// and fails on lang.L with a computed key anywhere else: such a string would
// escape this check and show untranslated.
func usedKeys(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	fset, files := packageSources(t)
	for _, file := range files {
		var fn string
		ast.Inspect(file, func(n ast.Node) bool {
			if d, ok := n.(*ast.FuncDecl); ok {
				fn = d.Name.Name
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "L" && sel.Sel.Name != "X") {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if !dynamicAllowed[fn] {
					t.Errorf("%s: lang.L with a computed key in %s; use a literal", fset.Position(call.Pos()), fn)
				}
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			seen[s] = true
			return true
		})
	}
	for _, m := range slices.Concat(app.Messages(), app.TransportLabels(), app.ExportLabels()) {
		seen[m] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestEveryStringIsTranslated(t *testing.T) {
	keys := usedKeys(t)
	if len(keys) < 30 {
		t.Fatalf("found only %d strings; is the scan broken?", len(keys))
	}
	brands := map[string]bool{"C2Desk": true}
	for _, n := range app.TransportLabels() {
		brands[n] = true // Telegram is Telegram in Russian too
	}
	for _, catalog := range []string{"en", "ru"} {
		raw, err := assets.Translations.ReadFile("translations/" + catalog + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s.json: %v", catalog, err)
		}
		for _, k := range keys {
			v, ok := m[k]
			if !ok || strings.TrimSpace(v) == "" {
				t.Errorf("%s.json lacks %q", catalog, k)
				continue
			}
			if catalog == "ru" && v == k && strings.ContainsAny(k, "abcdefghijklmnopqrstuvwxyz") && !brands[k] {
				t.Errorf("ru.json leaves %q untranslated", k)
			}
			if strings.Count(v, "{{") != strings.Count(k, "{{") {
				t.Errorf("%s.json: %q loses or adds a placeholder", catalog, k)
			}
		}
		used := map[string]bool{}
		for _, k := range keys {
			used[k] = true
		}
		for k := range m {
			if !used[k] {
				t.Errorf("%s.json has %q, which nothing uses", catalog, k)
			}
		}
	}
}

// TestRussianCatalogIsChosen loads the catalogs in a child process whose
// locale is Russian: Fyne picks the language once, at start.
func TestRussianCatalogIsChosen(t *testing.T) {
	if os.Getenv("C2DESK_LANG_CHILD") == "1" {
		if err := SetUpLanguage(test.NewTempApp(t)); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("Add integration"); got != "Добавить интеграцию" {
			t.Fatalf("got %q", got)
		}
		if got := lang.L("Connected to {{.Company}}.", map[string]any{"Company": "Ключ"}); got != "Подключено: Ключ." {
			t.Fatalf("template: %q", got)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRussianCatalogIsChosen$")
	cmd.Env = append(os.Environ(), "C2DESK_LANG_CHILD=1", "LANG=ru_RU.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// shownBy are the calls whose string arguments reach the screen.
var shownBy = map[string]bool{
	"NewLabel": true, "NewLabelWithStyle": true, "NewButton": true, "NewButtonWithIcon": true, "NewCheck": true,
	"SetText": true, "SetPlaceHolder": true, "NewCard": true, "NewFormItem": true, "NewMenuItem": true,
	"NewMenu": true, "NewNotification": true, "NewTabItem": true, "NewTabItemWithIcon": true, "NewConfirm": true,
	"NewCustom": true, "NewCustomConfirm": true, "NewCustomWithoutButtons": true, "NewForm": true,
	"SetConfirmText": true, "SetDismissText": true, "NewRichTextFromMarkdown": true, "NewRadioGroup": true,
	"NewSelect": true, "SetTitle": true, "NewWindow": true, "paragraph": true, "heading": true, "say": true,
	"showBanner": true, "setTitle": true,
}

// notWords may be shown as they are in every language: the product's
// name, the languages named in themselves, a phone number's pattern, an
// office database's address, a storage's address and a bucket's name as
// examples, the
// numbering of translated steps, and the texts of list row templates, which
// size a row and are replaced before it shows.
var notWords = map[string]bool{
	"C2Desk": true, "Русский": true, "English": true, "+7 905 000-00-00": true,
	"postgres://c2desk@server/c2desk?sslmode=verify-full": true, "c2desk-invite:…": true, "1. %s\n2. %s\n3. %s\n4. %s\n": true,
	"storage.yandexcloud.net": true, "agency-files": true,
	"name": true, "role": true, "pin": true, "state": true, "two\nlines": true,
}

// TestNoTextBypassesTheCatalogs fails on a string literal with letters
// handed straight to a widget, a menu, a dialog or a notification: it would
// show in English to a Russian reader.
func TestNoTextBypassesTheCatalogs(t *testing.T) {
	checked := 0
	fset, files := packageSources(t)
	for _, file := range files {
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.Ident:
				name = fn.Name
			}
			if !shownBy[name] {
				return true
			}
			checked++
			for _, arg := range call.Args {
				ast.Inspect(arg, func(n ast.Node) bool {
					if c, ok := n.(*ast.CallExpr); ok {
						if sel, ok := c.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "L" || sel.Sel.Name == "X") {
							return false // translated
						}
					}
					lit, ok := n.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return true
					}
					s, _ := strconv.Unquote(lit.Value)
					if strings.IndexFunc(s, unicode.IsLetter) >= 0 && !notWords[s] {
						t.Errorf("%s: %q goes to the screen untranslated; use lang.L", fset.Position(lit.Pos()), s)
					}
					return true
				})
			}
			return true
		})
	}
	if checked < 100 {
		t.Fatalf("checked only %d calls; is the scan broken?", checked)
	}
}
