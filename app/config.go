package app

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"c2desk/storage"
)

// Sentences for export and import.
const (
	MsgConfigUnreadable = "This file is not a C2Desk settings file, or it is damaged."
	MsgConfigTooNew     = "This settings file was made by a newer C2Desk. Update C2Desk on this computer first."
	MsgConfigForeign    = "This file refers to operators or channels this Chat2Desk account does not have: {{.List}}. Load channels and operators first, or use a file from this account."
	MsgConfigBadStaff   = "The file lists a staff member without a name or with an unknown role."
	MsgConfigDupStaff   = "The file lists {{.Name}} twice."
	MsgConfigNoOwner    = "The file gives an operator to {{.Name}}, who is not in the file or on this computer."
	MsgConfigAdminNoPIN = "The file makes {{.Name}} an administrator, but {{.Name}} has no PIN on this computer, so anyone could sign in as them. Give {{.Name}} a PIN in the Staff tab first (add them there if they are new), then import again."

	PlanAddStaff    = "Add {{.Name}} ({{.Role}}), without a PIN"
	PlanChangeRole  = "{{.Name}}: role {{.Old}} › {{.New}}"
	PlanDeactivate  = "Deactivate {{.Name}}"
	PlanActivate    = "Activate {{.Name}}"
	PlanOwner       = "Operator {{.Operator}}: owner {{.Old}} › {{.New}}"
	PlanDefault     = "Default account: {{.Old}} › {{.New}}"
	PlanRule        = "Channel {{.Channel}}: {{.Old}} › {{.New}}"
	PlanRuleChosen  = "Channel {{.Channel}}: {{.New}}, as chosen on the other computer"
	PlanNothing     = "Nothing changes: this computer already has these settings."
	LabelNobody     = "nobody"
	LabelNone       = "none"
	LabelAdmin      = "administrator"
	LabelAgent      = "agent"
	LabelEveryone   = "everyone"
	LabelAdminsOnly = "administrators only"
	configFormat    = "c2desk-settings"
	configVersion   = 1
)

// ConfigFile is the office setup as a readable JSON file. It never holds the
// token or PIN hashes. Staff are named, not numbered: ids differ between PCs.
type ConfigFile struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Exported time.Time       `json:"exported_at"`
	Company  string          `json:"company,omitempty"`
	Staff    []ConfigStaff   `json:"staff"`
	Default  int64           `json:"default_operator_id"`
	Owners   []ConfigOwner   `json:"operators"`
	Channels []ConfigChannel `json:"channels"`
}

// ConfigStaff is a staff member in the file.
type ConfigStaff struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
}

// ConfigOwner is an operator and its owner ("" for none); Name is for people reading the file.
type ConfigOwner struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

// ConfigChannel is a channel's rule; Name is for people reading the file.
// Chosen is false for a rule no admin has set yet: importing leaves those alone.
type ConfigChannel struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Visibility string   `json:"visibility"`
	Staff      []string `json:"staff,omitempty"`
	Chosen     bool     `json:"chosen"`
}

// ExportConfig writes staff, the operator mapping, the default account and
// the channel rules as indented JSON.
func (s *Session) ExportConfig(ctx context.Context) ([]byte, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	cur, err := s.app.loadSetup(ctx)
	if err != nil {
		return nil, err
	}
	f := ConfigFile{Format: configFormat, Version: configVersion, Exported: s.app.cfg.Now().UTC().Truncate(time.Second), Default: cur.mapping.Default}
	if conn, ok, _ := s.app.store.LoadConnection(ctx); ok {
		f.Company = conn.Company
	}
	names := cur.staffNames()
	for _, st := range cur.staff {
		f.Staff = append(f.Staff, ConfigStaff{Name: st.Name, Role: st.Role, Active: st.Active})
	}
	for _, o := range cur.ops {
		f.Owners = append(f.Owners, ConfigOwner{ID: o.ID, Name: OperatorName(o), Owner: names[cur.mapping.Owners[o.ID]]})
	}
	for _, c := range cur.chans {
		cc := ConfigChannel{ID: c.ID, Name: c.Name, Visibility: c.Rule.Visibility, Chosen: c.Rule.Set}
		for _, id := range c.Rule.Staff {
			cc.Staff = append(cc.Staff, names[id])
		}
		sort.Strings(cc.Staff)
		f.Channels = append(f.Channels, cc)
	}
	return json.MarshalIndent(f, "", "  ")
}

