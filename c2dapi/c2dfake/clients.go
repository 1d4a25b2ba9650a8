package c2dfake

// The clients' endpoints: list, read, create, update, tags.

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"

	"c2desk/c2dapi"
)

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
		s.emitClientLocked(c2dapi.EventClientUpdated, id, nil)
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
	s.emitClientLocked(c2dapi.EventNewClient, c.ID, nil)
	writeData(w, c)
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
			s.emitClientLocked(c2dapi.EventAddTag, in.AssigneeID, map[string]any{"tag_id": id})
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
		s.emitClientLocked(c2dapi.EventAddTag, clientID, map[string]any{"tag_id": tagID})
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
