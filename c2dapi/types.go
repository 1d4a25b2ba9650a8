package c2dapi

import (
	"encoding/json"
	"strings"
)

// APIInfo is the answer of api_info: the account behind a token.
type APIInfo struct {
	Mode              String `json:"mode"`
	Hook              String `json:"hook"`
	CurrentVersion    String `json:"current_version"`
	RequestsThisMonth Int    `json:"requests_this_month"`
	Channels          Int    `json:"channels"`
	CompanyName       String `json:"company_name"`
	CompanyID         ID     `json:"companyID"`
	AdminEmail        String `json:"admin_email"`
	// WriteFirstOption says whether the tariff lets the agency write to a
	// client first; nil when the answer does not say.
	WriteFirstOption *Bool `json:"write_first_option"`
}

// Channel is one source of chats, usually one phone number.
type Channel struct {
	ID         ID      `json:"id"`
	Name       String  `json:"name"`
	Phone      String  `json:"phone"`
	Transports Strings `json:"transports"`
}

// Operator roles as C2Desk keeps them: Chat2Desk's legacy role names, to
// which the 2026 status and access rights are brought (Operator.Role).
const (
	RoleUnconfirmed = "unconfirmed"
	RoleOperator    = "operator"
	RoleSupervisor  = "supervisor"
	RoleAdmin       = "admin"
	RoleDisabled    = "disabled"
	RoleDeleted     = "deleted"
)

// Operator statuses of the 2026 role model.
const (
	StatusEnabled  = "enabled"
	StatusDisabled = "disabled"
	StatusDeleted  = "deleted"
	StatusAdmin    = "admin"
)

// Operator is a Chat2Desk operator account.
type Operator struct {
	ID            ID     `json:"id"`
	Email         String `json:"email"`
	Phone         String `json:"phone"`
	FirstName     String `json:"first_name"`
	LastName      String `json:"last_name"`
	Avatar        String `json:"avatar"`
	LegacyRole    String `json:"role"` // before 2026; read only when Status is absent
	Online        Bool   `json:"online"`
	OfflineType   String `json:"offline_type"`
	LastVisit     Time   `json:"last_visit"`
	OpenedDialogs Int    `json:"opened_dialogs"`
	StatusID      ID     `json:"status_id"`
	ExternalID    String `json:"external_id"`
	// Since 2026 roles are access rights the account defines: Status says
	// whether the operator can work at all, AccessRightName names the
	// right in the account's language ("Супервайзер", "Администратор", …).
	Status          String `json:"status"`
	AccessRightID   ID     `json:"access_right_id"`
	AccessRightName String `json:"access_right_name"`
}

// supervisorNames are the names Chat2Desk gives its built-in supervisor
// right in the languages of its interface.
var supervisorNames = []string{"супервайзер", "supervisor", "supervayzer", "supervizor", "superviseur", "o supervisor", "el supervisor", "le superviseur"}

// adminNames are the same for the administrator right.
var adminNames = []string{"администратор", "administrator", "admin", "administrador", "administrateur"}

// Role is the operator's role as one of the Role constants: from Status
// and the access right when Chat2Desk sends them (2026 on), else from the
// legacy role. An unknown status is kept as it is.
func (o Operator) Role() string {
	status := strings.ToLower(strings.TrimSpace(string(o.Status)))
	switch status {
	case "":
		role := strings.ToLower(strings.TrimSpace(string(o.LegacyRole)))
		if role == "" {
			return RoleOperator
		}
		return role
	case StatusAdmin, StatusDisabled, StatusDeleted:
		return status
	case StatusEnabled:
		right := strings.ToLower(strings.TrimSpace(string(o.AccessRightName)))
		switch {
		case namedAs(right, supervisorNames):
			return RoleSupervisor
		case namedAs(right, adminNames):
			return RoleAdmin
		}
		return RoleOperator
	}
	return status
}

// namedAs reports whether an access right is one of names, alone or in
// brackets after a custom name ("Старший (Супервайзер)").
func namedAs(right string, names []string) bool {
	for _, n := range names {
		if right == n || strings.Contains(right, "("+n+")") {
			return true
		}
	}
	return false
}

// RoleName is how the account itself names the operator's role, in its
// own language, when Chat2Desk says ("" otherwise).
func (o Operator) RoleName() string {
	if r := o.Role(); r == RoleDisabled || r == RoleDeleted {
		return ""
	}
	return strings.TrimSpace(string(o.AccessRightName))
}

// Customer is a Chat2Desk "client": a person who writes to the agency. The
// name differs from the API's to keep Client for the API client.
type Customer struct {
	ID           ID     `json:"id"`
	Name         String `json:"name"`
	Username     String `json:"username"`
	Avatar       String `json:"avatar"`
	Phone        String `json:"phone"` // for site-chat clients "[chat] <hash>", not a number
	ClientPhone  String `json:"client_phone"`
	AssignedName String `json:"assigned_name"`
	Comment      String `json:"comment"`
	RegionID     ID     `json:"region_id"`
	CountryID    ID     `json:"country_id"`
	ExternalID   String `json:"external_id"`
	ExtraComment String `json:"extra_comment_1"`
	// Tags are the client's tags; CustomFields their values of the
	// account's client fields, keyed by field id or name, as strings or
	// numbers (FieldValues reads them).
	Tags         []Tag                      `json:"tags"`
	CustomFields map[string]json.RawMessage `json:"custom_fields"`
}

