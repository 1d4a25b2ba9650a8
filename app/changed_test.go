package app

import "testing"

// The office database names tables; the screens hear what they show.
func TestChangedFromTheOfficesTables(t *testing.T) {
	for _, c := range []struct {
		tables []string
		want   Changed
	}{
		{nil, everything},
		{[]string{}, Changed{}},
		{[]string{"channel_rule_staff"}, Changed{Channels: true}},
		{[]string{"operator_owner", "staff"}, Changed{Operators: true, Staff: true}},
		{[]string{"tags"}, Changed{Tags: true, Clients: true}},
		{[]string{"client_tags", "custom_fields"}, Changed{Clients: true}},
		{[]string{"office_actions", "messages", "dialogs"}, Changed{Actions: true}},
	} {
		if got := changedFrom(c.tables); got != c.want {
			t.Errorf("%v: %+v, want %+v", c.tables, got, c.want)
		}
	}
}
