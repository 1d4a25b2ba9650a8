package c2dapi

import (
	"context"
)

// OperatorsService lists the account's operators.
type OperatorsService struct{ c *Client }

// List returns one page of operators.
func (s *OperatorsService) List(ctx context.Context, opts ListOptions) (*Page[Operator], error) {
	return list[Operator](ctx, s.c, "/operators", opts.query())
}

// OperatorGroupsService lists the account's operator groups.
type OperatorGroupsService struct{ c *Client }

// List returns the operator groups (a bare list, or an envelope).
func (s *OperatorGroupsService) List(ctx context.Context, opts ListOptions) (*Page[OperatorGroup], error) {
	return list[OperatorGroup](ctx, s.c, "/operators_groups", opts.query())
}

// OperatorStatus is one of the statuses an operator can be in ("Break"),
// named in the languages of the account.
type OperatorStatus struct {
	ID   ID                `json:"id"`
	Name map[string]String `json:"name"`
}

// Statuses lists the account's operator statuses (a bare list).
func (s *OperatorsService) Statuses(ctx context.Context) ([]OperatorStatus, error) {
	page, err := list[OperatorStatus](ctx, s.c, "/operators/statuses", nil)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}