// FieldValues is the client's custom field values as text, by key (a
// field's id or name, as Chat2Desk sent it). A value of another shape
// than a string or a number is left out, not the client.
func (c Customer) FieldValues() map[string]string {
	out := map[string]string{}
	for k, raw := range c.CustomFields {
		var s String
		if s.UnmarshalJSON(raw) == nil && string(raw) != "null" {
			out[k] = string(s)
		}
	}
	return out
}

// Tag is a label an account puts on clients or requests, in a group.
type Tag struct {
	ID          ID     `json:"id"`
	GroupID     ID     `json:"group_id"`
	GroupName   String `json:"group_name"`
	Label       String `json:"label"`
	Description String `json:"description"`
}

// CustomField is one of the account's client fields: its type says
// whether its values are numbers or text.
type CustomField struct {
	ID       ID     `json:"id"`
	Name     String `json:"name"`
	Type     String `json:"type"`
	Editable Bool   `json:"editable"`
	Viewable Bool   `json:"viewable"`
}

// siteChatPrefix starts the "phone" of a client who writes from the site's
// chat widget: what follows is a hash, not a number.
const siteChatPrefix = "[chat]"

// PhoneNumber is the client's phone number as a person would dial it, or ""
// when Chat2Desk knows none: a site-chat client's "phone" is a hash, and
// the number they gave (if any) is client_phone.
func (c Customer) PhoneNumber() string {
	phone := strings.TrimSpace(string(c.Phone))
	if strings.HasPrefix(strings.ToLower(phone), siteChatPrefix) {
		phone = ""
	}
	if phone == "" {
		phone = strings.TrimSpace(string(c.ClientPhone))
	}
	if strings.HasPrefix(strings.ToLower(phone), siteChatPrefix) {
		return ""
	}
	return phone
}

// DisplayName is the client's name: the one the agency gave, else their own.
func (c Customer) DisplayName() string {
	if n := strings.TrimSpace(string(c.AssignedName)); n != "" {
		return n
	}
	if n := strings.TrimSpace(string(c.Name)); n != "" {
		return n
	}
	return strings.TrimSpace(string(c.Username))
}

// ClientTransport says on which channel and messengers a client can be reached.
type ClientTransport struct {
	ChannelID  ID      `json:"channel_id"`
	Transports Strings `json:"transports"`
}

// Message types.
const (
	TypeFromClient = "from_client"
	TypeToClient   = "to_client"
	TypeSystem     = "system"
	TypeAutoreply  = "autoreply"
	TypeComment    = "comment" // internal note, never delivered
)

// Attachment is a file attached to a message.
type Attachment struct {
	Name String `json:"name"`
	Link String `json:"link"`
}

// Message is one message of a dialog.
type Message struct {
	ID              ID           `json:"id"`
	Text            String       `json:"text"`
	Type            String       `json:"type"`
	Transport       String       `json:"transport"`
	Read            Bool         `json:"read"`
	Created         Time         `json:"created"`
	ClientID        ID           `json:"client_id"`
	DialogID        ID           `json:"dialog_id"`
	ChannelID       ID           `json:"channel_id"`
	OperatorID      ID           `json:"operator_id"`
	Attachments     []Attachment `json:"attachments"`
	Photo           Link         `json:"photo"`
	Video           Link         `json:"video"`
	Audio           Link         `json:"audio"`
	PDF             Link         `json:"pdf"`
	RecipientStatus String       `json:"recipient_status"`
	RemoteID        String       `json:"remote_id"`
	RequestID       ID           `json:"request_id"`
	IsNew           Bool         `json:"is_new"`
	// ReplyMessageID is the message this one answers. No source shows
	// where Chat2Desk puts an incoming reply's quote; C2Desk reads the
	// name a send uses (reply_message_id), as the message's own field.
	ReplyMessageID ID `json:"reply_message_id"`
}

// SentMessage is the answer to sending a message.
type SentMessage struct {
	MessageID  ID     `json:"message_id"`
	ChannelID  ID     `json:"channel_id"`
	OperatorID ID     `json:"operator_id"`
	Transport  String `json:"transport"`
	Type       String `json:"type"`
	ClientID   ID     `json:"client_id"`
	DialogID   ID     `json:"dialog_id"`
	RequestID  ID     `json:"request_id"`
}

// Dialog states.
const (
	DialogOpen   = "open"
	DialogClosed = "closed"
)

// Dialog is one conversation with a client.
type Dialog struct {
	ID          ID       `json:"id"`
	State       String   `json:"state"`
	Begin       Time     `json:"begin"`
	End         Time     `json:"end"`
	OperatorID  ID       `json:"operator_id"`
	Messages    Int      `json:"messages"`
	LastMessage *Message `json:"last_message"`
}

// OperatorGroup is a group of operators a request can be transferred to.
type OperatorGroup struct {
	ID          ID     `json:"id"`
	Name        String `json:"name"`
	OperatorIDs []ID   `json:"operator_ids"`
}

// Template is a quick reply prepared in Chat2Desk.
type Template struct {
	ID      ID     `json:"id"`
	Command String `json:"command"`
	Text    String `json:"text"`
	Name    String `json:"name"`
	Created Time   `json:"created"`
}
