package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"c2desk/storage"

	"golang.org/x/crypto/bcrypt"
)

// Sentences for staff and sign-in rules.
const (
	MsgNotAllowed    = "Only an administrator can do this."
	MsgWrongPIN      = "Wrong PIN. Try again."
	MsgPINWait       = "Wrong PIN, several times. Sign-in is paused for {{.Seconds}} seconds; an administrator can set a new PIN in the Staff tab."
	MsgPINFormat     = "A PIN is 4 to 12 digits."
	MsgNameEmpty     = "Enter the staff member's name."
	MsgNameTooLong   = "The name is too long: 80 characters at most."
	MsgNameTaken     = "There is already a staff member called {{.Name}}."
	MsgStaffInactive = "{{.Name}} is deactivated. Activate them first, or choose someone else."
	MsgLastAdmin     = "C2Desk needs at least one active administrator, so this change cannot be made."
	MsgNotYourself   = "You cannot deactivate yourself. Ask another administrator."
	MsgStaffExists   = "The first administrator already exists. Sign in instead."
	MsgUnknownStaff  = "This staff member no longer exists. Reload and try again."
	MsgBadRole       = "Choose a role: administrator or agent."
	consoleName      = "command line"
	lastStaffSetting = "last_staff_id"
	maxNameRunes     = 80
	bcryptCost       = 12 // about 0.2 s per check on an office PC: slow for guessing, fine for signing in
	minPIN, maxPIN   = 4, 12
)

// ErrNotAllowed means the signed-in staff member may not do this.
var ErrNotAllowed = &Problem{Msg: MsgNotAllowed}

// ErrWrongPIN means the PIN did not match.
var ErrWrongPIN = &Problem{Msg: MsgWrongPIN}

// Session is the staff member working at this PC. Admin actions are its
// methods and check the role here, whatever the UI shows or hides.
type Session struct {
	app     *App
	staff   storage.Staff
	console bool
}

// Staff is the signed-in staff member.
func (s *Session) Staff() storage.Staff { return s.staff }

// IsAdmin reports whether the session may use admin actions.
func (s *Session) IsAdmin() bool { return s.console || s.staff.Role == storage.RoleAdmin }

// App is the application the session belongs to.
func (s *Session) App() *App { return s.app }

// Console is the session of the command line: whoever can run c2desk on
// this PC's data folder can change it anyway, so it acts as an administrator.
func (a *App) Console() *Session {
	return &Session{app: a, console: true, staff: storage.Staff{Name: consoleName, Role: storage.RoleAdmin, Active: true}}
}

// requireAdmin checks, against the database, that the session's staff member
// is still an active administrator.
func (s *Session) requireAdmin(ctx context.Context) error {
	if s.console {
		return nil
	}
	st, err := s.app.store.StaffByID(ctx, s.staff.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrNotAllowed
	}
	if err != nil {
		return err
	}
	if !st.Active || st.Role != storage.RoleAdmin {
		return ErrNotAllowed
	}
	return nil
}

// StaffList returns everyone, active first; for the sign-in list and pickers.
func (a *App) StaffList(ctx context.Context) ([]storage.Staff, error) {
	if a.guarded() {
		list, _, err := a.officeStaff(ctx)
		return list, err
	}
	return a.store.AllStaff(ctx)
}

// NeedsFirstAdmin reports whether no staff exists yet: the very first start.
func (a *App) NeedsFirstAdmin(ctx context.Context) (bool, error) {
	if a.guarded() {
		return false, nil // a computer joins an office that has its administrators
	}
	all, err := a.store.AllStaff(ctx)
	return len(all) == 0, err
}

// LastStaffID is who signed in last on this PC, to preselect them.
func (a *App) LastStaffID(ctx context.Context) int64 {
	if a.guarded() {
		_, last, _ := a.officeStaff(ctx)
		return last
	}
	v, ok, _ := a.store.Setting(ctx, a.lastStaffKey())
	if !ok {
		// A PC new to the office: whoever signed in last where the data
		// came from (office create copies that PC's setting).
		v, _, _ = a.store.Setting(ctx, lastStaffSetting)
	}
	id, _ := strconv.ParseInt(v, 10, 64)
	return id
}

// lastStaffKey is the setting of who signed in last here: in an office
// database, one per PC, named after it.
func (a *App) lastStaffKey() string {
	if !a.store.Office() {
		return lastStaffSetting
	}
	host, _ := os.Hostname()
	return lastStaffSetting + "." + host
}

