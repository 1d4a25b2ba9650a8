package c2dapi

import (
	"context"
	"encoding/json"
	"net/http"
)

// ClientsService reads and writes the agency's clients.
type ClientsService struct{ c *Client }

// ClientListOptions filters the client list.
type ClientListOptions struct {
	Phone string
	Tags  string // comma-separated tag ids
	ListOptions
}

// List returns one page of clients.
func (s *ClientsService) List(ctx context.Context, opts ClientListOptions) (*Page[Customer], error) {
	q := opts.query()
	setStr(q, "phone", opts.Phone)
	setStr(q, "tags", opts.Tags)
	return list[Customer](ctx, s.c, "/clients", q)
}

// Get returns one client.
func (s *ClientsService) Get(ctx context.Context, id ID) (*Customer, error) {
	return one[Customer](ctx, s.c, http.MethodGet, "/clients/"+id.String(), nil, nil)
}

// Transports returns where a client can be reached.
func (s *ClientsService) Transports(ctx context.Context, id ID) ([]ClientTransport, error) {
	page, err := list[ClientTransport](ctx, s.c, "/clients/"+id.String()+"/transport", nil)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}

// Dialogs returns one page of the client's dialogs. Without a limit
// Chat2Desk answers only the first DefaultPageSize: page with All.
func (s *ClientsService) Dialogs(ctx context.Context, id ID, opts ListOptions) (*Page[Dialog], error) {
	return list[Dialog](ctx, s.c, "/clients/"+id.String()+"/dialogs", opts.query())
}

// NewCustomer is the body of "write first": create a client to message.
type NewCustomer struct {
	Phone     string `json:"phone"` // digits only, e.g. 79050000000
	Transport string `json:"transport"`
	ChannelID ID     `json:"channel_id,omitempty"` // Chat2Desk refuses 0: omitted when unset
	Nickname  string `json:"nickname,omitempty"`
}

// Create makes a client on a channel so the agency can write first. The
// tariff option "write first" must be on, else a ValidationError returns;
// a number that is already a client gives a ClientExistsError with its id.
func (s *ClientsService) Create(ctx context.Context, nc NewCustomer) (*Customer, error) {
	return one[Customer](ctx, s.c, http.MethodPost, "/clients", nil, nc)
}

// ClientUpdate holds the fields to change; empty fields are left alone.
type ClientUpdate struct {
	Nickname string `json:"nickname,omitempty"`
	Comment  string `json:"comment,omitempty"`
	// ClearComment sends an empty comment, which Comment's "" cannot.
	ClearComment bool `json:"-"`
	// CustomFields sets field values, by field id.
	CustomFields map[string]string `json:"custom_fields,omitempty"`
}

// MarshalJSON sends the comment also when it is cleared.
func (u ClientUpdate) MarshalJSON() ([]byte, error) {
	type plain ClientUpdate
	if !u.ClearComment {
		return json.Marshal(plain(u))
	}
	return json.Marshal(struct {
		plain
		Comment string `json:"comment"`
	}{plain: plain(u)})
}

// Update changes a client's name or comment. Chat2Desk's answer to a PUT
// is a status, with or without a record of some shape: success is all
// there is to read.
func (s *ClientsService) Update(ctx context.Context, id ID, u ClientUpdate) error {
	_, err := s.c.do(ctx, http.MethodPut, "/clients/"+id.String(), nil, u)
	return err
}
