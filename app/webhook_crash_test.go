package app

// The office server killed with SIGKILL while Chat2Desk delivers: the
// deliveries it missed come with Chat2Desk's retries, what the retries
// did not bring the catch-up poll after the restart finds, and nothing is
// stored twice.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"c2desk/c2dapi/c2dfake"
	"c2desk/storage"
)

const hookChildEnv = "C2DESK_TEST_HOOK_CHILD"

type hookPlan struct {
	Dir, APIURL, Addr, Token, Secret string
}

// TestWebhookServerChild is the office server: it listens, registers the
// webhook and polls, until killed.
func TestWebhookServerChild(t *testing.T) {
	if os.Getenv(hookChildEnv) == "" {
		t.Skip("run by TestKillNineMidDeliveryNeverLosesOrDuplicates")
	}
	var p hookPlan
	if err := json.NewDecoder(os.Stdin).Decode(&p); err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(ctx, p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	secrets := &Memory{}
	a := New(store, secrets, Config{APIURL: p.APIURL, RequestsPerSecond: -1, HTTPClient: &http.Client{Timeout: 5 * time.Second}, DataDir: p.Dir})
	acc, _ := a.account(ctx)
	id, _ := store.InstallationID(ctx)
	secrets.Set(acc, p.Token)
	secrets.Set(webhookSecretAccount(id), p.Secret)
	s, err := a.NewStream(ctx, "http://"+p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	go http.Serve(ln, s)
	if err := s.Register(ctx); err != nil {
		t.Fatal(err)
	}
	a.StartPoller(ctx, func(res PollResult, err error) {
		fmt.Printf("polled %d %v\n", res.Stored, err)
	}, nil)
	fmt.Println("listening")
	time.Sleep(time.Hour) // the parent kills the process
}

func startHookChild(t *testing.T, p hookPlan) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestWebhookServerChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), hookChildEnv+"=1")
	plan, _ := json.Marshal(p)
	cmd.Stdin = strings.NewReader(string(plan))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if lines.Text() == "listening" {
				ready <- true
			}
		}
		close(ready)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("the server child ended before it listened")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the server child did not listen within 60 s")
	}
	return cmd
}

func TestKillNineMidDeliveryNeverLosesOrDuplicates(t *testing.T) {
	e := loadedEnv(t)
	e.store.Close()
	// Chat2Desk's retries, made short: a delivery missed for longer than
	// their sum is left to polling.
	e.fake.SetWebhookTiming(c2dfake.WebhookTiming{Retries: []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 600 * time.Millisecond}, OffAfter: time.Hour})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	plan := hookPlan{Dir: e.dir, APIURL: e.srv.URL + "/v1", Addr: addr, Token: c2dfake.DemoToken, Secret: strings.Repeat("5e", 24)}
	child := startHookChild(t, plan)
	clients := e.fake.Clients()
	write := func(from, to int) {
		for i := from; i < to; i++ {
			e.fake.ClientWrites(clients[i%len(clients)].ID, fmt.Sprintf("crash-hook-%d", i))
			time.Sleep(15 * time.Millisecond)
		}
	}
	write(0, 20)
	child.Process.Kill() // SIGKILL, deliveries in flight
	child.Wait()
	write(20, 40)                       // nobody listens: retries, some in vain
	time.Sleep(1200 * time.Millisecond) // past the last retry of the first of these
	startHookChild(t, plan)             // the restart: registers again, catches up
	write(40, 60)
	_, failed := e.fake.Deliveries()
	if failed == 0 {
		t.Fatal("no delivery failed: the kill did not fall mid-delivery")
	}
	check := func() (int, string) {
		store, err := storage.Open(ctx, e.dir)
		if err != nil {
			return 0, err.Error()
		}
		defer store.Close()
		seen := map[string]int{}
		msgs, err := store.IncomingAfter(ctx, 0, 100000)
		if err != nil {
			return 0, err.Error()
		}
		for _, m := range msgs {
			if strings.HasPrefix(m.Text, "crash-hook-") {
				seen[m.Text]++
			}
		}
		for text, n := range seen {
			if n > 1 {
				return len(seen), text + " stored twice"
			}
		}
		return len(seen), ""
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, problem := check()
		if problem != "" && !strings.Contains(problem, "locked") {
			t.Fatal(problem)
		}
		if n == 60 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 60 messages stored within 30 s of the restart", n)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if upstream := len(e.fake.Messages()); upstream == 0 {
		t.Fatal("the fake lost its messages")
	}
}