// CreateFirstAdmin creates the first administrator on a new installation
// and signs them in. It is refused once any staff exists.
func (a *App) CreateFirstAdmin(ctx context.Context, name, pin string) (*Session, error) {
	first, err := a.NeedsFirstAdmin(ctx)
	if err != nil {
		return nil, err
	}
	if !first {
		return nil, problem(MsgStaffExists)
	}
	st, err := a.Console().AddStaff(ctx, StaffInput{Name: name, Role: storage.RoleAdmin, PIN: &pin})
	if err != nil {
		return nil, err
	}
	return a.startSession(ctx, st)
}

// SignIn starts a session for an active staff member, checking the PIN when
// they have one.
func (a *App) SignIn(ctx context.Context, staffID int64, pin string) (*Session, error) {
	return a.signIn(ctx, staffID, pin, true)
}

// signIn is SignIn; remember makes the person the one "Who is working?"
// preselects here (a command's sign-in does not).
func (a *App) signIn(ctx context.Context, staffID int64, pin string, remember bool) (*Session, error) {
	if a.guarded() {
		// The office database checks the PIN, counts wrong ones and
		// remembers who signed in last here.
		s, err := a.signInAtOffice(ctx, staffID, pin)
		if err != nil {
			return nil, err
		}
		a.log.Info("signed in through the office database", "staff", s.staff.ID, "role", s.staff.Role)
		return s, nil
	}
	st, err := a.store.StaffByID(ctx, staffID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, problem(MsgUnknownStaff)
	}
	if err != nil {
		return nil, err
	}
	if !st.Active {
		return nil, problem(MsgStaffInactive, "Name", st.Name)
	}
	if st.PINHash != "" {
		if err := a.checkPIN(ctx, st, pin); err != nil {
			return nil, err
		}
	}
	if !remember {
		a.log.Info("signed in for a command", "staff", st.ID, "role", st.Role)
		return &Session{app: a, staff: st}, nil
	}
	return a.startSession(ctx, st)
}

// MsgSessionEnded is said on "Who is working?" when an administrator (on
// any PC of the office) deactivated the person signed in, removed them,
// or changed their role meanwhile.
const MsgSessionEnded = "An administrator changed {{.Name}}'s access, so C2Desk signed them out. Sign in again to go on."

// Current checks the session against the database: it ends when the
// person was deactivated or removed, or their role changed, on this
// PC or another of the office. The UI asks after every change it hears of.
// (A new PIN does not end it: the person may have set it themselves.)
func (s *Session) Current(ctx context.Context) error {
	if s.console {
		return nil
	}
	st, err := s.app.store.StaffByID(ctx, s.staff.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return problem(MsgSessionEnded, "Name", s.staff.Name)
	}
	if err != nil {
		return err
	}
	if !st.Active || st.Role != s.staff.Role {
		return problem(MsgSessionEnded, "Name", s.staff.Name)
	}
	return nil
}

// Wrong PINs: the first freeTries cost nothing; after that each try waits
// longer after the last wrong one, up to maxPINWait. The count is in the
// database, so restarting C2Desk does not reset it.
const (
	freeTries  = 3
	maxPINWait = 15 * time.Minute
)

// PINWait is how long sign-in waits after the given number of wrong PINs.
func PINWait(failures int) time.Duration {
	if failures < freeTries {
		return 0
	}
	wait := 30 * time.Second << (failures - freeTries)
	if wait > maxPINWait || wait <= 0 {
		return maxPINWait
	}
	return wait
}

// checkPIN compares the PIN unless the wait after wrong ones is still on;
// then it is not even compared.
func (a *App) checkPIN(ctx context.Context, st storage.Staff, pin string) error {
	failures, last, err := a.store.PINFailures(ctx, st.ID)
	if err != nil {
		return err
	}
	now := a.cfg.Now()
	if left := last.Add(PINWait(failures)).Sub(now); failures >= freeTries && left > 0 {
		return problem(MsgPINWait, "Seconds", int((left+time.Second-1)/time.Second))
	}
	if bcrypt.CompareHashAndPassword([]byte(st.PINHash), []byte(pin)) != nil {
		n, err := a.store.RecordPINFailure(ctx, st.ID, now)
		if err != nil {
			return err
		}
		a.log.Warn("sign-in: wrong PIN", "staff", st.ID, "wrong_in_a_row", n)
		if wait := PINWait(n); wait > 0 {
			return problem(MsgPINWait, "Seconds", int(wait/time.Second))
		}
		return ErrWrongPIN
	}
	return a.store.ClearPINFailures(ctx, st.ID)
}

