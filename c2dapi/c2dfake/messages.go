package c2dfake

// The messages' endpoints: list (by offset or since an id), read, send,
// transfer to a group.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"c2desk/c2dapi"
)

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
	s.transferLocked(s.dialogs[di], chosen)
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
