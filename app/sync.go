package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// SyncResult says what a load from Chat2Desk changed.
type SyncResult struct {
	Channels  storage.Changes
	Operators storage.Changes
	Groups    storage.Changes // operator groups
	Skipped   int             // records Chat2Desk sent that could not be read
}

// syncPageSize is Chat2Desk's largest page: the fewest calls for a list.
const syncPageSize = c2dapi.MaxPageSize

// fetchChannels reads every channel of the account. Nothing is written.
func (a *App) fetchChannels(ctx context.Context, client *c2dapi.Client) ([]storage.Channel, int, error) {
	chans, skipped, err := c2dapi.All(ctx, syncPageSize, lostLogged(a, "channels", func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[c2dapi.Channel], error) {
		return client.Channels.List(ctx, c2dapi.ChannelListOptions{ListOptions: o})
	}))
	if err != nil {
		return nil, 0, fmt.Errorf("load channels: %w", err)
	}
	a.logSkipped("channels", skipped)
	out := make([]storage.Channel, 0, len(chans))
	bad := len(skipped)
	for _, c := range chans {
		if c.ID <= 0 {
			bad++
			continue
		}
		out = append(out, storage.Channel{ID: int64(c.ID), Name: string(c.Name), Phone: string(c.Phone), Transports: c.Transports})
	}
	return out, bad, nil
}

// fetchOperators reads every operator of the account. Nothing is written.
func (a *App) fetchOperators(ctx context.Context, client *c2dapi.Client) ([]storage.Operator, int, error) {
	ops, skipped, err := c2dapi.All(ctx, syncPageSize, lostLogged(a, "operators", client.Operators.List))
	if err != nil {
		return nil, 0, fmt.Errorf("load operators: %w", err)
	}
	a.logSkipped("operators", skipped)
	out := make([]storage.Operator, 0, len(ops))
	bad := len(skipped)
	for _, o := range ops {
		if o.ID <= 0 {
			bad++
			continue
		}
		out = append(out, storage.Operator{
			ID: int64(o.ID), Email: string(o.Email), Phone: string(o.Phone), FirstName: string(o.FirstName),
			LastName: string(o.LastName), Role: o.Role(), RoleName: o.RoleName(), Online: bool(o.Online), LastVisit: o.LastVisit.Time,
		})
	}
	return out, bad, nil
}

func (a *App) logSkipped(what string, skipped []c2dapi.SkippedRecord) {
	for _, s := range skipped {
		a.log.Warn("sync: skipped a record Chat2Desk sent that could not be read", "list", what, "record", s.String())
	}
}

// pageFetch reads one page of a list, as c2dapi.All asks for it.
type pageFetch[T any] func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[T], error)

// lostLogged is fetch with the fields each page lost noted in the log.
func lostLogged[T any](a *App, what string, fetch pageFetch[T]) pageFetch[T] {
	return func(ctx context.Context, o c2dapi.ListOptions) (*c2dapi.Page[T], error) {
		page, err := fetch(ctx, o)
		logLost(a, what, page)
		return page, err
	}
}

// logLost notes, once a page, fields Chat2Desk sent in a form C2Desk does
// not read: their records were kept without them.
func logLost[T any](a *App, what string, page *c2dapi.Page[T]) {
	if page == nil || len(page.Lost) == 0 {
		return
	}
	fields := map[string]bool{}
	for _, l := range page.Lost {
		fields[l.Field] = true
	}
	a.log.Info("sync: kept records without fields of an unexpected form", "list", what, "records", len(page.Lost),
		"fields", strings.Join(slices.Sorted(maps.Keys(fields)), ","), "first", page.Lost[0].String())
}

