package c2dfake

// Requests (one stretch of a dialog, from a client's first message to its
// close) and the operators' statuses: both answered as bare lists, as the
// live API answers them.

import "c2desk/c2dapi"

// requestLocked is the dialog's current request, begun now if it has none.
func (s *Server) requestLocked(d *dialog) c2dapi.ID {
	if d.request == 0 {
		if s.nextRequestID == 0 {
			s.nextRequestID = 70001
		}
		d.request = s.nextRequestID
		s.nextRequestID++
		s.emitDialogLocked(c2dapi.EventNewRequest, d, map[string]any{"type": "common", "by_client": true})
	}
	return d.request
}

// requestMessagesLocked is a request's messages as /requests/{id}/messages
// lists them: camelCase ids, Unix seconds, in/out/system.
func (s *Server) requestMessagesLocked(id c2dapi.ID) []map[string]any {
	out := []map[string]any{}
	for _, m := range s.messages {
		if m.RequestID != id {
			continue
		}
		kind := "system"
		switch string(m.Type) {
		case c2dapi.TypeFromClient:
			kind = "in"
		case c2dapi.TypeToClient:
			kind = "out"
		}
		out = append(out, map[string]any{"id": m.ID, "text": m.Text, "type": kind, "created": m.Created.Unix(),
			"clientID": m.ClientID, "operatorID": m.OperatorID, "dialogID": m.DialogID})
	}
	return out
}

// statusesLocked is the account's operator statuses, named per language.
func (s *Server) statusesLocked() []map[string]any {
	return []map[string]any{
		{"id": 1, "name": map[string]string{"ru": "Онлайн", "en": "Online"}},
		{"id": 2, "name": map[string]string{"ru": "Перерыв", "en": "Break"}},
	}
}
