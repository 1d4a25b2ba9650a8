package main

import (
	"context"
	"net/url"
	"os"
	"time"

	"c2desk/app"
	"c2desk/c2dapi/c2dfake"
)

// startDemo starts the built-in demo: a scratch data folder (removed on
// exit), the fake Chat2Desk with its traffic and file storage, in this
// process. It points o at the fake and returns the folder.
func (e *environment) startDemo(o *options) (string, error) {
	scratch, err := os.MkdirTemp("", "c2desk-demo-")
	if err != nil {
		return "", err
	}
	e.cleanup = append(e.cleanup, func() { os.RemoveAll(scratch) })
	seed := []c2dfake.Option{c2dfake.WithDemoMonth()} // the report's month of answers
	if o.demoAgency {
		seed = append(seed, c2dfake.WithScale(c2dfake.AgencyScale))
	}
	fake := c2dfake.New(seed...)
	fake.SetRequestsThisMonth(1834) // a believable month, not a fresh account
	demoCtx, cancel := context.WithCancel(context.Background())
	e.cleanup = append(e.cleanup, cancel)
	url, err := fake.Listen(demoCtx, "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go fake.RunDemoTraffic(demoCtx, 20*time.Second)
	o.apiURL = url
	if e.demoStorage, err = c2dfake.ListenStorage(demoCtx, "127.0.0.1:0"); err != nil {
		return "", err
	}
	return scratch, nil
}

// demoServers are the demo's stand-ins on this machine, the API (whose
// sample photos the seeded messages link to) and the file storage: links
// may reach them, and nothing else on this machine.
func (e *environment) demoServers(apiURL string) []string {
	var hosts []string
	for _, s := range []string{apiURL, e.demoStorage.Endpoint} {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			hosts = append(hosts, u.Host)
		}
	}
	return hosts
}

// seedDemo connects the demo's account, loads it and sets up its agency
// and file storage, as an administrator would. With month (the small
// demo's month of answers) the messages are loaded at once: the agency's
// people are their writers.
func (e *environment) seedDemo(ctx context.Context, month bool) error {
	console := e.core.Console()
	if _, err := console.Connect(ctx, c2dfake.DemoToken); err != nil {
		return err
	}
	if _, err := console.Sync(ctx); err != nil {
		return err
	}
	if month {
		if _, err := e.core.Poll(ctx, nil); err != nil {
			return err
		}
	}
	if err := console.SetUpDemoAgency(ctx); err != nil {
		return err
	}
	ds := e.demoStorage
	return console.SetFileStorage(ctx, app.FileStorage{Endpoint: ds.Endpoint, Bucket: ds.Bucket, KeyID: ds.KeyID,
		LinkDays: app.DefaultLinkDays, Demo: true}, ds.Secret)
}
