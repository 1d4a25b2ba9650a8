package app

import (
	"testing"

	"c2desk/c2dapi"
	"c2desk/storage"
)

// lastOfType is the newest message of a type in a conversation.
func lastOfType(t *testing.T, s *Session, dialogID int64, typ string) storage.Message {
	t.Helper()
	conv, err := s.Conversation(ctx, dialogID, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(conv.Messages) - 1; i >= 0; i-- {
		if conv.Messages[i].Type == typ {
			return conv.Messages[i]
		}
	}
	t.Fatalf("dialog %d has no %s message", dialogID, typ)
	return storage.Message{}
}

func TestReplyQuotesAMessageBothWays(t *testing.T) {
	o := chatsOffice(t)
	question := lastOfType(t, o.ivan, chatOn101, c2dapi.TypeFromClient)

	// The agent quotes the client's question: Chat2Desk gets its id, and
	// the chat shows the answer with the question above it.
	it, err := o.ivan.QueueOutgoing(ctx, Outgoing{DialogID: chatOn101, Text: "Да, продаётся", Kind: KindReply, ReplyTo: question.ID})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := o.ivan.Conversation(ctx, chatOn101, 0, 50)
	if err != nil || len(pending.Outbox) != 1 || pending.Outbox[0].Quote == nil || pending.Outbox[0].Quote.Text != question.Text {
		t.Fatalf("the queued reply shows no quote: %+v %v", pending.Outbox, err)
	}
	sent, err := o.app.Deliver(ctx, it.ID)
	if err != nil || sent.State != storage.OutboxSent {
		t.Fatalf("%+v %v", sent, err)
	}
	if got := o.fake.MessagesWithText("Да, продаётся"); len(got) != 1 || got[0].ReplyMessageID != c2dapi.ID(question.ID) {
		t.Fatalf("Chat2Desk got %+v, want a reply to %d", got, question.ID)
	}
	answer := lastOfType(t, o.ivan, chatOn101, c2dapi.TypeToClient)
	if answer.ReplyTo != question.ID || answer.Quote == nil || answer.Quote.Text != question.Text {
		t.Fatalf("the sent reply shows %+v", answer)
	}

	// The client quotes the answer from their messenger: the poll brings
	// the quote.
	o.fake.ClientReplies(5001, "А торг уместен?", c2dapi.ID(answer.ID))
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	incoming := lastOfType(t, o.ivan, chatOn101, c2dapi.TypeFromClient)
	if incoming.Text != "А торг уместен?" || incoming.Quote == nil || incoming.Quote.Text != "Да, продаётся" || incoming.Quote.Author != o.ivan.Staff().ID {
		t.Fatalf("the client's reply shows %+v", incoming)
	}
}

func TestAQuoteNeverShowsWhatTheReaderMayNotSee(t *testing.T) {
	o := chatsOffice(t)
	secret := lastOfType(t, o.admin, chatOn103, c2dapi.TypeFromClient) // channel 103: admins only

	// Ivan cannot quote a message of a chat hidden from him, nor of
	// another client: nothing is queued.
	_, err := o.ivan.QueueOutgoing(ctx, Outgoing{DialogID: chatOn101, Text: "Смотрите", ReplyTo: secret.ID})
	wantProblem(t, err, MsgQuoteGone)
	if p, _ := o.store.Pending(ctx); len(p) != 0 {
		t.Fatalf("a refused reply was queued: %+v", p)
	}

	// A message that claims to answer another client's message shows no
	// quote; one answering a message C2Desk never had shows none either,
	// and both keep their text.
	o.fake.ClientReplies(5001, "Ответ на чужое", c2dapi.ID(secret.ID))
	o.fake.ClientReplies(5001, "Ответ на давнее", 999999)
	if _, err := o.app.Poll(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, who := range []*Session{o.ivan, o.admin} {
		conv, err := who.Conversation(ctx, chatOn101, 0, 2)
		if err != nil || len(conv.Messages) != 2 {
			t.Fatalf("%+v %v", conv, err)
		}
		for _, m := range conv.Messages {
			if m.ReplyTo == 0 || m.Quote != nil {
				t.Fatalf("%s sees %+v", who.Staff().Name, m)
			}
		}
	}
}
