// Command c2dfake serves the demo Chat2Desk API on a local port, for trying
// C2Desk's connect flow by hand and for screenshots:
//
//	go run ./cmd/c2dfake --addr 127.0.0.1:8765
//	c2desk --api-url http://127.0.0.1:8765/v1   (token: see --help)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"c2desk/c2dapi/c2dfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8765", "address to listen on")
	requests := flag.Int("requests", 1834, "API requests already used this month")
	traffic := flag.Duration("traffic", 20*time.Second, "how often a demo client writes (0: never)")
	writeFirst := flag.Bool("write-first", true, "whether the tariff allows writing to a client first")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: c2dfake [flags]\nAccepts the token %q.\n", c2dfake.DemoToken)
		flag.PrintDefaults()
	}
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fake := c2dfake.New()
	fake.SetRequestsThisMonth(*requests)
	fake.SetWriteFirst(*writeFirst)
	url, err := fake.Listen(ctx, *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "c2dfake:", err)
		os.Exit(1)
	}
	if *traffic > 0 {
		go fake.RunDemoTraffic(ctx, *traffic)
	}
	fmt.Println(url)
	<-ctx.Done()
}
