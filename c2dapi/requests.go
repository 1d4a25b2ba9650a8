package c2dapi

import "context"

// RequestsService reads requests: the stretches of a dialog from a
// client's first message to its close, which Chat2Desk's reports count.
type RequestsService struct{ c *Client }

// RequestMessage is a message as a request lists it: camelCase ids,
// Unix seconds, and in/out/system for its direction.
type RequestMessage struct {
	ID         ID     `json:"id"`
	Text       String `json:"text"`
	Type       String `json:"type"` // in, out or system
	Created    Time   `json:"created"`
	ClientID   ID     `json:"clientID"`
	OperatorID ID     `json:"operatorID"`
	DialogID   ID     `json:"dialogID"`
}

// Messages lists a request's messages (a bare list).
func (s *RequestsService) Messages(ctx context.Context, id ID) ([]RequestMessage, error) {
	page, err := list[RequestMessage](ctx, s.c, "/requests/"+id.String()+"/messages", nil)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}
