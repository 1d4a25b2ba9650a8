// Package c2dfake is an in-memory Chat2Desk that speaks the same HTTP API as
// the real one. Tests use it with fault injection; --demo runs the GUI
// against it with its seeded sample agency.
package c2dfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
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
	groups          []c2dapi.OperatorGroup
	tags            []c2dapi.Tag
	fetched         []string // links of files sent, fetched as Chat2Desk does
	fields          []c2dapi.CustomField
	oddFields       map[c2dapi.ID]map[string]any // message fields sent in a shape of their own
	samplesAt       string                       // where the sample files load from; "": nowhere
	nextMessageID   c2dapi.ID
	nextClientID    c2dapi.ID
	nextDialogID    c2dapi.ID
	faults          []*Fault
	rnd             *rand.Rand
	oldestSent      time.Time // the oldest message any message list answered with
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
	s.route(w, r, strings.Split(strings.Trim(path, "/"), "/"))
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
		writeJSON(w, http.StatusOK, append([]c2dapi.OperatorGroup{}, s.groups...)) // a bare list, as Chat2Desk answers it
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

func (s *Server) clientRoutes(w http.ResponseWriter, r *http.Request, seg []string) {
	id := parseID(seg[1])
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == id })
	if ci < 0 {
		// As Chat2Desk says it: inside errors, not by status.
		writeError(w, http.StatusBadRequest, "", map[string][]string{"client": {"Client not found"}})
		return
	}
	switch {
	case r.Method == http.MethodGet && len(seg) == 2:
		writeData(w, s.clients[ci])
	case r.Method == http.MethodPut && len(seg) == 2:
		var u struct {
			Nickname     *string           `json:"nickname"`
			Comment      *string           `json:"comment"`
			CustomFields map[string]string `json:"custom_fields"`
		}
		if json.NewDecoder(r.Body).Decode(&u) != nil {
			writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
			return
		}
		if u.Nickname != nil {
			s.clients[ci].AssignedName = c2dapi.String(*u.Nickname)
		}
		if u.Comment != nil {
			s.clients[ci].Comment = c2dapi.String(*u.Comment)
		}
		for id, v := range u.CustomFields {
			fi := slices.IndexFunc(s.fields, func(f c2dapi.CustomField) bool { return f.ID.String() == id })
			if fi < 0 || !bool(s.fields[fi].Editable) {
				writeError(w, http.StatusBadRequest, "", map[string][]string{"custom_fields": {"field " + id + " not found"}})
				return
			}
			if s.clients[ci].CustomFields == nil {
				s.clients[ci].CustomFields = map[string]json.RawMessage{}
			}
			raw, _ := json.Marshal(v)
			if string(s.fields[fi].Type) == "number" && v != "" {
				raw = json.RawMessage(v) // numbers come back as numbers
			}
			s.clients[ci].CustomFields[id] = raw
		}
		// A PUT answers a status and, here, an empty list for data.
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": []any{}})
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
	var raw map[string]json.RawMessage
	var nc c2dapi.NewCustomer
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &raw) != nil || json.Unmarshal(body, &nc) != nil {
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
	if _, sent := raw["channel_id"]; !sent {
		// Without a channel Chat2Desk takes the first that has the messenger.
		ch = slices.IndexFunc(s.channels, func(c c2dapi.Channel) bool { return slices.Contains(c.Transports, nc.Transport) })
	}
	if ch < 0 {
		writeError(w, http.StatusBadRequest, "", map[string][]string{"channel": {"channel " + string(raw["channel_id"]) + " not found"}})
		return
	}
	if !slices.Contains(s.channels[ch].Transports, nc.Transport) {
		writeError(w, http.StatusBadRequest, "", map[string][]string{"transport": {"transport " + nc.Transport + " is incorrect"}})
		return
	}
	for _, c := range s.clients {
		if digits(c.PhoneNumber()) == phone {
			// The existing client, as a JSON text inside errors.client[1].
			existing, _ := json.Marshal(map[string]any{"id": c.ID, "phone": digits(string(c.Phone)), "name": c.Name})
			writeError(w, http.StatusBadRequest, "", map[string][]string{"client": {"Client already exist", string(existing)}})
			return
		}
	}
	c := c2dapi.Customer{ID: s.nextClientID, Name: c2dapi.String(nc.Nickname), AssignedName: c2dapi.String(nc.Nickname), Phone: c2dapi.String(phone)}
	s.nextClientID++
	s.clients = append(s.clients, c)
	s.clientTransport[c.ID] = clientReach{channelID: s.channels[ch].ID, transport: nc.Transport}
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
	// Dates count only as DD-MM-YYYY, whole days in UTC; any other form
	// is ignored, as a lenient server would.
	startDate, _ := time.Parse(c2dapi.DateLayout, q.Get("start_date"))
	finishDate, _ := time.Parse(c2dapi.DateLayout, q.Get("finish_date"))
	if !finishDate.IsZero() {
		finishDate = finishDate.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
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
	keep := func(m c2dapi.Message) bool {
		return (transport == "" || string(m.Transport) == transport) &&
			channel(m.ChannelID) && client(m.ClientID) && dialogF(m.DialogID) && operator(m.OperatorID) &&
			(typ == "" || string(m.Type) == typ) &&
			(readFilter == nil || bool(m.Read) == *readFilter) &&
			(startDate.IsZero() || !m.Created.Before(startDate)) &&
			(finishDate.IsZero() || !m.Created.After(finishDate))
	}
	// Only the page's messages are copied out, the rest only counted: at
	// ten times the big agency (2,000,000 messages) copying every match of
	// each page's request made a history load take hours.
	offset, limit := pageBounds(r)
	page := page[c2dapi.Message]{limit: limit, offset: offset}
	take := func(m c2dapi.Message) {
		if keep(m) {
			if page.total >= offset && page.total < offset+limit {
				page.items = append(page.items, m)
			}
			page.total++
		}
	}
	if q.Get("order") == "desc" {
		for i := len(s.messages) - 1; i >= from; i-- {
			take(s.messages[i])
		}
	} else {
		for _, m := range s.messages[from:] {
			take(m)
		}
	}
	for _, m := range page.items {
		if s.oldestSent.IsZero() || m.Created.Before(s.oldestSent) {
			s.oldestSent = m.Created.Time
		}
	}
	writePageOf(w, page, s.messageWire)
}

// messageWire writes a message as sent, with the fields SetMessageField
// gave a shape of their own.
func (s *Server) messageWire(m c2dapi.Message) any {
	odd := s.oddFields[m.ID]
	if len(odd) == 0 {
		return m
	}
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	maps.Copy(out, odd)
	return out
}

func (s *Server) messageRoutes(w http.ResponseWriter, r *http.Request, seg []string) {
	id := parseID(seg[1])
	i := slices.IndexFunc(s.messages, func(m c2dapi.Message) bool { return m.ID == id })
	if i < 0 {
		writeRaw(w, http.StatusOK, "not_found") // a bare text, no JSON
		return
	}
	switch {
	case len(seg) == 2:
		writeData(w, s.messageWire(s.messages[i]))
	case len(seg) == 3 && (seg[2] == "read" || seg[2] == "unread"):
		s.messages[i].Read = seg[2] == "read"
		writeData(w, map[string]any{})
	case len(seg) == 3 && seg[2] == "transfer_to_group":
		s.transferToGroup(w, s.messages[i], parseID(r.URL.Query().Get("group_id")))
	default:
		notFound(w)
	}
}

// transferToGroup gives the message's dialog to the group's first usable
// operator, online ones first: Chat2Desk offers it to the group, and one
// of them takes it.
func (s *Server) transferToGroup(w http.ResponseWriter, m c2dapi.Message, groupID c2dapi.ID) {
	gi := slices.IndexFunc(s.groups, func(g c2dapi.OperatorGroup) bool { return g.ID == groupID })
	if gi < 0 {
		writeError(w, http.StatusBadRequest, "", map[string][]string{"group_id": {"not found"}})
		return
	}
	di := slices.IndexFunc(s.dialogs, func(d *dialog) bool { return d.ID == m.DialogID })
	if di < 0 {
		writeError(w, http.StatusOK, "not_found", nil)
		return
	}
	var chosen c2dapi.ID
	for _, online := range []bool{true, false} {
		for _, id := range s.groups[gi].OperatorIDs {
			oi := slices.IndexFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == id })
			if chosen == 0 && oi >= 0 && bool(s.operators[oi].Online) == online &&
				s.operators[oi].Role() != c2dapi.RoleDisabled && s.operators[oi].Role() != c2dapi.RoleDeleted {
				chosen = id
			}
		}
	}
	if chosen == 0 {
		writeError(w, http.StatusBadRequest, "No operators in the group can take the request", nil)
		return
	}
	s.dialogs[di].OperatorID = chosen
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	var in c2dapi.OutgoingMessage
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
		return
	}
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == in.ClientID })
	if ci < 0 {
		writeError(w, http.StatusBadRequest, "", map[string][]string{"client_id": {"Client not found"}})
		return
	}
	if strings.TrimSpace(in.Text) == "" && in.Attachment == "" && in.PDF == "" {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"text": {"can't be blank"}})
		return
	}
	if in.OperatorID != 0 {
		oi := slices.IndexFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == in.OperatorID })
		if oi < 0 || s.operators[oi].Role() == c2dapi.RoleDisabled || s.operators[oi].Role() == c2dapi.RoleDeleted {
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
	// Chat2Desk fetches a file from its link: one that cannot be fetched
	// is refused, which proves C2Desk's links reach the file.
	msg := c2dapi.Message{
		Text: c2dapi.String(in.Text), Type: c2dapi.String(in.Type), Transport: c2dapi.String(reach.transport),
		Read: true, Created: c2dapi.Time{Time: s.now().UTC().Truncate(time.Second)}, ClientID: in.ClientID,
		ChannelID: reach.channelID, OperatorID: in.OperatorID, ReplyMessageID: in.ReplyMessageID,
	}
	for _, link := range []string{in.Attachment, in.PDF} {
		if link == "" {
			continue
		}
		if err := fetchable(link); err != nil {
			writeError(w, http.StatusBadRequest, "", map[string][]string{"attachment": {"could not be downloaded: " + err.Error()}})
			return
		}
		s.fetched = append(s.fetched, link)
		msg.Attachments = append(msg.Attachments, c2dapi.Attachment{Name: c2dapi.String(in.AttachmentFilename), Link: c2dapi.String(link)})
	}
	d := s.openDialogLocked(in.ClientID, reach, in.OperatorID)
	msg.DialogID = d.ID
	m := s.addMessageLocked(msg)
	writeData(w, c2dapi.SentMessage{MessageID: m.ID, ChannelID: m.ChannelID, OperatorID: m.OperatorID, Transport: m.Transport,
		Type: m.Type, ClientID: m.ClientID, DialogID: m.DialogID, RequestID: m.ID})
}

