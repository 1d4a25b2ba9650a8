package c2dapi

// Webhook deliveries: one event per POST, its kind in hook_type, its body
// flat (a message event names its message message_id, not id).

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Event kinds Chat2Desk delivers (hook_type).
const (
	EventInbox            = "inbox"
	EventOutbox           = "outbox"
	EventComment          = "comment"
	EventSystemMessage    = "system_message"
	EventImportedMessage  = "imported_message"
	EventNewRequest       = "new_request"
	EventCloseRequest     = "close_request"
	EventCloseDialog      = "close_dialog"
	EventDialogTransfered = "dialog_transferred"
	EventNewClient        = "new_client"
	EventClientUpdated    = "client_updated"
	EventAddTag           = "add_tag_to_client"
	EventDeleteTag        = "delete_tag_from_client"
	EventOperatorStatus   = "operator_status_updated"
)

// WebhookEvents are the events that change what C2Desk shows: the ones it
// registers for.
var WebhookEvents = []string{EventInbox, EventOutbox, EventComment, EventSystemMessage, EventImportedMessage,
	EventNewRequest, EventCloseRequest, EventCloseDialog, EventDialogTransfered, EventNewClient, EventClientUpdated,
	EventAddTag, EventDeleteTag, EventOperatorStatus}

// Event is one webhook delivery. Fields an event does not carry are zero.
type Event struct {
	HookType  String `json:"hook_type"`
	EventTime Time   `json:"event_time"`
	// The message of a message event (inbox, outbox, comment, …).
	MessageID      ID           `json:"message_id"`
	Type           String       `json:"type"` // a message's type; new_request: common or rating
	Text           String       `json:"text"`
	Transport      String       `json:"transport"`
	Read           Bool         `json:"read"`
	Created        Time         `json:"created"`
	Attachments    []Attachment `json:"attachments"`
	Photo          Link         `json:"photo"`
	Video          Link         `json:"video"`
	Audio          Link         `json:"audio"`
	PDF            Link         `json:"pdf"`
	ReplyMessageID ID           `json:"reply_message_id"`
	// What the event is about.
	ClientID   ID `json:"client_id"`
	DialogID   ID `json:"dialog_id"`
	ChannelID  ID `json:"channel_id"`
	OperatorID ID `json:"operator_id"`
	RequestID  ID `json:"request_id"`
	// ID is operator_status_updated's operator (sent as a string).
	ID ID `json:"id"`
}

// Kind is the event's hook_type, lower case.
func (e Event) Kind() string { return strings.ToLower(strings.TrimSpace(string(e.HookType))) }

// MessageEvent reports whether the event carries a message.
func (e Event) MessageEvent() bool {
	switch e.Kind() {
	case EventInbox, EventOutbox, EventComment, EventSystemMessage, EventImportedMessage:
		return true
	}
	return false
}

// Message is a message event's message, as a message list would give it.
// Its type, when the body leaves it out, follows from the event.
func (e Event) Message() Message {
	m := Message{ID: e.MessageID, Text: e.Text, Type: e.Type, Transport: e.Transport, Read: e.Read, Created: e.Created,
		ClientID: e.ClientID, DialogID: e.DialogID, ChannelID: e.ChannelID, OperatorID: e.OperatorID, RequestID: e.RequestID,
		Attachments: e.Attachments, Photo: e.Photo, Video: e.Video, Audio: e.Audio, PDF: e.PDF, ReplyMessageID: e.ReplyMessageID}
	if m.Type == "" {
		switch e.Kind() {
		case EventInbox:
			m.Type = TypeFromClient
		case EventOutbox:
			m.Type = TypeToClient
		case EventComment:
			m.Type = TypeComment
		case EventSystemMessage:
			m.Type = TypeSystem
		}
	}
	if m.Created.IsZero() {
		m.Created = e.EventTime
	}
	return m
}

// Key names the event for storing it once: its kind and message, or for
// an event without a message its kind, request (or dialog, client,
// operator) and time. Chat2Desk retries a delivery; the key is the same.
func (e Event) Key() string {
	if e.MessageID > 0 {
		return fmt.Sprintf("%s:%d", e.Kind(), e.MessageID)
	}
	subject := e.RequestID
	for _, id := range []ID{e.DialogID, e.ClientID, e.ID} {
		if subject == 0 {
			subject = id
		}
	}
	return fmt.Sprintf("%s:%d:%d", e.Kind(), subject, e.EventTime.UnixMicro())
}

// DecodeEvent reads a delivery's body. A field of an unexpected kind is
// left out, not the event; a body that is not an object is an error.
func DecodeEvent(body []byte) (Event, error) {
	var e Event
	if _, err := decodeRecord(body, &e); err != nil {
		return e, &DecodeError{Err: fmt.Errorf("webhook event: %w", err)}
	}
	if e.Kind() == "" {
		return e, &DecodeError{Err: fmt.Errorf("webhook event without hook_type")}
	}
	return e, nil
}

// SignatureValid checks the vendor's signature of a delivery: hex
// HMAC-SHA256 over the body followed by the timestamp, keyed by the md5
// of the token. Whether the key is the md5's hex text or its bytes the
// vendor does not say, so both are accepted.
func SignatureValid(body []byte, timestamp, signature, tok string) bool {
	got, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(signature)), "sha256="))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	for _, raw := range []bool{false, true} {
		if hmac.Equal(got, Sign(body, timestamp, SigningKey(tok, raw))) {
			return true
		}
	}
	return false
}

// Sign is HMAC-SHA256 of body + timestamp under key.
func Sign(body []byte, timestamp string, key []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	mac.Write([]byte(timestamp))
	return mac.Sum(nil)
}

// SigningKey is the key Chat2Desk signs with: the md5 of the token as hex
// text, or (raw) its bytes.
func SigningKey(tok string, raw bool) []byte {
	sum := md5.Sum([]byte(tok))
	if raw {
		return sum[:]
	}
	return []byte(hex.EncodeToString(sum[:]))
}
