package ui

import (
	"context"
	"slices"

	"c2desk/app"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fileStorageCard sets the office's S3-compatible storage, which files go
// through: Chat2Desk takes a file only at a link.
type fileStorageCard struct {
	ui                              *UI
	endpoint, bucket, region, keyID *widget.Entry
	secret                          *widget.Entry
	days                            *widget.Select
	save                            *widget.Button
	status, demo                    *widget.Label
	content                         fyne.CanvasObject
	storedDays                      int
}

// linkDays are the lifetimes offered for sent links: S3 signs a link for
// 7 days at most.
var linkDays = []int{1, 2, 3, 7}

// linkDaysLabel says a lifetime in words; each is its own sentence, as
// Russian counts days in three ways.
func linkDaysLabel(d int) string {
	switch d {
	case 1:
		return lang.L("1 day")
	case 2:
		return lang.L("2 days")
	case 3:
		return lang.L("3 days")
	case 7:
		return lang.L("7 days, the longest a link can work")
	}
	return lang.L("{{.N}} days", map[string]any{"N": d}) // set before these were offered
}

// newFileStorageCard builds the card for the scrolling page it lies on,
// which the mouse wheel over its fields scrolls.
func newFileStorageCard(u *UI, page *container.Scroll) *fileStorageCard {
	c := &fileStorageCard{ui: u}
	c.endpoint = widget.NewEntry()
	c.endpoint.SetPlaceHolder("storage.yandexcloud.net")
	c.bucket = widget.NewEntry()
	c.bucket.SetPlaceHolder("agency-files")
	c.region = widget.NewEntry()
	c.region.SetPlaceHolder(lang.L("Only if the storage asks for one, e.g. ru-central1"))
	c.keyID = widget.NewEntry()
	c.keyID.SetPlaceHolder(lang.L("The service account's access key id"))
	c.secret = widget.NewPasswordEntry()
	var days []string
	for _, d := range linkDays {
		days = append(days, linkDaysLabel(d))
	}
	c.days = widget.NewSelect(days, nil)
	c.days.SetSelected(linkDaysLabel(app.DefaultLinkDays))
	c.status = paragraph("", widget.SuccessImportance)
	c.status.Hide()
	c.demo = paragraph(lang.L("Demo: files go to a stand-in storage that the demo runs on this computer, in memory; they are gone when the demo ends."), widget.WarningImportance)
	c.demo.Hide()
	c.save = widget.NewButtonWithIcon(lang.L("Check and save"), theme.ConfirmIcon(), c.check)
	c.save.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Address"), wheelToPage(page, c.endpoint)),
		widget.NewFormItem(lang.L("Bucket"), wheelToPage(page, c.bucket)),
		widget.NewFormItem(lang.L("Region"), wheelToPage(page, c.region)),
		widget.NewFormItem(lang.L("Key id"), wheelToPage(page, c.keyID)),
		widget.NewFormItem(lang.L("Secret key"), wheelToPage(page, c.secret)),
		widget.NewFormItem(lang.L("Links work for"), c.days),
	)
	c.content = widget.NewCard(lang.L("File storage"), "", container.NewVBox(
		paragraph(lang.L("Chat2Desk takes files only at a link, so C2Desk puts the files agents send in the office's S3-compatible storage (Yandex Object Storage, VK Cloud, AWS S3 or your own) and sends a link that expires."), widget.MediumImportance),
		c.demo, form,
		paragraph(lang.L("The secret key stays in this computer's keyring. Set the storage up on the computer that sends for the office."), widget.LowImportance),
		container.NewHBox(c.save), c.status))
	c.load()
	return c
}

type storageShown struct {
	fs         app.FileStorage
	set        bool
	secretHere bool
}

func (c *fileStorageCard) load() {
	core := c.ui.core
	background(c.ui, func(ctx context.Context) (storageShown, error) {
		fs, ok, err := core.FileStorage(ctx)
		return storageShown{fs, ok, core.FileStorageSecretHere(ctx)}, err
	}, func(s storageShown, err error) {
		if err != nil {
			c.tell(sentence(err), widget.DangerImportance)
			return
		}
		if !s.set {
			return
		}
		c.endpoint.SetText(s.fs.Endpoint)
		c.bucket.SetText(s.fs.Bucket)
		c.region.SetText(s.fs.Region)
		c.keyID.SetText(s.fs.KeyID)
		c.storedDays = s.fs.LinkDays
		if slices.Contains(linkDays, s.fs.LinkDays) {
			c.days.SetSelected(linkDaysLabel(s.fs.LinkDays))
		} else {
			c.days.ClearSelected()
			c.days.PlaceHolder = linkDaysLabel(s.fs.LinkDays)
			c.days.Refresh()
		}
		c.demo.Hidden = !s.fs.Demo
		if s.secretHere {
			c.secret.SetPlaceHolder(lang.L("Kept in the keyring; enter a new one to replace it"))
		} else {
			c.secret.SetPlaceHolder(lang.L("Not on this computer: enter it"))
		}
		c.content.Refresh()
	})
}

// tell says how the check went; the card is laid out again for the line.
func (c *fileStorageCard) tell(text string, importance widget.Importance) {
	say(c.status, text, importance)
	c.content.Refresh()
}

func (c *fileStorageCard) check() {
	days := c.storedDays // a lifetime not offered here stays unless another is chosen
	if days == 0 {
		days = app.DefaultLinkDays
	}
	if i := c.days.SelectedIndex(); i >= 0 {
		days = linkDays[i]
	}
	fs := app.FileStorage{Endpoint: c.endpoint.Text, Bucket: c.bucket.Text, Region: c.region.Text, KeyID: c.keyID.Text, LinkDays: days}
	secret := c.secret.Text
	c.save.Disable()
	c.tell(lang.L("Storing a test file there…"), widget.MediumImportance)
	backgroundWithin(c.ui, 2*requestTimeout, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, c.ui.session.SetFileStorage(ctx, fs, secret)
	}, func(_ struct{}, err error) {
		c.save.Enable()
		if err != nil {
			c.tell(sentence(err), widget.DangerImportance)
			return
		}
		c.secret.SetText("")
		c.demo.Hide()
		c.secret.SetPlaceHolder(lang.L("Kept in the keyring; enter a new one to replace it"))
		c.tell(lang.L("Checked and saved: agents can send files."), widget.SuccessImportance)
	})
}