// Sync loads the account's channels and operators into the database. Both
// lists are fetched whole before anything is written, so a failure midway
// leaves the previous data as it was.
func (s *Session) Sync(ctx context.Context) (SyncResult, error) {
	if p, err := s.viaPoller(ctx); p != nil || err != nil {
		if err != nil {
			return SyncResult{}, err
		}
		return p.Sync(ctx)
	}
	var res SyncResult
	client, err := s.adminClient(ctx)
	if err != nil {
		return res, err
	}
	chans, badC, err := s.app.fetchChannels(ctx, client)
	if err != nil {
		return res, err
	}
	ops, badO, err := s.app.fetchOperators(ctx, client)
	if err != nil {
		return res, err
	}
	res.Skipped = badC + badO
	if res.Channels, err = s.app.store.SyncChannels(ctx, chans, badC == 0); err != nil {
		return res, fmt.Errorf("save channels: %w", err)
	}
	if res.Operators, err = s.app.store.SyncOperators(ctx, ops, badO == 0); err != nil {
		return res, fmt.Errorf("save operators: %w", err)
	}
	if res.Groups, err = s.app.syncOperatorGroups(ctx, client); err != nil {
		return res, err
	}
	// The client cards' tags and fields come with the account's setup.
	if err := s.app.refreshCardDefinitions(ctx, client, true); err != nil {
		return res, err
	}
	s.app.log.Info("sync done", "channels", res.Channels.Total(), "operators", res.Operators.Total(), "skipped", res.Skipped)
	return res, nil
}

// LoadChannels loads only the channels (the Channels tab's button).
func (s *Session) LoadChannels(ctx context.Context) (storage.Changes, int, error) {
	if p, err := s.viaPoller(ctx); p != nil || err != nil {
		if err != nil {
			return storage.Changes{}, 0, err
		}
		return p.LoadChannels(ctx)
	}
	client, err := s.adminClient(ctx)
	if err != nil {
		return storage.Changes{}, 0, err
	}
	chans, bad, err := s.app.fetchChannels(ctx, client)
	if err != nil {
		return storage.Changes{}, 0, err
	}
	ch, err := s.app.store.SyncChannels(ctx, chans, bad == 0)
	return ch, bad, err
}

// LoadOperators loads only the operators (the Operators tab's button).
func (s *Session) LoadOperators(ctx context.Context) (storage.Changes, int, error) {
	if p, err := s.viaPoller(ctx); p != nil || err != nil {
		if err != nil {
			return storage.Changes{}, 0, err
		}
		return p.LoadOperators(ctx)
	}
	client, err := s.adminClient(ctx)
	if err != nil {
		return storage.Changes{}, 0, err
	}
	ops, bad, err := s.app.fetchOperators(ctx, client)
	if err != nil {
		return storage.Changes{}, 0, err
	}
	ch, err := s.app.store.SyncOperators(ctx, ops, bad == 0)
	if err != nil {
		return ch, bad, err
	}
	// The groups come with the operators they are made of.
	_, err = s.app.syncOperatorGroups(ctx, client)
	return ch, bad, err
}

func (s *Session) adminClient(ctx context.Context) (*c2dapi.Client, error) {
	if err := s.requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.app.storedClient(ctx)
}

// Connect checks a token and stores it; see App.connect. Admins only.
func (s *Session) Connect(ctx context.Context, token string) (storage.Connection, error) {
	if p, err := s.viaPoller(ctx); p != nil || err != nil {
		if err != nil {
			return storage.Connection{}, err
		}
		return p.Connect(ctx, token)
	}
	if err := s.requireAdmin(ctx); err != nil {
		return storage.Connection{}, err
	}
	return s.app.connect(ctx, token)
}

// Disconnect removes the token; see App.disconnect. Admins only.
func (s *Session) Disconnect(ctx context.Context) error {
	if p, err := s.viaPoller(ctx); p != nil || err != nil {
		if err != nil {
			return err
		}
		return p.Disconnect(ctx)
	}
	if err := s.requireAdmin(ctx); err != nil {
		return err
	}
	return s.app.disconnect(ctx)
}

// Refresh re-reads the account details from Chat2Desk. Admins only.
func (s *Session) Refresh(ctx context.Context) (storage.Connection, error) {
	if p, err := s.viaPoller(ctx); p != nil || err != nil {
		if err != nil {
			return storage.Connection{}, err
		}
		return p.Refresh(ctx)
	}
	if err := s.requireAdmin(ctx); err != nil {
		return storage.Connection{}, err
	}
	return s.app.refresh(ctx)
}
