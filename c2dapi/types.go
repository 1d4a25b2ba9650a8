package c2dapi

// APIInfo is the answer of api_info: the account behind a token.
type APIInfo struct {
	Mode              String `json:"mode"`
	Hook              String `json:"hook"`
	CurrentVersion    String `json:"current_version"`
	RequestsThisMonth Int    `json:"requests_this_month"`
	Channels          Int    `json:"channels"`
	CompanyName       String `json:"company_name"`
}

// Channel is one source of chats, usually one phone number.
type Channel struct {
	ID         ID      `json:"id"`
	Name       String  `json:"name"`
	Phone      String  `json:"phone"`
	Transports Strings `json:"transports"`
}

// Operator roles as Chat2Desk names them.
const (
	RoleUnconfirmed = "unconfirmed"
	RoleOperator    = "operator"
	RoleSupervisor  = "supervisor"
	RoleAdmin       = "admin"
	RoleDisabled    = "disabled"
	RoleDeleted     = "deleted"
)

// Operator is a Chat2Desk operator account.
type Operator struct {
	ID            ID     `json:"id"`
	Email         String `json:"email"`
	Phone         String `json:"phone"`
	FirstName     String `json:"first_name"`
	LastName      String `json:"last_name"`
	Role          String `json:"role"`
	Online        Bool   `json:"online"`
	OfflineType   String `json:"offline_type"`
	LastVisit     Time   `json:"last_visit"`
	OpenedDialogs Int    `json:"opened_dialogs"`
	StatusID      ID     `json:"status_id"`
	ExternalID    String `json:"external_id"`
}

// Customer is a Chat2Desk "client": a person who writes to the agency. The
// name differs from the API's to keep Client for the API client.
type Customer struct {
	ID           ID     `json:"id"`
	Name         String `json:"name"`
	Avatar       String `json:"avatar"`
	Phone        String `json:"phone"`
	AssignedName String `json:"assigned_name"`
	Comment      String `json:"comment"`
	RegionID     ID     `json:"region_id"`
	CountryID    ID     `json:"country_id"`
	ExternalID   String `json:"external_id"`
	ExtraComment String `json:"extra_comment_1"`
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
	Photo           String       `json:"photo"`
	Video           String       `json:"video"`
	Audio           String       `json:"audio"`
	PDF             String       `json:"pdf"`
	RecipientStatus String       `json:"recipient_status"`
	RemoteID        String       `json:"remote_id"`
	RequestID       ID           `json:"request_id"`
	IsNew           Bool         `json:"is_new"`
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

// Template is a quick reply prepared in Chat2Desk.
type Template struct {
	ID      ID     `json:"id"`
	Command String `json:"command"`
	Text    String `json:"text"`
	Name    String `json:"name"`
	Created Time   `json:"created"`
}
