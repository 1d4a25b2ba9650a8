package c2dapi

import (
	"context"
	"net/http"
)

// DialogsService reads and updates dialogs.
type DialogsService struct{ c *Client }

// DialogListOptions filters the dialog list.
type DialogListOptions struct {
	OperatorID ID
	State      string // open or closed
	ListOptions
}

// List returns one page of dialogs.
func (s *DialogsService) List(ctx context.Context, opts DialogListOptions) (*Page[Dialog], error) {
	q := opts.query()
	setID(q, "operator_id", opts.OperatorID)
	setStr(q, "state", opts.State)
	return list[Dialog](ctx, s.c, "/dialogs", q)
}

// Unanswered returns one page of the dialogs whose client waits for an
// answer.
func (s *DialogsService) Unanswered(ctx context.Context, opts ListOptions) (*Page[Dialog], error) {
	return list[Dialog](ctx, s.c, "/dialogs/unanswered", opts.query())
}

// Get returns one dialog.
func (s *DialogsService) Get(ctx context.Context, id ID) (*Dialog, error) {
	return one[Dialog](ctx, s.c, http.MethodGet, "/dialogs/"+id.String(), nil, nil)
}

// DialogUpdate transfers a dialog and/or changes its state.
type DialogUpdate struct {
	OperatorID ID     `json:"operator_id,omitempty"`
	State      string `json:"state,omitempty"`
}

// Update transfers the dialog to another operator or opens/closes it. The
// answer is a bare status; a dialog that "already has state" asked for is
// left as it is, which is a success, not a failure.
func (s *DialogsService) Update(ctx context.Context, id ID, u DialogUpdate) error {
	_, err := s.c.do(ctx, http.MethodPut, "/dialogs/"+id.String(), nil, u)
	if err != nil && u.State != "" && Says(err, "already has state") {
		return nil
	}
	return err
}
