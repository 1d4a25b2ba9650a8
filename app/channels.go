package app

import (
	"context"
	"slices"
	"strconv"

	"c2desk/storage"
)

// Sentences for channel rules.
const (
	MsgRuleNeedsStaff   = "Choose at least one staff member who may see this channel's chats."
	MsgBadVisibility    = "Choose who may see the chats: everyone, administrators only, or chosen staff."
	MsgUnknownChannel   = "This channel is no longer in C2Desk. Reload the list."
	MsgChannelStillLive = "Only channels removed in Chat2Desk can be removed here."
)

// ChannelView is a channel with its privacy rule.
type ChannelView struct {
	storage.Channel
	Rule storage.ChannelRule
}

// Channels lists every channel with its rule, gone ones included.
func (s *Session) Channels(ctx context.Context) ([]ChannelView, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	chans, err := s.app.store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := s.app.store.ChannelRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ChannelView, len(chans))
	for i, c := range chans {
		r, ok := rules[c.ID]
		if !ok {
			r = storage.ChannelRule{ChannelID: c.ID, Visibility: storage.VisibleToAdmins}
		}
		out[i] = ChannelView{Channel: c, Rule: r}
	}
	return out, nil
}

// SetChannelRule decides who sees chats that start on a channel.
func (s *Session) SetChannelRule(ctx context.Context, r storage.ChannelRule) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	switch r.Visibility {
	case storage.VisibleToEveryone, storage.VisibleToAdmins:
		r.Staff = nil
	case storage.VisibleToListed:
		if len(r.Staff) == 0 {
			return problem(MsgRuleNeedsStaff)
		}
		all, err := s.app.store.AllStaff(ctx)
		if err != nil {
			return err
		}
		for _, id := range r.Staff {
			st, ok := findStaff(all, id)
			if !ok {
				return problem(MsgOwnerUnknownStaff)
			}
			if !st.Active {
				return problem(MsgStaffInactive, "Name", st.Name)
			}
		}
	default:
		return problem(MsgBadVisibility)
	}
	if _, err := s.channel(ctx, r.ChannelID); err != nil {
		return err
	}
	return s.app.store.SetChannelRule(ctx, r)
}

// RemoveChannel drops a channel that is gone from Chat2Desk. Its chats'
// history stays in the database.
func (s *Session) RemoveChannel(ctx context.Context, id int64) error {
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	c, err := s.channel(ctx, id)
	if err != nil {
		return err
	}
	if c.RemovedAt.IsZero() {
		return problem(MsgChannelStillLive)
	}
	return s.app.store.DeleteChannel(ctx, id)
}

func (s *Session) channel(ctx context.Context, id int64) (storage.Channel, error) {
	chans, err := s.app.store.Channels(ctx)
	if err != nil {
		return storage.Channel{}, err
	}
	for _, c := range chans {
		if c.ID == id {
			return c, nil
		}
	}
	return storage.Channel{}, problem(MsgUnknownChannel)
}

// transportNames are the readable names of Chat2Desk's transports. Brand
// names are the same in every language.
var transportNames = map[string]string{
	"telegram": "Telegram", "tg_user": "Telegram (personal)", "whatsapp": "WhatsApp", "wa_dialog": "WhatsApp",
	"viber": "Viber", "viber_business": "Viber Business", "viber_public": "Viber Public", "vk": "VK", "ok": "OK",
	"widget": "Site chat", "facebook": "Facebook", "insta_direct": "Instagram", "insta_local": "Instagram",
	"sms": "SMS", "email": "E-mail", "skype": "Skype", "wechat": "WeChat", "yandex_dialogs": "Yandex Dialogs",
	"external": "External", "system": "System",
}

// TransportName is a transport's readable name; unknown ones show their raw
// name, never nothing. Other WhatsApp providers (wa_*) read as WhatsApp.
func TransportName(raw string) string {
	if n, ok := transportNames[raw]; ok {
		return n
	}
	if len(raw) > 3 && raw[:3] == "wa_" {
		return "WhatsApp"
	}
	return raw
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Reach is what a staff member may do: under which operator they send and
// which channels' new chats they see.
type Reach struct {
	CanSend    bool
	ViaDefault bool
	Operator   string
	Channels   []string // names, gone channels left out
}

// MyReach tells the signed-in staff member their own reach; agents may ask.
func (s *Session) MyReach(ctx context.Context) (Reach, error) {
	var r Reach
	as, err := s.app.sendingAs(ctx, s.staff.ID)
	if err != nil {
		return r, err
	}
	r.ViaDefault, r.CanSend = as.viaDefault, as.canSend
	if r.CanSend {
		r.Operator = OperatorName(as.operator)
	}
	chans, err := s.WritableChannels(ctx)
	if err != nil {
		return r, err
	}
	for _, c := range chans {
		r.Channels = append(r.Channels, c.Name)
	}
	return r, nil
}

// MaySee is the access rule for chats that start on a channel: admins see
// all; others see channels open to everyone or listing them. A channel with
// no rule yet is for admins only.
func MaySee(st storage.Staff, r storage.ChannelRule) bool {
	if st.Role == storage.RoleAdmin {
		return true
	}
	switch r.Visibility {
	case storage.VisibleToEveryone:
		return true
	case storage.VisibleToListed:
		return slices.Contains(r.Staff, st.ID)
	}
	return false
}

// TransportLabels lists the readable transport names, for translation checks.
func TransportLabels() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range transportNames {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}
