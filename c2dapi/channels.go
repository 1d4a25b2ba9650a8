package c2dapi

import (
	"context"
)

// ChannelsService lists the account's channels.
type ChannelsService struct{ c *Client }

// ChannelListOptions filters the channel list.
type ChannelListOptions struct {
	Phone string
	ListOptions
}

// List returns one page of channels.
func (s *ChannelsService) List(ctx context.Context, opts ChannelListOptions) (*Page[Channel], error) {
	q := opts.query()
	setStr(q, "phone", opts.Phone)
	return list[Channel](ctx, s.c, "/channels", q)
}
