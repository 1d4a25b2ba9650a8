package ui

import (
	"strconv"
	"strings"
	"time"
	_ "unsafe" // for go:linkname below

	"c2desk/assets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// The languages C2Desk speaks, by the code kept in the preferences; an
// empty choice follows the system.
const (
	languageSystem  = ""
	languageRussian = "ru"
	languageEnglish = "en"
)

// Keys of the desktop preferences (Fyne's per-user preferences file). They
// are about this PC's window, never about the office or the token.
const (
	prefLanguage     = "language"
	prefKeepInTray   = "keepInTray"
	prefMuted        = "notificationsMuted"
	prefTrayHintSeen = "trayHintSeen"
	prefWidth        = "windowWidth"
	prefHeight       = "windowHeight"
	prefCardShown    = "clientCardShown"
	// prefAutostartChosen: starting with the computer was decided here,
	// by default or by hand, and is not decided again.
	prefAutostartChosen = "autostartChosen"
)

// setupLang is Fyne's own switch of the active catalog. Fyne chooses the
// language once from the system and offers no public setter, and on
// Windows the choice cannot be steered through the environment; the
// language test fails if a Fyne update renames it.
//
//go:linkname setupLang fyne.io/fyne/v2/lang.setupLang
func setupLang(language string)

// SetUpLanguage registers the Russian and English catalogs and speaks the
// language chosen in Settings, else the system's. Call it before building
// any widget.
func SetUpLanguage(fa fyne.App) error {
	err := lang.AddTranslationsFS(assets.Translations, "translations")
	useLanguage(fa.Preferences().String(prefLanguage))
	return err
}

// useLanguage switches every later lang.L, Fyne's own dialogs included.
func useLanguage(choice string) {
	setupLang(resolveLanguage(choice, lang.SystemLocale().LanguageString()))
}

// resolveLanguage is the catalog for a choice: the system's language when
// C2Desk has it, else English.
func resolveLanguage(choice, system string) string {
	switch choice {
	case languageRussian, languageEnglish:
		return choice
	}
	if strings.HasPrefix(strings.ToLower(system), languageRussian) {
		return languageRussian
	}
	return languageEnglish
}

// Dates, times and numbers are written the way the active catalog says:
// the patterns are translations like any other text.

// formatDateTime is a full date and time in the user's time zone.
func formatDateTime(t time.Time) string {
	return t.Local().Format(lang.X("format.datetime", "2 Jan 2006 15:04"))
}

// shortTime is a message's time: the hour today, the day this year, the
// date before.
func shortTime(t, now time.Time) string {
	t = t.Local()
	now = now.Local()
	switch {
	case t.IsZero():
		return ""
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format(lang.X("format.time", "15:04"))
	case t.Year() == now.Year():
		return t.Format(lang.X("format.daytime", "2 Jan 15:04"))
	}
	return t.Format(lang.X("format.date", "2 Jan 2006"))
}

// formatCount writes a number with the thousands separator of the
// language. The catalog gives it as the way "1000" is written.
func formatCount(n int) string {
	sep := ","
	if sample := lang.X("format.thousands", "1,000"); len(sample) > 4 {
		sep = strings.TrimSuffix(strings.TrimPrefix(sample, "1"), "000")
	}
	digits := strings.TrimPrefix(strconv.Itoa(n), "-")
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// languageOptions are the Settings choices. Each language is named in
// itself, so a person who cannot read the current one still finds theirs.
func languageOptions() (labels []string, codes []string) {
	return []string{lang.L("Same as the system"), "Русский", "English"},
		[]string{languageSystem, languageRussian, languageEnglish}
}