// setup is the current office setup, read for export and import.
type setup struct {
	staff   []storage.Staff
	ops     []storage.Operator
	chans   []ChannelView
	mapping storage.Mapping
}

func (a *App) loadSetup(ctx context.Context) (setup, error) {
	var s setup
	var err error
	if s.staff, err = a.store.AllStaff(ctx); err != nil {
		return s, err
	}
	if s.ops, err = a.store.Operators(ctx); err != nil {
		return s, err
	}
	if s.chans, err = a.Console().Channels(ctx); err != nil {
		return s, err
	}
	s.mapping, err = a.store.LoadMapping(ctx)
	return s, err
}

func (s setup) staffNames() map[int64]string {
	out := make(map[int64]string, len(s.staff))
	for _, st := range s.staff {
		out[st.ID] = st.Name
	}
	return out
}

// PlanLine is one change an import makes, as a sentence template.
type PlanLine struct {
	Msg  string
	Data map[string]any
}

// String renders the line in English.
func (l PlanLine) String() string { return render(l.Msg, l.Data) }

// ImportPlan is what an import will change; Apply makes it so.
type ImportPlan struct {
	Lines  []PlanLine
	change storage.ConfigChange
}

// PlanImport reads a settings file and says what importing it would change,
// without changing anything. A file that refers to operators or channels
// this account does not have is refused, with their list.
func (s *Session) PlanImport(ctx context.Context, data []byte) (*ImportPlan, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	var f ConfigFile
	if err := json.Unmarshal(data, &f); err != nil || f.Format != configFormat {
		return nil, problem(MsgConfigUnreadable)
	}
	if f.Version > configVersion {
		return nil, problem(MsgConfigTooNew)
	}
	cur, err := s.app.loadSetup(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkForeign(f, cur); err != nil {
		return nil, err
	}
	im := &importing{file: f, cur: cur,
		plan: &ImportPlan{change: storage.ConfigChange{Owners: map[int64]string{}, RuleStaff: map[int64][]string{}, Default: f.Default}}}
	for _, phase := range []func() error{im.staff, im.mapping, im.rules} {
		if err := phase(); err != nil {
			return nil, err
		}
	}
	if len(im.plan.Lines) == 0 {
		im.plan.add(PlanNothing)
	}
	return im.plan, nil
}

// importing is an import being planned, phase by phase: staff, then the
// operator mapping, then the channel rules, each checked against this
// computer's setup and the staff as the import leaves them.
type importing struct {
	file ConfigFile
	cur  setup
	plan *ImportPlan
	// merged is the staff as the import leaves them (new ones with
	// negative ids); idByName and names look them up.
	merged   []storage.Staff
	idByName map[string]int64
	names    map[int64]string
}

// staffID finds a name of the file among the merged staff.
func (im *importing) staffID(name string) (int64, bool) {
	id, ok := im.idByName[strings.ToLower(strings.Join(strings.Fields(name), " "))]
	return id, ok
}

// staff adds the missing and updates the role and active flag of the known.
func (im *importing) staff() error {
	ch := &im.plan.change
	local := map[string]storage.Staff{}
	for _, st := range im.cur.staff {
		local[strings.ToLower(st.Name)] = st
	}
	merged := slices.Clone(im.cur.staff)
	seen := map[string]bool{}
	for _, fs := range im.file.Staff {
		name := strings.Join(strings.Fields(fs.Name), " ")
		key := strings.ToLower(name)
		if name == "" || (fs.Role != storage.RoleAdmin && fs.Role != storage.RoleAgent) {
			return problem(MsgConfigBadStaff)
		}
		if seen[key] {
			return problem(MsgConfigDupStaff, "Name", name)
		}
		seen[key] = true
		old, ok := local[key]
		if !ok {
			st := storage.Staff{Name: name, Role: fs.Role, Active: fs.Active, ID: -int64(len(ch.NewStaff) + 1)}
			ch.NewStaff = append(ch.NewStaff, st)
			merged = append(merged, st)
			im.plan.add(PlanAddStaff, "Name", name, "Role", roleLabel(fs.Role))
			continue
		}
		if old.Role == fs.Role && old.Active == fs.Active {
			continue
		}
		if old.Role != fs.Role {
			im.plan.add(PlanChangeRole, "Name", old.Name, "Old", roleLabel(old.Role), "New", roleLabel(fs.Role))
		}
		if old.Active != fs.Active {
			im.plan.add(map[bool]string{true: PlanActivate, false: PlanDeactivate}[fs.Active], "Name", old.Name)
		}
		upd := old
		upd.Role, upd.Active = fs.Role, fs.Active
		ch.UpdatedStaff = append(ch.UpdatedStaff, upd)
		merged[slices.IndexFunc(merged, func(x storage.Staff) bool { return x.ID == old.ID })] = upd
	}
	// The file carries no PINs. An administrator it would add, promote or
	// reactivate without a PIN here could be signed in as by anyone at
	// this computer, so such a file waits until they have one.
	for _, st := range merged {
		if st.Active && st.Role == storage.RoleAdmin && !st.HasPIN && !activeAdminHere(im.cur.staff, st.ID) {
			return problem(MsgConfigAdminNoPIN, "Name", st.Name)
		}
	}
	// Only an import that takes away the last administrator is refused: a
	// computer without staff may take a file without any.
	if activeAdmins(merged) == 0 && activeAdmins(im.cur.staff) > 0 {
		return problem(MsgLastAdmin)
	}
	im.merged, im.idByName, im.names = merged, map[string]int64{}, map[int64]string{}
	for _, st := range merged {
		im.idByName[strings.ToLower(st.Name)] = st.ID
		im.names[st.ID] = st.Name
	}
	return nil
}

// mapping sets the operator owners and the default account, checked like
// a saved mapping.
func (im *importing) mapping() error {
	cur, f, names := im.cur, im.file, im.names
	newMap := storage.Mapping{Owners: map[int64]int64{}, Default: f.Default}
	for _, o := range f.Owners {
		if o.Owner == "" {
			continue
		}
		id, ok := im.staffID(o.Owner)
		if !ok {
			return problem(MsgConfigNoOwner, "Name", o.Owner)
		}
		newMap.Owners[o.ID] = id
		im.plan.change.Owners[o.ID] = names[id]
	}
	if err := checkMapping(cur.ops, im.merged, cur.mapping, newMap, false); err != nil {
		return err
	}
	opNames := map[int64]string{}
	for _, o := range cur.ops {
		opNames[o.ID] = OperatorName(o)
	}
	for _, o := range cur.ops {
		oldOwner, newOwner := cur.mapping.Owners[o.ID], newMap.Owners[o.ID]
		if names[oldOwner] != names[newOwner] || (oldOwner == 0) != (newOwner == 0) {
			im.plan.add(PlanOwner, "Operator", opNames[o.ID], "Old", nameOr(names, oldOwner, LabelNobody), "New", nameOr(names, newOwner, LabelNobody))
		}
	}
	if cur.mapping.Default != f.Default {
		im.plan.add(PlanDefault, "Old", nameOr(opNames, cur.mapping.Default, LabelNone), "New", nameOr(opNames, f.Default, LabelNone))
	}
	return nil
}

// rules sets the channel rules the file's computer chose.
func (im *importing) rules() error {
	ch := &im.plan.change
	curRules := map[int64]ChannelView{}
	for _, c := range im.cur.chans {
		curRules[c.ID] = c
	}
	for _, fc := range im.file.Channels {
		switch fc.Visibility {
		case storage.VisibleToEveryone, storage.VisibleToAdmins, storage.VisibleToListed:
		default:
			return problem(MsgBadVisibility)
		}
		var listed []string
		for _, n := range fc.Staff {
			id, ok := im.staffID(n)
			if !ok {
				return problem(MsgConfigNoOwner, "Name", n)
			}
			listed = append(listed, im.names[id])
		}
		if fc.Visibility != storage.VisibleToListed {
			listed = nil
		} else if len(listed) == 0 {
			return problem(MsgRuleNeedsStaff)
		}
		sort.Strings(listed)
		if !fc.Chosen {
			continue
		}
		c := curRules[fc.ID]
		var oldListed []string
		for _, id := range c.Rule.Staff {
			oldListed = append(oldListed, im.names[id])
		}
		sort.Strings(oldListed)
		ch.Rules = append(ch.Rules, storage.ChannelRule{ChannelID: fc.ID, Visibility: fc.Visibility})
		ch.RuleStaff[fc.ID] = listed
		switch {
		case c.Rule.Visibility != fc.Visibility || !slices.Equal(oldListed, listed):
			im.plan.add(PlanRule, "Channel", c.Name, "Old", ruleLabel(c.Rule.Visibility, oldListed), "New", ruleLabel(fc.Visibility, listed))
		case !c.Rule.Set:
			im.plan.add(PlanRuleChosen, "Channel", c.Name, "New", ruleLabel(fc.Visibility, listed))
		}
	}
	return nil
}

// activeAdminHere reports whether a staff member is an active administrator
// on this computer already.
func activeAdminHere(staff []storage.Staff, id int64) bool {
	i := slices.IndexFunc(staff, func(st storage.Staff) bool { return st.ID == id })
	return i >= 0 && staff[i].Active && staff[i].Role == storage.RoleAdmin
}

// ApplyImport writes a planned import in one transaction.
func (s *Session) ApplyImport(ctx context.Context, p *ImportPlan) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	if err := s.app.store.ApplyConfig(ctx, p.change); err != nil {
		return err
	}
	s.app.log.Info("settings imported", "changes", len(p.Lines))
	return nil
}