// assignTags puts tags on a client.
func (s *Server) assignTags(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TagIDs       []c2dapi.ID `json:"tag_ids"`
		AssigneeType string      `json:"assignee_type"`
		AssigneeID   c2dapi.ID   `json:"assignee_id"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.AssigneeType != "client" {
		writeError(w, http.StatusBadRequest, "Validation failed", map[string][]string{"assignee_type": {"is invalid"}})
		return
	}
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == in.AssigneeID })
	if ci < 0 {
		writeError(w, http.StatusBadRequest, "", map[string][]string{"client": {"Client not found"}})
		return
	}
	for _, id := range in.TagIDs {
		ti := slices.IndexFunc(s.tags, func(t c2dapi.Tag) bool { return t.ID == id })
		if ti < 0 {
			writeError(w, http.StatusBadRequest, "", map[string][]string{"tag_ids": {"tag " + id.String() + " not found"}})
			return
		}
		if !slices.ContainsFunc(s.clients[ci].Tags, func(t c2dapi.Tag) bool { return t.ID == id }) {
			s.clients[ci].Tags = append(s.clients[ci].Tags, s.tags[ti])
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

// removeTag takes a tag off a client.
func (s *Server) removeTag(w http.ResponseWriter, r *http.Request, tagID c2dapi.ID) {
	var in struct {
		ClientID c2dapi.ID `json:"client_id"`
	}
	json.NewDecoder(r.Body).Decode(&in)
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == in.ClientID })
	if ci < 0 || !slices.ContainsFunc(s.tags, func(t c2dapi.Tag) bool { return t.ID == tagID }) {
		writeError(w, http.StatusOK, "not_found", nil)
		return
	}
	s.clients[ci].Tags = slices.DeleteFunc(s.clients[ci].Tags, func(t c2dapi.Tag) bool { return t.ID == tagID })
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}

func (s *Server) servesSamples() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.samplesAt != ""
}

// Client returns a client as Chat2Desk has it now.
func (s *Server) Client(id c2dapi.ID) (c2dapi.Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == id })
	if i < 0 {
		return c2dapi.Customer{}, false
	}
	// A copy: the test reads it while the server goes on writing its own.
	c := s.clients[i]
	c.Tags = slices.Clone(c.Tags)
	c.CustomFields = maps.Clone(c.CustomFields)
	return c, true
}

// TagClient puts a tag on a client, as an agent may in Chat2Desk's window.
func (s *Server) TagClient(clientID, tagID c2dapi.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == clientID })
	ti := slices.IndexFunc(s.tags, func(t c2dapi.Tag) bool { return t.ID == tagID })
	if ci >= 0 && ti >= 0 && !slices.ContainsFunc(s.clients[ci].Tags, func(t c2dapi.Tag) bool { return t.ID == tagID }) {
		s.clients[ci].Tags = append(s.clients[ci].Tags, s.tags[ti])
	}
}

// RemoveTag deletes a tag from the account, as an admin may in Chat2Desk.
func (s *Server) RemoveTag(id c2dapi.ID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tags = slices.DeleteFunc(s.tags, func(t c2dapi.Tag) bool { return t.ID == id })
	for i := range s.clients {
		s.clients[i].Tags = slices.DeleteFunc(s.clients[i].Tags, func(t c2dapi.Tag) bool { return t.ID == id })
	}
}

// fetchable downloads a file's link as Chat2Desk would.
func fetchable(link string) error {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(link)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// Fetched is the links of the files sent so far, each fetched once when
// its message was sent.
func (s *Server) Fetched() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.fetched...)
}

// unansweredLocked is the open dialogs whose last message between the
// client and the agency is the client's.
func (s *Server) unansweredLocked() []c2dapi.Dialog {
	last := map[c2dapi.ID]string{}
	for _, m := range s.messages {
		if t := string(m.Type); t == c2dapi.TypeFromClient || t == c2dapi.TypeToClient {
			last[m.DialogID] = t
		}
	}
	var out []c2dapi.Dialog
	for _, d := range s.dialogs {
		if d.State == c2dapi.DialogOpen && last[d.ID] == c2dapi.TypeFromClient {
			out = append(out, d.Dialog)
		}
	}
	return out
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
		writeError(w, http.StatusOK, "not_found", nil)
		return
	}
	d := s.dialogs[i]
	if r.Method != http.MethodPut {
		writeData(w, d.Dialog)
		return
	}
	var u c2dapi.DialogUpdate
	if json.NewDecoder(r.Body).Decode(&u) != nil {
		writeError(w, http.StatusBadRequest, "Invalid JSON", nil)
		return
	}
	if u.OperatorID != 0 && !slices.ContainsFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == u.OperatorID }) {
		writeError(w, http.StatusBadRequest, "", map[string][]string{"operator_id": {"not found"}})
		return
	}
	switch u.State {
	case "":
	case c2dapi.DialogOpen, c2dapi.DialogClosed:
		if string(d.State) == u.State {
			writeErrorText(w, http.StatusBadRequest, fmt.Sprintf("Dialog %d already has state %s", d.ID, u.State))
			return
		}
	default:
		writeError(w, http.StatusBadRequest, "", map[string][]string{"state": {"is invalid"}})
		return
	}
	if u.OperatorID != 0 {
		d.OperatorID = u.OperatorID
	}
	if u.State != "" {
		d.State = c2dapi.String(u.State)
		d.End = c2dapi.Time{}
		if u.State == c2dapi.DialogClosed {
			d.End = c2dapi.Time{Time: s.now().UTC().Truncate(time.Second)}
		}
	}
	// Chat2Desk answers a PUT with a bare status.
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
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

// Lists answer 20 records unless asked otherwise, at most 200.
const (
	defaultLimit = c2dapi.DefaultPageSize
	maxLimit     = c2dapi.MaxPageSize
)

// page is one page of a list, with what meta says of it.
type page[T any] struct {
	items                []T
	total, limit, offset int
}

func pageOf[T any](r *http.Request, all []T) page[T] {
	offset, limit := pageBounds(r)
	return page[T]{items: all[min(offset, len(all)):min(offset+limit, len(all))], total: len(all), limit: limit, offset: offset}
}

// pageBounds reads a list request's offset and limit, as Chat2Desk bounds
// them.
func pageBounds(r *http.Request) (offset, limit int) {
	q := r.URL.Query()
	offset, _ = strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = defaultLimit
	}
	return max(offset, 0), min(limit, maxLimit)
}

func writePage[T any](w http.ResponseWriter, r *http.Request, all []T) {
	writePageOf(w, pageOf(r, all), func(v T) any { return v })
}

func writePageOf[T any](w http.ResponseWriter, p page[T], wire func(T) any) {
	data := make([]any, len(p.items))
	for i, v := range p.items {
		data[i] = wire(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status": "success",
		"data":   data,
		"meta":   map[string]int{"total": p.total, "limit": p.limit, "offset": p.offset},
	})
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "success", "data": data})
}

func writeError(w http.ResponseWriter, status int, msg string, fields map[string][]string) {
	body := map[string]any{"status": "error"}
	if msg != "" {
		body["message"] = msg
	}
	if fields != nil {
		body["errors"] = fields
	}
	writeJSON(w, status, body)
}

// writeErrorText answers an error whose errors field is a plain string.
func writeErrorText(w http.ResponseWriter, status int, text string) {
	writeJSON(w, status, map[string]any{"status": "error", "errors": text})
}

func writeRaw(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, text)
}

func notFound(w http.ResponseWriter) { writeError(w, http.StatusNotFound, "Page not found", nil) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
