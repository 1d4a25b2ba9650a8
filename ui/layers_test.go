package ui

import (
	"strconv"
	"testing"
)

// The screens speak only to app (and assets): storage and c2dapi are
// app's business, so a change there never reaches past it unnoticed.
func TestUIImportsOnlyApp(t *testing.T) {
	fset, files := packageSources(t)
	for _, file := range files {
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if len(path) > 7 && path[:7] == "c2desk/" && path != "c2desk/app" && path != "c2desk/assets" {
				t.Errorf("%s imports %s: ui → app only", fset.Position(imp.Pos()), path)
			}
		}
	}
}
