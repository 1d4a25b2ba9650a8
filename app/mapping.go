package app

import (
	"context"
	"strings"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// Sentences for the operator mapping.
const (
	MsgNeedDefault       = "Choose the default account: the operator used by staff who have no operator of their own."
	MsgDefaultNotUsable  = "{{.Operator}} cannot be the default account: it is disabled, deleted or gone from Chat2Desk."
	MsgOwnerNotUsable    = "{{.Operator}} cannot be given to {{.Name}}: it is disabled, deleted or gone from Chat2Desk."
	MsgOwnerTwice        = "{{.Name}} is the owner of two operators. A staff member can own one operator at most."
	MsgUnknownOperator   = "An operator in this mapping is not loaded in C2Desk. Load the operators again and retry."
	MsgOwnerInactive     = "{{.Name}} is deactivated and cannot own an operator."
	MsgOwnerUnknownStaff = "A staff member in this mapping no longer exists. Reload and try again."
)

// OperatorUsable reports whether messages can go out under an operator: it
// exists in Chat2Desk and is neither disabled nor deleted there.
func OperatorUsable(o storage.Operator) bool {
	return o.RemovedAt.IsZero() && o.Role != c2dapi.RoleDisabled && o.Role != c2dapi.RoleDeleted
}

// OperatorName is how an operator is shown: its name, else its e-mail, else its id.
func OperatorName(o storage.Operator) string {
	if n := strings.TrimSpace(o.FirstName + " " + o.LastName); n != "" {
		return n
	}
	if o.Email != "" {
		return o.Email
	}
	return "#" + itoa(o.ID)
}

// MappingView is everything the Operators tab shows.
type MappingView struct {
	Operators []storage.Operator
	Staff     []storage.Staff
	Mapping   storage.Mapping
}

// Mapping reads the operators, the staff and who owns which operator.
func (s *Session) Mapping(ctx context.Context) (MappingView, error) {
	var v MappingView
	if err := s.requireAdmin(ctx); err != nil {
		return v, err
	}
	var err error
	if v.Operators, err = s.app.store.Operators(ctx); err != nil {
		return v, err
	}
	if v.Staff, err = s.app.store.AllStaff(ctx); err != nil {
		return v, err
	}
	v.Mapping, err = s.app.store.LoadMapping(ctx)
	return v, err
}

// SaveMapping stores the whole mapping in one transaction after checking the
// rules: each staff member owns one operator at most, owners are active, and
// the default account is an operator that can send.
func (s *Session) SaveMapping(ctx context.Context, m storage.Mapping) error {
	v, err := s.Mapping(ctx)
	if err != nil {
		return err
	}
	if err := checkMapping(v.Operators, v.Staff, v.Mapping, m, true); err != nil {
		return err
	}
	if err := s.app.store.SaveMapping(ctx, m); err != nil {
		return err
	}
	s.app.log.Info("operator mapping saved", "owners", len(m.Owners), "default", m.Default)
	return nil
}

// checkMapping applies the mapping rules to m, replacing current.
// requireDefault is false for imports: a file from a PC whose mapping is
// not finished is still a valid file, and the Operators tab shows who
// cannot send yet. An operator that cannot send (disabled, deleted or gone
// upstream) gets no new owner; one it had before it was disabled may stay,
// shown with a warning, as its owner sends through the default account.
func checkMapping(ops []storage.Operator, staff []storage.Staff, current, m storage.Mapping, requireDefault bool) error {
	opByID := make(map[int64]storage.Operator, len(ops))
	anyUsable := false
	for _, o := range ops {
		opByID[o.ID] = o
		anyUsable = anyUsable || OperatorUsable(o)
	}
	owned := map[int64]bool{}
	for op, st := range m.Owners {
		if _, ok := opByID[op]; !ok {
			return problem(MsgUnknownOperator)
		}
		person, ok := findStaff(staff, st)
		switch {
		case !ok:
			return problem(MsgOwnerUnknownStaff)
		case !person.Active:
			return problem(MsgOwnerInactive, "Name", person.Name)
		case owned[st]:
			return problem(MsgOwnerTwice, "Name", person.Name)
		case !OperatorUsable(opByID[op]) && current.Owners[op] != st:
			return problem(MsgOwnerNotUsable, "Operator", OperatorName(opByID[op]), "Name", person.Name)
		}
		owned[st] = true
	}
	if m.Default == 0 {
		if anyUsable && requireDefault {
			return problem(MsgNeedDefault)
		}
		return nil
	}
	def, ok := opByID[m.Default]
	if !ok {
		return problem(MsgUnknownOperator)
	}
	if !OperatorUsable(def) {
		return problem(MsgDefaultNotUsable, "Operator", OperatorName(def))
	}
	return nil
}

// ResolveOperator says under which operator a staff member's messages go
// out: their own usable operator, else the usable default account. ok is
// false when neither exists and the message must not be sent.
func ResolveOperator(staffID int64, m storage.Mapping, ops map[int64]storage.Operator) (operatorID int64, viaDefault, ok bool) {
	for op, st := range m.Owners {
		if st == staffID && OperatorUsable(ops[op]) {
			return op, false, true
		}
	}
	if def, exists := ops[m.Default]; exists && OperatorUsable(def) {
		return m.Default, true, true
	}
	return 0, false, false
}

// MappingSummary counts, among active staff, who sends as themselves, who
// through the default account, and who cannot send.
type MappingSummary struct {
	Own, ViaDefault, Cannot int
	DefaultName             string
}

// Summarize tells what a mapping means for sending.
func Summarize(v MappingView, m storage.Mapping) MappingSummary {
	ops := make(map[int64]storage.Operator, len(v.Operators))
	for _, o := range v.Operators {
		ops[o.ID] = o
	}
	var sum MappingSummary
	if def, ok := ops[m.Default]; ok {
		sum.DefaultName = OperatorName(def)
	}
	for _, st := range v.Staff {
		if !st.Active {
			continue
		}
		switch _, viaDefault, ok := ResolveOperator(st.ID, m, ops); {
		case !ok:
			sum.Cannot++
		case viaDefault:
			sum.ViaDefault++
		default:
			sum.Own++
		}
	}
	return sum
}
