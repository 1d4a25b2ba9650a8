// Package c2dfake is an in-memory Chat2Desk that speaks the same HTTP API as
// the real one. Tests use it with fault injection; --demo runs the GUI
// against it with its seeded sample agency.
package c2dfake

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"c2desk/c2dapi"

	"golang.org/x/time/rate"
)

// DemoToken is accepted by every new server.
const DemoToken = "demo-token-c2desk"

// Server is a fake Chat2Desk account. It is safe for concurrent use.
type Server struct {
	mu              sync.Mutex
	now             func() time.Time
	tokens          map[string]bool
	company         string
	requests        int
	requestsByPath  map[string]int // e.g. "GET /api_info"
	monthlyQuota    int
	writeFirst      bool
	limiter         *rate.Limiter
	rateLimited     int // requests refused by limiter
	channels        []c2dapi.Channel
	operators       []c2dapi.Operator
	clients         []c2dapi.Customer
	clientTransport map[c2dapi.ID]clientReach
	dialogs         []*dialog
	messages        []c2dapi.Message
	templates       []c2dapi.Template
	groups          []c2dapi.OperatorGroup
	tags            []c2dapi.Tag
	fetched         []string // links of files sent, fetched as Chat2Desk does
	fields          []c2dapi.CustomField
	oddFields       map[c2dapi.ID]map[string]any // message fields sent in a shape of their own
	samplesAt       string                       // where the sample files load from; "": nowhere
	nextMessageID   c2dapi.ID
	nextClientID    c2dapi.ID
	nextDialogID    c2dapi.ID
	nextRequestID   c2dapi.ID
	faults          []*Fault
	rnd             *rand.Rand
	oldestSent      time.Time // the oldest message any message list answered with
	hooks           hookState
	legacyKinds     bool // answer true/false and "", not the live API's 0/1 and null
}

type clientReach struct {
	channelID c2dapi.ID
	transport string
}

type dialog struct {
	c2dapi.Dialog
	clientID  c2dapi.ID
	channelID c2dapi.ID
	transport string
	request   c2dapi.ID // the current request; 0 until its first message
}

// Option configures a new Server.
type Option func(*config)

type config struct {
	now   func() time.Time
	empty bool
	scale *Scale
	// demoMonth: the demo's month of conversations (demomonth.go).
	demoMonth bool
}

// Empty starts with no channels, operators, clients, messages or templates.
func Empty() Option { return func(c *config) { c.empty = true } }

// WithClock sets the time source, for deterministic tests.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// New makes a server seeded with the demo agency, accepting DemoToken.
func New(opts ...Option) *Server {
	cfg := config{now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		now:             cfg.now,
		company:         DemoCompany,
		tokens:          map[string]bool{DemoToken: true},
		clientTransport: map[c2dapi.ID]clientReach{},
		oddFields:       map[c2dapi.ID]map[string]any{},
		nextMessageID:   1,
		nextClientID:    5001,
		nextDialogID:    9001,
		writeFirst:      true,
		rnd:             rand.New(rand.NewPCG(7, 7)),
	}
	switch {
	case cfg.scale != nil:
		s.seedScaled(s.now(), *cfg.scale)
	case !cfg.empty:
		s.seed(s.now(), cfg.demoMonth)
	}
	for _, c := range s.clients {
		s.nextClientID = max(s.nextClientID, c.ID+1)
	}
	for _, d := range s.dialogs {
		s.nextDialogID = max(s.nextDialogID, d.ID+1)
	}
	if cfg.demoMonth && len(s.channels) > 0 {
		s.seedDemoMonth(s.now())
	}
	return s
}

// AddToken makes the server accept another token.
func (s *Server) AddToken(t string) { s.mu.Lock(); s.tokens[t] = true; s.mu.Unlock() }

// RevokeToken makes the server refuse a token, as when the admin resets it.
func (s *Server) RevokeToken(t string) { s.mu.Lock(); delete(s.tokens, t); s.mu.Unlock() }

// SetCompany renames the account.
func (s *Server) SetCompany(name string) { s.mu.Lock(); s.company = name; s.mu.Unlock() }

// SetRequestsThisMonth sets the request counter api_info reports.
func (s *Server) SetRequestsThisMonth(n int) { s.mu.Lock(); s.requests = n; s.mu.Unlock() }

// RequestsTo is how many authenticated requests went to one method and
// path, such as "GET /api_info".
func (s *Server) RequestsTo(methodPath string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestsByPath[methodPath]
}

// RateLimited is how many requests were refused by SetRateLimit's limit.
func (s *Server) RateLimited() int { s.mu.Lock(); defer s.mu.Unlock(); return s.rateLimited }

// RequestsThisMonth is how many authenticated requests the account made.
func (s *Server) RequestsThisMonth() int { s.mu.Lock(); defer s.mu.Unlock(); return s.requests }