func (a *App) startSession(ctx context.Context, st storage.Staff) (*Session, error) {
	if err := a.store.SetSetting(ctx, a.lastStaffKey(), strconv.FormatInt(st.ID, 10)); err != nil {
		return nil, err
	}
	a.log.Info("signed in", "staff", st.ID, "role", st.Role)
	return &Session{app: a, staff: st}, nil
}

// StaffInput is a new or edited staff member. PIN nil keeps the current PIN,
// a pointer to "" removes it.
type StaffInput struct {
	Name string
	Role string
	PIN  *string
}

// MsgPINRequired is said when an office's person would be left without a PIN.
const MsgPINRequired = "In an office everyone signs in with a PIN: give {{.Name}} one, 4 to 12 digits."

// pinHash is the hash to store for a new PIN; on a joined PC the office
// database hashes it (setServerPIN), so only its form is checked here.
func (a *App) pinHash(pin string) (string, error) {
	if a.guarded() {
		if pin != "" && (len(pin) < minPIN || len(pin) > maxPIN || strings.Trim(pin, "0123456789") != "") {
			return "", problem(MsgPINFormat)
		}
		return "", nil
	}
	return hashPIN(pin, a.cfg.PINHashCost)
}

// setServerPIN gives the office database a joined PC's new PIN.
func (a *App) setServerPIN(ctx context.Context, staffID int64, pin *string) error {
	if !a.guarded() || pin == nil {
		return nil
	}
	return a.store.SetPIN(ctx, staffID, *pin)
}

func hashPIN(pin string, cost int) (string, error) {
	if pin == "" {
		return "", nil
	}
	if len(pin) < minPIN || len(pin) > maxPIN || strings.Trim(pin, "0123456789") != "" {
		return "", problem(MsgPINFormat)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), cost)
	if err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	return string(h), nil
}

// checkStaffInput validates a name and role against everyone else.
func checkStaffInput(in StaffInput, others []storage.Staff, self int64) (string, error) {
	name := strings.Join(strings.Fields(in.Name), " ")
	switch {
	case name == "":
		return "", problem(MsgNameEmpty)
	case utf8.RuneCountInString(name) > maxNameRunes:
		return "", problem(MsgNameTooLong)
	case in.Role != storage.RoleAdmin && in.Role != storage.RoleAgent:
		return "", problem(MsgBadRole)
	}
	for _, o := range others {
		if o.ID != self && strings.EqualFold(o.Name, name) {
			return "", problem(MsgNameTaken, "Name", name)
		}
	}
	return name, nil
}

// AddStaff adds an active staff member.
func (s *Session) AddStaff(ctx context.Context, in StaffInput) (storage.Staff, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return storage.Staff{}, err
	}
	all, err := s.app.store.AllStaff(ctx)
	if err != nil {
		return storage.Staff{}, err
	}
	name, err := checkStaffInput(in, all, 0)
	if err != nil {
		return storage.Staff{}, err
	}
	st := storage.Staff{Name: name, Role: in.Role, Active: true}
	if s.app.guarded() && (in.PIN == nil || *in.PIN == "") {
		return storage.Staff{}, problem(MsgPINRequired, "Name", name)
	}
	if in.PIN != nil {
		if st.PINHash, err = s.app.pinHash(*in.PIN); err != nil {
			return storage.Staff{}, err
		}
	}
	if st.ID, err = s.app.store.CreateStaff(ctx, st); err != nil {
		return storage.Staff{}, err
	}
	st.HasPIN = in.PIN != nil && *in.PIN != ""
	return st, s.app.setServerPIN(ctx, st.ID, in.PIN)
}

