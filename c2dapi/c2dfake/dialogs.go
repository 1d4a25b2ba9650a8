package c2dfake

// The dialogs' endpoints, and which of them wait for an answer.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"c2desk/c2dapi"
)

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
				d.request = 0 // a new request begins with the next message
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
	if u.OperatorID != 0 && u.OperatorID != d.OperatorID {
		s.transferLocked(d, u.OperatorID)
	}
	switch u.State {
	case c2dapi.DialogClosed:
		s.closeLocked(d)
	case c2dapi.DialogOpen:
		d.State, d.End = c2dapi.DialogOpen, c2dapi.Time{}
	}
	// Chat2Desk answers a PUT with a bare status.
	writeJSON(w, http.StatusOK, map[string]any{"status": "success"})
}