// SetMonthlyQuota answers the quota error once the counter reaches n (0: no quota).
func (s *Server) SetMonthlyQuota(n int) { s.mu.Lock(); s.monthlyQuota = n; s.mu.Unlock() }

// SetWriteFirst turns the tariff option "write first" on or off.
func (s *Server) SetWriteFirst(on bool) { s.mu.Lock(); s.writeFirst = on; s.mu.Unlock() }

// SetRateLimit answers 429 above perSecond requests (0: no limit).
func (s *Server) SetRateLimit(perSecond float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perSecond <= 0 {
		s.limiter = nil
		return
	}
	s.limiter = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// Channels returns a copy of the account's channels.
func (s *Server) Channels() []c2dapi.Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.channels)
}

// Operators returns a copy of the account's operators.
func (s *Server) Operators() []c2dapi.Operator {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.operators)
}

// Clients returns a copy of the account's clients.
func (s *Server) Clients() []c2dapi.Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.clients)
}

// Messages returns a copy of every message, oldest first.
func (s *Server) Messages() []c2dapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// MessagesWithText returns the messages whose text is exactly text, to
// count how often something was sent.
func (s *Server) MessagesWithText(text string) []c2dapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filter(s.messages, func(m c2dapi.Message) bool { return string(m.Text) == text })
}

// SetMessageField makes the server send a message's field as value, of any
// JSON kind: media fields as objects, coordinates, AI tips, as some
// accounts get them.
func (s *Server) SetMessageField(id c2dapi.ID, field string, value any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.oddFields[id] == nil {
		s.oddFields[id] = map[string]any{}
	}
	s.oddFields[id][field] = value
}

// OldestMessageSent reports the oldest message time any list of
// messages has answered with so far (zero: none), to prove what a sync asked for.
func (s *Server) OldestMessageSent() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.oldestSent
}

// Dialog returns a copy of one dialog.
func (s *Server) Dialog(id c2dapi.ID) (c2dapi.Dialog, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.dialogs {
		if d.ID == id {
			return d.Dialog, true
		}
	}
	return c2dapi.Dialog{}, false
}

// ClientCount is the number of clients.
func (s *Server) ClientCount() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.clients) }

// PutChannel adds or replaces a channel.
func (s *Server) PutChannel(c c2dapi.Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels = upsert(s.channels, c, func(x c2dapi.Channel) c2dapi.ID { return x.ID })
}

// RemoveChannel deletes a channel, as when it is removed in Chat2Desk.
func (s *Server) RemoveChannel(id c2dapi.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels = slices.DeleteFunc(s.channels, func(c c2dapi.Channel) bool { return c.ID == id })
}

// RemoveClient deletes a client, as when it is deleted in Chat2Desk; its
// dialogs and messages stay.
func (s *Server) RemoveClient(id c2dapi.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients = slices.DeleteFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == id })
}

// PutOperator adds or replaces an operator.
func (s *Server) PutOperator(o c2dapi.Operator) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.operators = upsert(s.operators, o, func(x c2dapi.Operator) c2dapi.ID { return x.ID })
}

// RemoveOperator deletes an operator.
func (s *Server) RemoveOperator(id c2dapi.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.operators = slices.DeleteFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == id })
}

// upsert replaces the record with v's id, or appends v.
func upsert[T any](list []T, v T, id func(T) c2dapi.ID) []T {
	if i := slices.IndexFunc(list, func(x T) bool { return id(x) == id(v) }); i >= 0 {
		list[i] = v
		return list
	}
	return append(list, v)
}

func (s *Server) addMessageLocked(m c2dapi.Message) c2dapi.Message {
	m.ID = s.nextMessageID
	s.nextMessageID++
	d := s.dialogLocked(m.DialogID)
	if d != nil && m.RequestID == 0 {
		m.RequestID = s.requestLocked(d)
	}
	s.messages = append(s.messages, m)
	if d != nil {
		d.Messages++
		last := m
		d.LastMessage = &last
	}
	s.emitMessageLocked(m.ID)
	return m
}

