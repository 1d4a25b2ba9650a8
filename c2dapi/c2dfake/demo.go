package c2dfake

import (
	"context"
	"net"
	"net/http"
	"time"

	"c2desk/c2dapi"
)

// ClientWrites adds a message from a client to their open dialog, as if the
// client wrote from their messenger, and returns it.
func (s *Server) ClientWrites(clientID c2dapi.ID, text string) (c2dapi.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientWritesLocked(clientID, text)
}

func (s *Server) clientWritesLocked(clientID c2dapi.ID, text string) (c2dapi.Message, bool) {
	return s.clientWroteLocked(clientID, text, s.now())
}

// ClientReplies adds a client's message that quotes an earlier one, as a
// messenger's "reply" does.
func (s *Server) ClientReplies(clientID c2dapi.ID, text string, replyTo c2dapi.ID) (c2dapi.Message, bool) {
	return s.clientWritesAnd(clientID, text, func(m *c2dapi.Message) { m.ReplyMessageID = replyTo })
}

// ClientSendsFiles adds a message from a client with files, at links
// the client chose.
func (s *Server) ClientSendsFiles(clientID c2dapi.ID, text string, files ...c2dapi.Attachment) (c2dapi.Message, bool) {
	return s.clientWritesAnd(clientID, text, func(m *c2dapi.Message) { m.Attachments = files })
}

// clientWritesAnd adds a client's message that change shapes, in the
// fake's record and in the copy returned alike.
func (s *Server) clientWritesAnd(clientID c2dapi.ID, text string, change func(*c2dapi.Message)) (c2dapi.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.clientWritesLocked(clientID, text)
	if ok {
		change(&s.messages[len(s.messages)-1])
		change(&m)
	}
	return m, ok
}

// ClientWrote adds a message from a client written at a time of the past,
// as an account's older history has.
func (s *Server) ClientWrote(clientID c2dapi.ID, text string, at time.Time) (c2dapi.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientWroteLocked(clientID, text, at)
}

func (s *Server) clientWroteLocked(clientID c2dapi.ID, text string, at time.Time) (c2dapi.Message, bool) {
	reach, ok := s.clientTransport[clientID]
	if !ok {
		return c2dapi.Message{}, false
	}
	d := s.openDialogLocked(clientID, reach, 0)
	return s.addMessageLocked(c2dapi.Message{
		Text: c2dapi.String(text), Type: c2dapi.TypeFromClient, Transport: c2dapi.String(reach.transport),
		Created: c2dapi.Time{Time: at.UTC().Truncate(time.Second)}, ClientID: clientID,
		DialogID: d.ID, ChannelID: reach.channelID,
	}), true
}

// RunDemoTraffic makes a random client write now and then, every to 3×every
// apart, until ctx ends, so the demo account feels alive.
func (s *Server) RunDemoTraffic(ctx context.Context, every time.Duration) {
	for {
		s.mu.Lock()
		wait := every + time.Duration(s.rnd.Int64N(int64(2*every)+1))
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		s.mu.Lock()
		if len(s.clients) > 0 {
			c := s.clients[s.rnd.IntN(len(s.clients))]
			s.clientWritesLocked(c.ID, clientLines[s.rnd.IntN(len(clientLines))])
		}
		s.mu.Unlock()
	}
}

// Listen serves the API on addr (e.g. "127.0.0.1:0") until ctx ends and
// returns the base URL to give the client, version included.
func (s *Server) Listen(ctx context.Context, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	base := "http://" + ln.Addr().String()
	s.ServeSamples(base)
	return base + "/v1", nil
}
