package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"c2desk/app"
	"c2desk/assets"
)

// usedKeys finds every lang.L("literal") in the package's non-test files.
func usedKeys(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				seen[s] = true
			}
			return true
		})
	}
	for _, m := range app.Messages() {
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
			if catalog == "ru" && v == k && strings.ContainsAny(k, "abcdefghijklmnopqrstuvwxyz") && k != "C2Desk" {
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