// dialogLocked is the dialog with the id, or nil.
func (s *Server) dialogLocked(id c2dapi.ID) *dialog {
	for _, d := range s.dialogs {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// ServeHTTP answers the Chat2Desk API under any prefix ending in /v1, or at the root.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, samplesPath); ok && s.servesSamples() {
		serveSample(w, r, name)
		return
	}
	if s.applyFault(w, r) {
		return
	}
	s.serve(w, r)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if i := strings.Index(path, "/v1/"); i >= 0 {
		path = path[i+3:]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.tokens[r.Header.Get("Authorization")] {
		// As Chat2Desk answers today: 200, and only the text says it.
		writeError(w, http.StatusOK, "Token is not correct", nil)
		return
	}
	if s.limiter != nil && !s.limiter.Allow() {
		s.rateLimited++
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "Number of API requests exceeded", nil)
		return
	}
	if s.monthlyQuota > 0 && s.requests >= s.monthlyQuota {
		writeError(w, http.StatusForbidden, "API calls exceeded API limit per month", nil)
		return
	}
	s.requests++
	if s.requestsByPath == nil {
		s.requestsByPath = map[string]int{}
	}
	s.requestsByPath[r.Method+" "+path]++
	if s.legacyKinds {
		s.route(w, r, strings.Split(strings.Trim(path, "/"), "/"))
		return
	}
	kw := &kindWriter{ResponseWriter: w}
	s.route(kw, r, strings.Split(strings.Trim(path, "/"), "/"))
	kw.flush()
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, seg []string) {
	get, post, put := r.Method == http.MethodGet, r.Method == http.MethodPost, r.Method == http.MethodPut
	switch {
	case get && (match(seg, "companies", "api_info") || match(seg, "api_info")):
		writeFirst := c2dapi.Bool(s.writeFirst)
		writeData(w, c2dapi.APIInfo{Mode: "full", CurrentVersion: "1.0", RequestsThisMonth: c2dapi.Int(s.requests), Channels: c2dapi.Int(len(s.channels)),
			CompanyName: c2dapi.String(s.company), CompanyID: 4242, AdminEmail: "olga@klyuch-realty.ru", WriteFirstOption: &writeFirst})
	case get && match(seg, "channels"):
		phone := r.URL.Query().Get("phone")
		writePage(w, r, filter(s.channels, func(c c2dapi.Channel) bool { return phone == "" || string(c.Phone) == phone }))
	case get && match(seg, "operators"):
		writePage(w, r, s.operators)
	case get && match(seg, "clients"):
		phone := digits(r.URL.Query().Get("phone"))
		tags := strings.Split(r.URL.Query().Get("tags"), ",")
		writePage(w, r, filter(s.clients, func(c c2dapi.Customer) bool {
			return (phone == "" || digits(c.PhoneNumber()) == phone) && (tags[0] == "" || slices.ContainsFunc(c.Tags, func(t c2dapi.Tag) bool {
				return slices.Contains(tags, t.ID.String())
			}))
		}))
	case get && match(seg, "tags"):
		writePage(w, r, s.tags)
	case post && match(seg, "tags", "assign_to"):
		s.assignTags(w, r)
	case r.Method == http.MethodDelete && len(seg) == 3 && seg[0] == "tags" && seg[2] == "delete_from":
		s.removeTag(w, r, parseID(seg[1]))
	case get && match(seg, "custom_client_fields"):
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "data": s.fields}) // "ok", as Chat2Desk answers here
	case post && match(seg, "clients"):
		s.createClient(w, r)
	case len(seg) >= 2 && seg[0] == "clients":
		s.clientRoutes(w, r, seg)
	case get && match(seg, "messages"):
		s.listMessages(w, r)
	case post && match(seg, "messages"):
		s.sendMessage(w, r)
	case get && len(seg) >= 2 && seg[0] == "messages":
		s.messageRoutes(w, r, seg)
	case get && match(seg, "operators_groups"):
		if s.legacyKinds {
			writeJSON(w, http.StatusOK, append([]c2dapi.OperatorGroup{}, s.groups...)) // a bare list, as one client reads it
			return
		}
		writePage(w, r, s.groups) // the usual envelope, as the live API answers
	case get && match(seg, "operators", "statuses"):
		writeJSON(w, http.StatusOK, s.statusesLocked()) // a bare list
	case get && len(seg) == 3 && seg[0] == "requests" && seg[2] == "messages":
		writeJSON(w, http.StatusOK, s.requestMessagesLocked(parseID(seg[1]))) // a bare list
	case get && match(seg, "dialogs"):
		q := r.URL.Query()
		op, state := q.Get("operator_id"), q.Get("state")
		var out []c2dapi.Dialog
		for _, d := range s.dialogs {
			if (op == "" || d.OperatorID.String() == op) && (state == "" || string(d.State) == state) {
				out = append(out, d.Dialog)
			}
		}
		writePage(w, r, out)
	case get && match(seg, "dialogs", "unanswered"):
		writePage(w, r, s.unansweredLocked())
	case (get || put) && len(seg) == 2 && seg[0] == "dialogs":
		s.dialogRoute(w, r, seg[1])
	case len(seg) >= 1 && seg[0] == "webhooks":
		s.webhookRoute(w, r, seg)
	case get && match(seg, "templates"):
		writePage(w, r, s.templates)
	case get && len(seg) == 2 && seg[0] == "templates":
		id := parseID(seg[1])
		if i := slices.IndexFunc(s.templates, func(t c2dapi.Template) bool { return t.ID == id }); i >= 0 {
			writeData(w, s.templates[i])
			return
		}
		writeError(w, http.StatusOK, "not_found", nil)
	default:
		notFound(w)
	}
}

func (s *Server) servesSamples() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.samplesAt != ""
}
