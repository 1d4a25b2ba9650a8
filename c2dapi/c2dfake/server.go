// Package c2dfake is an in-memory Chat2Desk that speaks the same HTTP API as
// the real one. Tests use it with fault injection; --demo runs the GUI
// against it with its seeded sample agency.
package c2dfake

import (
	"cmp"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
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
	nextMessageID   c2dapi.ID
	nextClientID    c2dapi.ID
	nextDialogID    c2dapi.ID
	faults          []*Fault
	rnd             *rand.Rand
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
}

// Option configures a new Server.
type Option func(*config)

type config struct {
	now   func() time.Time
	empty bool
	scale *Scale
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
		s.seed(s.now())
	}
	for _, c := range s.clients {
		s.nextClientID = max(s.nextClientID, c.ID+1)
	}
	for _, d := range s.dialogs {
		s.nextDialogID = max(s.nextDialogID, d.ID+1)
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
	s.messages = append(s.messages, m)
	for _, d := range s.dialogs {
		if d.ID == m.DialogID {
			d.Messages++
			last := m
			d.LastMessage = &last
		}
	}
	return m
}

// ServeHTTP answers the Chat2Desk API under any prefix ending in /v1, or at the root.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
		writeError(w, http.StatusUnauthorized, "You need to auth", nil)
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
	s.route(w, r, strings.Split(strings.Trim(path, "/"), "/"))
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, seg []string) {
	get, post, put := r.Method == http.MethodGet, r.Method == http.MethodPost, r.Method == http.MethodPut
	switch {
	case get && (match(seg, "companies", "api_info") || match(seg, "api_info")):
		writeData(w, c2dapi.APIInfo{Mode: "full", CurrentVersion: "1.0", RequestsThisMonth: c2dapi.Int(s.requests), Channels: c2dapi.Int(len(s.channels)), CompanyName: c2dapi.String(s.company)})
	case get && match(seg, "channels"):
		phone := r.URL.Query().Get("phone")
		writePage(w, r, filter(s.channels, func(c c2dapi.Channel) bool { return phone == "" || string(c.Phone) == phone }))
	case get && match(seg, "operators"):
		writePage(w, r, s.operators)
	case get && match(seg, "clients"):
		phone := digits(r.URL.Query().Get("phone"))
		writePage(w, r, filter(s.clients, func(c c2dapi.Customer) bool { return phone == "" || digits(string(c.Phone)) == phone }))
	case post && match(seg, "clients"):
		s.createClient(w, r)
	case len(seg) >= 2 && seg[0] == "clients":
		s.clientRoutes(w, r, seg)
	case get && match(seg, "messages"):
		s.listMessages(w, r)
	case post && match(seg, "messages"):
		s.sendMessage(w, r)
	case get && len(seg) >= 2 && seg[0] == "messages":
		s.messageRoutes(w, seg)
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
	case (get || put) && len(seg) == 2 && seg[0] == "dialogs":
		s.dialogRoute(w, r, seg[1])
	case get && match(seg, "templates"):
		writePage(w, r, s.templates)
	case get && len(seg) == 2 && seg[0] == "templates":
		id := parseID(seg[1])
		if i := slices.IndexFunc(s.templates, func(t c2dapi.Template) bool { return t.ID == id }); i >= 0 {
			writeData(w, s.templates[i])
			return
		}
		notFound(w)
	default:
		notFound(w)
	}
}

func (s *Server) clientRoutes(w http.ResponseWriter, r *http.Request, seg []string) {
	id := parseID(seg[1])
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == id })
	if ci < 0 {
		notFound(w)
		return
	}
	switch {
	case r.Method == http.MethodGet && len(seg) == 2:
		writeData(w, s.clients[ci])
	case r.Method == http.MethodPut && len(seg) == 2:
		var u c2dapi.ClientUpdate
		if json.NewDecoder(r.Body).Decode(&u) != nil {
			writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
			return
		}
		if u.Nickname != "" {
			s.clients[ci].Name = c2dapi.String(u.Nickname)
		}
		if u.Comment != "" {
			s.clients[ci].Comment = c2dapi.String(u.Comment)
		}
		writeData(w, s.clients[ci])
	case r.Method == http.MethodGet && len(seg) == 3 && seg[2] == "transport":
		reach := s.clientTransport[id]
		writeData(w, []c2dapi.ClientTransport{{ChannelID: reach.channelID, Transports: c2dapi.Strings{reach.transport}}})
	case r.Method == http.MethodGet && len(seg) == 3 && seg[2] == "dialogs":
		var out []c2dapi.Dialog
		for _, d := range s.dialogs {
			if d.clientID == id {
				out = append(out, d.Dialog)
			}
		}
		writePage(w, r, out)
	default:
		notFound(w)
	}
}

