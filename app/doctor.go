package app

import (
	"context"
	"errors"
	"fmt"
)

// Check is one line of the doctor's report: what was checked, whether it is
// fine, and either what was found or what to do.
type Check struct {
	Name   string
	OK     bool
	Detail string
}

// Doctor checks the version, the data folder, the database, the log, crash
// reports, the outbox, the keyring, the API and the monthly quota.
// It never stops at the first problem: support wants every line.
func (a *App) Doctor(ctx context.Context) []Check {
	out := a.supportChecks(ctx)

	acc, err := a.account(ctx)
	if err != nil {
		return append(out, Check{Name: "keyring", Detail: Explain(err)})
	}
	tok, err := a.secrets.Get(acc)
	switch {
	case errors.Is(err, ErrNoToken):
		return append(out, Check{Name: "keyring", Detail: "no token stored: run `c2desk connect` or use Settings → Connect Chat2Desk"})
	case err != nil:
		return append(out, Check{Name: "keyring", Detail: Explain(err)})
	}
	out = append(out, Check{Name: "keyring", OK: true, Detail: "token stored"})

	client, err := a.apiClient(tok)
	if err != nil {
		return append(out, Check{Name: "api", Detail: err.Error()})
	}
	info, err := client.Info.Get(ctx)
	if err != nil {
		return append(out, Check{Name: "api", Detail: a.APIHost() + ": " + Explain(err)})
	}
	out = append(out, Check{Name: "api", OK: true, Detail: fmt.Sprintf("%s answers for %q", a.APIHost(), string(info.CompanyName))})
	if err := a.store.SaveConnection(ctx, a.connectionFrom(info)); err != nil {
		out = append(out, Check{Name: "database", Detail: Explain(err)})
	}
	out = append(out, Check{Name: "quota", OK: true, Detail: fmt.Sprintf("%d API requests used this month", info.RequestsThisMonth)})
	return out
}