// UpdateStaff changes a staff member's name, role or PIN.
func (s *Session) UpdateStaff(ctx context.Context, id int64, in StaffInput) (storage.Staff, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return storage.Staff{}, err
	}
	all, err := s.app.store.AllStaff(ctx)
	if err != nil {
		return storage.Staff{}, err
	}
	st, ok := findStaff(all, id)
	if !ok {
		return storage.Staff{}, problem(MsgUnknownStaff)
	}
	name, err := checkStaffInput(in, all, id)
	if err != nil {
		return storage.Staff{}, err
	}
	if st.Role == storage.RoleAdmin && in.Role != storage.RoleAdmin && st.Active && activeAdmins(all) == 1 {
		return storage.Staff{}, problem(MsgLastAdmin)
	}
	st.Name, st.Role = name, in.Role
	if s.app.guarded() && in.PIN != nil && *in.PIN == "" {
		return storage.Staff{}, problem(MsgPINRequired, "Name", name)
	}
	if in.PIN != nil {
		if st.PINHash, err = s.app.pinHash(*in.PIN); err != nil {
			return storage.Staff{}, err
		}
		st.HasPIN = *in.PIN != ""
	}
	if err := s.app.store.UpdateStaff(ctx, st); err != nil {
		return storage.Staff{}, err
	}
	if s.app.guarded() {
		return st, s.app.setServerPIN(ctx, id, in.PIN)
	}
	if in.PIN != nil { // a new PIN starts with a clean slate
		if err := s.app.store.ClearPINFailures(ctx, id); err != nil {
			return storage.Staff{}, err
		}
	}
	return st, nil
}

// SetStaffActive deactivates or reactivates a staff member. Deactivating
// never deletes: their messages keep their author.
func (s *Session) SetStaffActive(ctx context.Context, id int64, active bool) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	all, err := s.app.store.AllStaff(ctx)
	if err != nil {
		return err
	}
	st, ok := findStaff(all, id)
	if !ok {
		return problem(MsgUnknownStaff)
	}
	if !active {
		if !s.console && id == s.staff.ID {
			return problem(MsgNotYourself)
		}
		if st.Role == storage.RoleAdmin && st.Active && activeAdmins(all) == 1 {
			return problem(MsgLastAdmin)
		}
	}
	st.Active = active
	return s.app.store.UpdateStaff(ctx, st)
}

func findStaff(all []storage.Staff, id int64) (storage.Staff, bool) {
	for _, st := range all {
		if st.ID == id {
			return st, true
		}
	}
	return storage.Staff{}, false
}

func activeAdmins(all []storage.Staff) int {
	n := 0
	for _, st := range all {
		if st.Active && st.Role == storage.RoleAdmin {
			n++
		}
	}
	return n
}

// Sentences of the command line's sign-in (--as).
const (
	MsgSayWhoYouAre = "An administrator of this computer has a PIN, so say who you are: c2desk --as NAME, then the PIN when asked (or on the first line of standard input)."
	MsgNobodyCalled = "Nobody called {{.Name}} works here: c2desk staff list shows who does."
)

// CommandSession is the session a command acts in: the person named, with
// their PIN (read by readPIN, only when they have one), or, when no name
// is given, the command line as the whole installation's administrator,
// which only a PC none of whose administrators has a PIN allows (anyone
// at it could sign in as one anyway).
func (a *App) CommandSession(ctx context.Context, name string, readPIN func() (string, error)) (*Session, error) {
	if strings.TrimSpace(name) == "" && a.guarded() {
		return nil, problem(MsgSayWhoYouAre)
	}
	if strings.TrimSpace(name) == "" {
		all, err := a.store.AllStaff(ctx)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(all, func(st storage.Staff) bool {
			return st.Active && st.Role == storage.RoleAdmin && st.HasPIN
		}) {
			return nil, problem(MsgSayWhoYouAre)
		}
		return a.Console(), nil
	}
	st, err := a.StaffNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	pin := ""
	if st.HasPIN && st.Active {
		if pin, err = readPIN(); err != nil {
			return nil, err
		}
	}
	return a.signIn(ctx, st.ID, pin, false)
}

// StaffNamed is the person called name, in any case and however the
// spaces were typed.
func (a *App) StaffNamed(ctx context.Context, name string) (storage.Staff, error) {
	all, err := a.StaffList(ctx)
	if err != nil {
		return storage.Staff{}, err
	}
	name = strings.Join(strings.Fields(name), " ")
	if i := slices.IndexFunc(all, func(st storage.Staff) bool { return strings.EqualFold(st.Name, name) }); i >= 0 {
		return all[i], nil
	}
	return storage.Staff{}, problem(MsgNobodyCalled, "Name", name)
}
