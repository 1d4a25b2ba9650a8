package c2dfake

// What happens in the account raises webhook events: messages, requests,
// closes, transfers, clients and their tags — also what a person does "in
// Chat2Desk's own app", which tests make happen with the methods here.

import (
	"maps"
	"slices"
	"time"

	"c2desk/c2dapi"
)

// messageEventKinds maps a message's type to the event it raises.
var messageEventKinds = map[string]string{
	c2dapi.TypeFromClient: c2dapi.EventInbox,
	c2dapi.TypeToClient:   c2dapi.EventOutbox,
	c2dapi.TypeAutoreply:  c2dapi.EventOutbox,
	c2dapi.TypeComment:    c2dapi.EventComment,
	c2dapi.TypeSystem:     c2dapi.EventSystemMessage,
}

// emitMessageLocked raises a message's event, with the message as it is
// once the change that added it is done.
func (s *Server) emitMessageLocked(id c2dapi.ID) {
	s.emitLocked(func() (string, map[string]any) {
		i, found := slices.BinarySearchFunc(s.messages, id, func(m c2dapi.Message, id c2dapi.ID) int { return int(m.ID - id) })
		if !found {
			return "", map[string]any{}
		}
		m := s.messages[i]
		kind := messageEventKinds[string(m.Type)]
		if kind == "" {
			kind = c2dapi.EventSystemMessage
		}
		body := map[string]any{"message_id": m.ID, "type": m.Type, "text": m.Text, "transport": m.Transport,
			"client_id": m.ClientID, "dialog_id": m.DialogID, "channel_id": m.ChannelID, "operator_id": m.OperatorID,
			"request_id": m.RequestID, "attachments": m.Attachments, "created": m.Created, "is_new": m.IsNew}
		for field, link := range map[string]c2dapi.Link{"photo": m.Photo, "video": m.Video, "audio": m.Audio, "pdf": m.PDF} {
			if link != "" {
				body[field] = link
			}
		}
		if m.ReplyMessageID != 0 {
			body["reply_message_id"] = m.ReplyMessageID
		}
		if ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == m.ClientID }); ci >= 0 {
			c := s.clients[ci]
			body["client"] = map[string]any{"id": c.ID, "name": c.Name, "phone": c.Phone, "assigned_name": c.AssignedName}
		}
		return kind, body
	})
}

// emitDialogLocked raises an event about a dialog.
func (s *Server) emitDialogLocked(kind string, d *dialog, extra map[string]any) {
	body := map[string]any{"dialog_id": d.ID, "client_id": d.clientID, "channel_id": d.channelID,
		"operator_id": d.OperatorID, "request_id": d.request}
	maps.Copy(body, extra)
	s.emitLocked(func() (string, map[string]any) { return kind, body })
}

// emitClientLocked raises an event about a client.
func (s *Server) emitClientLocked(kind string, clientID c2dapi.ID, extra map[string]any) {
	body := map[string]any{"client_id": clientID, "channel_id": s.clientTransport[clientID].channelID}
	maps.Copy(body, extra)
	s.emitLocked(func() (string, map[string]any) { return kind, body })
}

// closeLocked closes a dialog (its request ends) and raises close_dialog.
func (s *Server) closeLocked(d *dialog) {
	d.State, d.End = c2dapi.DialogClosed, c2dapi.Time{Time: s.now().UTC().Truncate(time.Second)}
	s.emitDialogLocked(c2dapi.EventCloseDialog, d, nil)
	d.request = 0
}

// transferLocked gives a dialog to another operator and raises
// dialog_transferred, which names the new operator.
func (s *Server) transferLocked(d *dialog, operatorID c2dapi.ID) {
	d.OperatorID = operatorID
	s.emitDialogLocked(c2dapi.EventDialogTransfered, d, nil)
}

// TransferInApp transfers a dialog to an operator as a person does in
// Chat2Desk's own app. It reports whether dialog and operator exist.
func (s *Server) TransferInApp(dialogID, operatorID c2dapi.ID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dialogLocked(dialogID)
	if d == nil || !slices.ContainsFunc(s.operators, func(o c2dapi.Operator) bool { return o.ID == operatorID }) {
		return false
	}
	s.transferLocked(d, operatorID)
	return true
}

// CloseInApp closes a dialog as a person does in Chat2Desk's own app.
func (s *Server) CloseInApp(dialogID c2dapi.ID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dialogLocked(dialogID)
	if d == nil || d.State == c2dapi.DialogClosed {
		return false
	}
	s.closeLocked(d)
	return true
}

// RenameClientInApp gives a client a name as a person does in Chat2Desk's
// own app.
func (s *Server) RenameClientInApp(clientID c2dapi.ID, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ci := slices.IndexFunc(s.clients, func(c c2dapi.Customer) bool { return c.ID == clientID })
	if ci < 0 {
		return false
	}
	s.clients[ci].AssignedName = c2dapi.String(name)
	s.emitClientLocked(c2dapi.EventClientUpdated, clientID, nil)
	return true
}