func (s *Server) createClient(w http.ResponseWriter, r *http.Request) {
	var nc c2dapi.NewCustomer
	if json.NewDecoder(r.Body).Decode(&nc) != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
		return
	}
	if !s.writeFirst {
		writeError(w, http.StatusBadRequest, "Write first is not available on your tariff", nil)
		return
	}
	phone := digits(nc.Phone)
	if len(phone) < 10 || phone != nc.Phone {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"phone": {"is invalid"}})
		return
	}
	ch := slices.IndexFunc(s.channels, func(c c2dapi.Channel) bool { return c.ID == nc.ChannelID })
	if ch < 0 {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"channel_id": {"not found"}})
		return
	}
	if !slices.Contains(s.channels[ch].Transports, nc.Transport) {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"transport": {"is not connected to the channel"}})
		return
	}
	for _, c := range s.clients {
		if digits(string(c.Phone)) == phone {
			writeData(w, c)
			return
		}
	}
	c := c2dapi.Customer{ID: s.nextClientID, Name: c2dapi.String(nc.Nickname), Phone: c2dapi.String("+" + phone)}
	s.nextClientID++
	s.clients = append(s.clients, c)
	s.clientTransport[c.ID] = clientReach{channelID: nc.ChannelID, transport: nc.Transport}
	writeData(w, c)
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var readFilter *bool
	if v := q.Get("read"); v != "" {
		b := v == "1"
		readFilter = &b
	}
	startID := parseID(q.Get("start_id"))
	startDate, _ := c2dapi.ParseTime(q.Get("start_date"))
	finishDate, _ := c2dapi.ParseTime(q.Get("finish_date"))
	// Filters are read once: a big account has hundreds of thousands of
	// messages, and ids only grow, so start_id is a binary search.
	idFilter := func(key string) func(c2dapi.ID) bool {
		if v := q.Get(key); v != "" {
			want := parseID(v)
			return func(id c2dapi.ID) bool { return id == want }
		}
		return func(c2dapi.ID) bool { return true }
	}
	channel, client, dialogF, operator := idFilter("channel_id"), idFilter("client_id"), idFilter("dialog_id"), idFilter("operator_id")
	transport, typ := q.Get("transport"), q.Get("type")
	from, _ := slices.BinarySearchFunc(s.messages, startID, func(m c2dapi.Message, id c2dapi.ID) int { return cmp.Compare(m.ID, id) })
	out := filter(s.messages[from:], func(m c2dapi.Message) bool {
		return (transport == "" || string(m.Transport) == transport) &&
			channel(m.ChannelID) && client(m.ClientID) && dialogF(m.DialogID) && operator(m.OperatorID) &&
			(typ == "" || string(m.Type) == typ) &&
			(readFilter == nil || bool(m.Read) == *readFilter) &&
			(startDate.IsZero() || !m.Created.Before(startDate)) &&
			(finishDate.IsZero() || !m.Created.After(finishDate))
	})
	if q.Get("order") == "desc" {
		slices.Reverse(out)
	}
	writePage(w, r, out)
}

