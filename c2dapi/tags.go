package c2dapi

import (
	"context"
	"net/http"
)

// TagsService reads the account's tags and puts them on clients.
type TagsService struct{ c *Client }

// List returns one page of the account's tags.
func (s *TagsService) List(ctx context.Context, opts ListOptions) (*Page[Tag], error) {
	return list[Tag](ctx, s.c, "/tags", opts.query())
}

// AssignToClient puts tags on a client.
func (s *TagsService) AssignToClient(ctx context.Context, clientID ID, tagIDs ...ID) error {
	_, err := s.c.do(ctx, http.MethodPost, "/tags/assign_to", nil, map[string]any{
		"tag_ids": tagIDs, "assignee_type": "client", "assignee_id": clientID})
	return err
}

// RemoveFromClient takes a tag off a client.
func (s *TagsService) RemoveFromClient(ctx context.Context, tagID, clientID ID) error {
	_, err := s.c.do(ctx, http.MethodDelete, "/tags/"+tagID.String()+"/delete_from", nil, map[string]any{"client_id": clientID})
	return err
}

// CustomFieldsService reads the account's client fields.
type CustomFieldsService struct{ c *Client }

// List returns the account's client fields (one list, answered with
// status "ok").
func (s *CustomFieldsService) List(ctx context.Context) (*Page[CustomField], error) {
	return list[CustomField](ctx, s.c, "/custom_client_fields", nil)
}
