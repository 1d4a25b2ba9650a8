package c2dapi

import (
	"context"
	"errors"
	"net/http"
)

// InfoService reads the account behind the token.
type InfoService struct{ c *Client }

// Get returns api_info. It is the cheapest way to validate a token. Older
// accounts only answer the un-prefixed path, so a 404 falls back to it.
func (s *InfoService) Get(ctx context.Context) (*APIInfo, error) {
	info, err := one[APIInfo](ctx, s.c, http.MethodGet, "/companies/api_info", nil, nil)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return one[APIInfo](ctx, s.c, http.MethodGet, "/api_info", nil, nil)
	}
	return info, err
}