func (s *Server) messageRoutes(w http.ResponseWriter, seg []string) {
	id := parseID(seg[1])
	i := slices.IndexFunc(s.messages, func(m c2dapi.Message) bool { return m.ID == id })
	if i < 0 {
		notFound(w)
		return
	}
	switch {
	case len(seg) == 2:
		writeData(w, s.messages[i])
	case len(seg) == 3 && (seg[2] == "read" || seg[2] == "unread"):
		s.messages[i].Read = seg[2] == "read"
		writeData(w, map[string]any{})
	default:
		notFound(w)
	}
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	var in c2dapi.OutgoingMessage
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
		return
	}
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == in.ClientID })
	if ci < 0 {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"client_id": {"not found"}})
		return
	}
	if strings.TrimSpace(in.Text) == "" && in.Attachment == "" && in.PDF == "" {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"text": {"can't be blank"}})
		return
	}
	if in.OperatorID != 0 {
		oi := slices.IndexFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == in.OperatorID })
		if oi < 0 || s.operators[oi].Role == c2dapi.RoleDisabled || s.operators[oi].Role == c2dapi.RoleDeleted {
			writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"operator_id": {"not found"}})
			return
		}
	}
	reach := s.clientTransport[in.ClientID]
	if in.ChannelID != 0 {
		reach.channelID = in.ChannelID
	}
	if in.Transport != "" {
		reach.transport = in.Transport
	}
	d := s.openDialogLocked(in.ClientID, reach, in.OperatorID)
	m := s.addMessageLocked(c2dapi.Message{
		Text: c2dapi.String(in.Text), Type: c2dapi.String(in.Type), Transport: c2dapi.String(reach.transport),
		Read: true, Created: c2dapi.Time{Time: s.now().UTC().Truncate(time.Second)}, ClientID: in.ClientID,
		DialogID: d.ID, ChannelID: reach.channelID, OperatorID: in.OperatorID,
	})
	writeData(w, c2dapi.SentMessage{MessageID: m.ID, ChannelID: m.ChannelID, OperatorID: m.OperatorID, Transport: m.Transport,
		Type: m.Type, ClientID: m.ClientID, DialogID: m.DialogID, RequestID: m.ID})
}

// openDialogLocked returns the client's latest dialog, reopening it when
// closed, as a new message does in Chat2Desk; a client without one gets a
// new dialog.
func (s *Server) openDialogLocked(clientID c2dapi.ID, reach clientReach, operatorID c2dapi.ID) *dialog {
	for i := len(s.dialogs) - 1; i >= 0; i-- {
		if d := s.dialogs[i]; d.clientID == clientID {
			if d.State != c2dapi.DialogOpen {
				d.State, d.End = c2dapi.DialogOpen, c2dapi.Time{}
			}
			return d
		}
	}
	d := &dialog{Dialog: c2dapi.Dialog{ID: s.nextDialogID, State: c2dapi.DialogOpen, Begin: c2dapi.Time{Time: s.now().UTC().Truncate(time.Second)}, OperatorID: operatorID},
		clientID: clientID, channelID: reach.channelID, transport: reach.transport}
	s.nextDialogID++
	s.dialogs = append(s.dialogs, d)
	return d
}

func (s *Server) dialogRoute(w http.ResponseWriter, r *http.Request, idText string) {
	id := parseID(idText)
	i := slices.IndexFunc(s.dialogs, func(d *dialog) bool { return d.ID == id })
	if i < 0 {
		notFound(w)
		return
	}
	d := s.dialogs[i]
	if r.Method == http.MethodPut {
		var u c2dapi.DialogUpdate
		if json.NewDecoder(r.Body).Decode(&u) != nil {
			writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
			return
		}
		if u.OperatorID != 0 {
			if !slices.ContainsFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == u.OperatorID }) {
				writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"operator_id": {"not found"}})
				return
			}
			d.OperatorID = u.OperatorID
		}
		switch u.State {
		case "":
		case c2dapi.DialogOpen, c2dapi.DialogClosed:
			d.State = c2dapi.String(u.State)
			if u.State == c2dapi.DialogClosed {
				d.End = c2dapi.Time{Time: s.now().UTC().Truncate(time.Second)}
			} else {
				d.End = c2dapi.Time{}
			}
		default:
			writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"state": {"is invalid"}})
			return
		}
	}
	writeData(w, d.Dialog)
}

func match(seg []string, want ...string) bool { return slices.Equal(seg, want) }

func filter[T any](in []T, keep func(T) bool) []T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

func parseID(s string) c2dapi.ID {
	n, _ := strconv.ParseInt(s, 10, 64)
	return c2dapi.ID(n)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Lists answer 20 records unless asked otherwise, at most 200 [guess].
const (
	defaultLimit = 20
	maxLimit     = 200
)

func writePage[T any](w http.ResponseWriter, r *http.Request, all []T) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	offset = max(offset, 0)
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	if page == nil {
		page = []T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "success",
		"data":   page,
		"meta":   map[string]int{"total": len(all), "limit": limit, "offset": offset},
	})
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": data})
}

func writeError(w http.ResponseWriter, status int, msg string, fields map[string][]string) {
	body := map[string]any{"status": "error", "message": msg}
	if fields != nil {
		body["errors"] = fields
	}
	writeJSON(w, status, body)
}

func notFound(w http.ResponseWriter) { writeError(w, http.StatusNotFound, "Page not found", nil) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
