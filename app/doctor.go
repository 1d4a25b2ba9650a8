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

// proxyCheck names the proxy calls go through, and where it is set.
func (a *App) proxyCheck() Check {
	proxy, source := a.ProxyInUse()
	switch {
	case proxy != "":
		return Check{Name: "proxy", OK: true, Detail: fmt.Sprintf("%s for %s (set in %s)", proxy, a.APIHost(), source)}
	case source != "":
		return Check{Name: "proxy", OK: true, Detail: fmt.Sprintf("none for %s (set in %s)", a.APIHost(), source)}
	}
	return Check{Name: "proxy", OK: true, Detail: "none: C2Desk connects directly"}
}

var noTokenCheck = Check{Name: "keyring", Detail: "no token stored: run `c2desk connect` or use Settings › Connect Chat2Desk"}

// Doctor checks the version, the data folder, the database, the log, crash
// reports, the outbox, the keyring, the API and the monthly quota.
// It never stops at the first problem: support wants every line.
func (a *App) Doctor(ctx context.Context) []Check {
	out := append(a.supportChecks(ctx), a.proxyCheck(), a.webhookCheck(ctx))

	acc, err := a.account(ctx)
	if err != nil {
		return append(out, Check{Name: "keyring", Detail: Explain(err)})
	}
	tok, err := a.secrets.Get(acc)
	switch {
	case errors.Is(err, ErrNoToken) && a.store.Office():
		conn, connected, cerr := a.store.LoadConnection(ctx)
		switch {
		case cerr != nil:
			return append(out, Check{Name: "database", Detail: Explain(cerr)})
		case connected:
			// This PC never asks Chat2Desk: the quota is the office's, as
			// its poller last read it.
			return append(out, Check{Name: "keyring", OK: true, Detail: "no token on this computer: the office's C2Desk that has one calls Chat2Desk"},
				Check{Name: "quota", OK: true, Detail: fmt.Sprintf("%d API requests used this month by the office (read %s)",
					conn.RequestsThisMonth, conn.CheckedAt.Local().Format("2006-01-02 15:04"))})
		}
		return append(out, noTokenCheck)
	case errors.Is(err, ErrNoToken):
		return append(out, noTokenCheck)
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