func (p *ImportPlan) add(msg string, kv ...any) {
	pr := problem(msg, kv...)
	p.Lines = append(p.Lines, PlanLine{Msg: pr.Msg, Data: pr.Data})
}

// checkForeign refuses files naming operators or channels this account lacks.
func checkForeign(f ConfigFile, cur setup) error {
	ops := map[int64]bool{}
	for _, o := range cur.ops {
		ops[o.ID] = true
	}
	chans := map[int64]bool{}
	for _, c := range cur.chans {
		chans[c.ID] = true
	}
	var missing []string
	for _, o := range f.Owners {
		if !ops[o.ID] && o.Owner != "" {
			missing = append(missing, "operator "+labelled(o.Name, o.ID))
		}
	}
	if f.Default != 0 && !ops[f.Default] {
		missing = append(missing, "operator #"+itoa(f.Default))
	}
	for _, c := range f.Channels {
		if !chans[c.ID] {
			missing = append(missing, "channel "+labelled(c.Name, c.ID))
		}
	}
	if len(missing) > 0 {
		return problem(MsgConfigForeign, "List", strings.Join(missing, ", "))
	}
	return nil
}

func labelled(name string, id int64) string {
	if name == "" {
		return "#" + itoa(id)
	}
	return name + " (#" + itoa(id) + ")"
}

func nameOr(names map[int64]string, id int64, fallback string) string {
	if n, ok := names[id]; ok && id != 0 {
		return n
	}
	return fallback
}

func roleLabel(role string) string {
	if role == storage.RoleAdmin {
		return LabelAdmin
	}
	return LabelAgent
}

func ruleLabel(visibility string, listed []string) string {
	switch visibility {
	case storage.VisibleToEveryone:
		return LabelEveryone
	case storage.VisibleToListed:
		return strings.Join(listed, ", ")
	}
	return LabelAdminsOnly
}
