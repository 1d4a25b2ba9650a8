package ui

import (
	"context"
	"io"
	"strings"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"
)

// chooseExport asks where to save the settings file, then writes it.
func (t *settingsTab) chooseExport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			say(t.officeNote, err.Error(), widget.DangerImportance)
			return
		}
		if w == nil {
			return // cancelled
		}
		t.exportTo(w, w.URI().Name())
	}, t.ui.win)
	d.SetFileName("c2desk-settings.json")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	t.ui.showDialog(d)
}

// exportTo writes the settings file and closes w.
func (t *settingsTab) exportTo(w io.WriteCloser, name string) {
	background(t.ui, func(ctx context.Context) (struct{}, error) {
		defer w.Close()
		data, err := t.ui.session.ExportConfig(ctx)
		if err != nil {
			return struct{}{}, err
		}
		_, err = w.Write(data)
		return struct{}{}, err
	}, func(_ struct{}, err error) {
		if err != nil {
			say(t.officeNote, sentence(err), widget.DangerImportance)
			return
		}
		say(t.officeNote, lang.L("Settings saved to {{.File}}. Import this file on the other computers.", map[string]any{"File": name}), widget.SuccessImportance)
	})
}

// chooseImport asks for a settings file, then shows what it would change.
func (t *settingsTab) chooseImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			say(t.officeNote, err.Error(), widget.DangerImportance)
			return
		}
		if r == nil {
			return
		}
		background(t.ui, func(context.Context) ([]byte, error) {
			defer r.Close()
			return io.ReadAll(r)
		}, func(data []byte, err error) {
			if err != nil {
				say(t.officeNote, sentence(err), widget.DangerImportance)
				return
			}
			t.importFrom(data)
		})
	}, t.ui.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	t.ui.showDialog(d)
}

// importFrom plans an import and asks before applying it.
func (t *settingsTab) importFrom(data []byte) {
	background(t.ui, func(ctx context.Context) (*app.ImportPlan, error) {
		return t.ui.session.PlanImport(ctx, data)
	}, func(plan *app.ImportPlan, err error) {
		if err != nil {
			say(t.officeNote, sentence(err), widget.DangerImportance)
			return
		}
		lines := make([]string, len(plan.Lines))
		for i, l := range plan.Lines {
			lines[i] = "• " + translate(l.Msg, l.Data)
		}
		text := paragraph(strings.Join(lines, "\n"), widget.MediumImportance)
		body := container.NewVScroll(text)
		body.SetMinSize(fyne.NewSize(560, min(float32(len(lines))*28+16, 360)))
		d := dialog.NewCustomConfirm(lang.L("Import these settings?"), lang.L("Import"), lang.L("Cancel"), body, func(ok bool) {
			if ok {
				t.applyImport(plan)
			}
		}, t.ui.win)
		t.ui.showDialog(d)
	})
}

func (t *settingsTab) applyImport(plan *app.ImportPlan) {
	background(t.ui, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, t.ui.session.ApplyImport(ctx, plan)
	}, func(_ struct{}, err error) {
		if err != nil {
			say(t.officeNote, sentence(err), widget.DangerImportance)
			return
		}
		// Every tab shows what was imported: rebuild the main view.
		t.ui.routeSession(lang.L("Settings imported."))
	})
}
