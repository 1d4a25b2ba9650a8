package app

import (
	"context"
	"fmt"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// SyncResult says what a load from Chat2Desk changed.
type SyncResult struct {
	Channels  storage.Changes
	Operators storage.Changes
	Skipped   int // records Chat2Desk sent that could not be read
}

const syncPageSize = 100

// Sync loads the account's channels and operators into the database. Each
// list is fetched whole before anything is written, so a failure midway
// leaves the previous data as it was.
func (a *App) Sync(ctx context.Context) (SyncResult, error) {
	var res SyncResult
	client, err := a.storedClient(ctx)
	if err != nil {
		return res, err
	}
	chans, skippedC, err := c2dapi.All(ctx, syncPageSize, func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Channel], error) {
		return client.Channels.List(ctx, c2dapi.ChannelListOptions{ListOptions: o})
	})
	if err != nil {
		return res, fmt.Errorf("load channels: %w", err)
	}
	ops, skippedO, err := c2dapi.All(ctx, syncPageSize, client.Operators.List)
	if err != nil {
		return res, fmt.Errorf("load operators: %w", err)
	}
	for _, s := range append(skippedC, skippedO...) {
		a.log.Warn("sync: skipped a record Chat2Desk sent that could not be read", "record", s.String())
	}
	res.Skipped = len(skippedC) + len(skippedO)

	localChans := make([]storage.Channel, 0, len(chans))
	for _, c := range chans {
		if c.ID <= 0 {
			res.Skipped++
			continue
		}
		localChans = append(localChans, storage.Channel{ID: int64(c.ID), Name: string(c.Name), Phone: string(c.Phone), Transports: c.Transports})
	}
	localOps := make([]storage.Operator, 0, len(ops))
	for _, o := range ops {
		if o.ID <= 0 {
			res.Skipped++
			continue
		}
		localOps = append(localOps, storage.Operator{
			ID: int64(o.ID), Email: string(o.Email), Phone: string(o.Phone), FirstName: string(o.FirstName),
			LastName: string(o.LastName), Role: string(o.Role), Online: bool(o.Online), LastVisit: o.LastVisit.Time,
		})
	}
	if res.Channels, err = a.store.SyncChannels(ctx, localChans); err != nil {
		return res, fmt.Errorf("save channels: %w", err)
	}
	if res.Operators, err = a.store.SyncOperators(ctx, localOps); err != nil {
		return res, fmt.Errorf("save operators: %w", err)
	}
	a.log.Info("sync done", "channels", res.Channels.Total(), "operators", res.Operators.Total(), "skipped", res.Skipped)
	return res, nil
}
