package c2dapi

import (
	"context"
	"net/http"
)

// TemplatesService reads quick replies.
type TemplatesService struct{ c *Client }

// List returns the quick replies.
func (s *TemplatesService) List(ctx context.Context, opts ListOptions) (*Page[Template], error) {
	return list[Template](ctx, s.c, "/templates", opts.query())
}

// Get returns one quick reply.
func (s *TemplatesService) Get(ctx context.Context, id ID) (*Template, error) {
	return one[Template](ctx, s.c, http.MethodGet, "/templates/"+id.String(), nil, nil)
}
