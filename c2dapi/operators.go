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
