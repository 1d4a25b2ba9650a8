package app

import (
	"slices"
	"strings"
	"testing"

	"c2desk/c2dapi"
	"c2desk/storage"
)

func tagLabels(tags []storage.Tag) string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Group+"/"+t.Label)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

func fieldValue(c Card, name string) (CardField, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return CardField{}, false
}

func fakeField(t *testing.T, o chatOffice, clientID c2dapi.ID, id string) string {
	t.Helper()
	c, ok := o.fake.Client(clientID)
	if !ok {
		t.Fatalf("client %d gone", clientID)
	}
	return c.FieldValues()[id]
}

func TestClientCardShowsAndEditsWhatChat2DeskHas(t *testing.T) {
	o := chatsOffice(t) // client 5001 of chat 9001 has tags, fields and a comment in the seed
	card, err := o.ivan.RefreshClientCard(ctx, chatOn101)
	if err != nil {
		t.Fatal(err)
	}
	if !card.FieldsKnown {
		t.Fatal("the fields were read")
	}
	if got := tagLabels(card.Tags); got != "Интерес/Ипотека, Интерес/Покупка, Статус/VIP" {
		t.Fatalf("tags: %s", got)
	}
	if card.Comment != "Ищет квартиру рядом со школой" || card.Channel != "Новостройки" || card.Transport == "" || card.LastAnswer == nil {
		t.Fatalf("card: %+v", card)
	}
	budget, ok := fieldValue(card, "Бюджет, ₽")
	if !ok || budget.Value != "5000000" || budget.Type != "number" || !budget.Editable {
		t.Fatalf("budget: %+v (fields %+v)", budget, card.Fields)
	}
	if src, _ := fieldValue(card, "Источник"); src.Value != "Авито" || src.Editable {
		t.Fatalf("source: %+v", src)
	}
	if len(card.AllTags) != 5 {
		t.Fatalf("the account's tags: %s", tagLabels(card.AllTags))
	}

	// The comment: changed, then cleared, in Chat2Desk and here.
	if err := o.ivan.SetClientComment(ctx, chatOn101, "  Перезвонить в пятницу "); err != nil {
		t.Fatal(err)
	}
	if c, _ := o.fake.Client(5001); c.Comment != "Перезвонить в пятницу" {
		t.Fatalf("Chat2Desk's comment: %q", c.Comment)
	}
	if err := o.ivan.SetClientComment(ctx, chatOn101, ""); err != nil {
		t.Fatal(err)
	}
	if c, _ := o.fake.Client(5001); c.Comment != "" {
		t.Fatalf("the comment was not cleared: %q", c.Comment)
	}
	wantProblem(t, o.ivan.SetClientComment(ctx, chatOn101, strings.Repeat("я", 2001)), MsgCommentTooLong)

	// Fields: a number as people write it, text, refusals.
	if err := o.ivan.SetClientField(ctx, chatOn101, budget.ID, "6 500 000"); err != nil {
		t.Fatal(err)
	}
	if got := fakeField(t, o, 5001, "1"); got != "6500000" {
		t.Fatalf("Chat2Desk's budget: %q", got)
	}
	district, _ := fieldValue(card, "Район")
	if err := o.ivan.SetClientField(ctx, chatOn101, district.ID, "Заречный"); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, o.ivan.SetClientField(ctx, chatOn101, budget.ID, "около пяти"), MsgFieldNumber)
	src, _ := fieldValue(card, "Источник")
	wantProblem(t, o.ivan.SetClientField(ctx, chatOn101, src.ID, "Циан"), MsgFieldNotEditable)
	wantProblem(t, o.ivan.SetClientField(ctx, chatOn101, 999, "x"), MsgNoSuchField)

	// Tags: one added, one taken off; the chat list filters by them.
	if err := o.ivan.AddClientTag(ctx, chatOn101, 45); err != nil { // Горячий
		t.Fatal(err)
	}
	if err := o.ivan.RemoveClientTag(ctx, chatOn101, 41); err != nil { // Покупка
		t.Fatal(err)
	}
	wantProblem(t, o.ivan.AddClientTag(ctx, chatOn101, 999), MsgNoSuchTag)
	c, _ := o.fake.Client(5001)
	if got := tagLabels(tagsFromAPI(c.Tags)); got != "Интерес/Ипотека, Статус/VIP, Статус/Горячий" {
		t.Fatalf("Chat2Desk's tags: %s", got)
	}
	card, err = o.ivan.ClientCard(ctx, chatOn101)
	if err != nil {
		t.Fatal(err)
	}
	if got := tagLabels(card.Tags); got != "Интерес/Ипотека, Статус/VIP, Статус/Горячий" {
		t.Fatalf("stored tags: %s", got)
	}
	if f, _ := fieldValue(card, "Бюджет, ₽"); f.Value != "6500000" {
		t.Fatalf("stored budget %q", f.Value)
	}
	if ids := chatIDs(t, o.ivan, storage.ChatFilter{TagID: 45}); len(ids) != 1 || !ids[chatOn101] {
		t.Fatalf("chats tagged Горячий: %v", ids)
	}

	// The card of a chat hidden from Ivan is hidden too.
	_, err = o.ivan.ClientCard(ctx, chatOn103)
	wantProblem(t, err, MsgNotYourChat)
	wantProblem(t, o.ivan.AddClientTag(ctx, chatOn103, 45), MsgNotYourChat)
}

// A tag put on a client in Chat2Desk's own window is found by the filter
// once the tag is chosen, though that client's card was never opened.
func TestTagFilterFindsClientsTaggedElsewhere(t *testing.T) {
	o := chatsOffice(t)
	if ids := chatIDs(t, o.admin, storage.ChatFilter{TagID: 45}); len(ids) != 0 {
		t.Fatalf("nobody is Горячий yet: %v", ids)
	}
	o.fake.TagClient(5004, 45)
	if err := o.app.RefreshTag(ctx, 45); err != nil {
		t.Fatal(err)
	}
	if ids := chatIDs(t, o.admin, storage.ChatFilter{TagID: 45}); len(ids) != 1 || !ids[9004] {
		t.Fatalf("chats tagged Горячий: %v", ids)
	}
	// The history load keeps the tags Chat2Desk lists with its clients.
	if ids := chatIDs(t, o.admin, storage.ChatFilter{TagID: 44}); !ids[chatOn101] || !ids[9012] {
		t.Fatalf("chats tagged VIP: %v", ids)
	}
	// A tag removed from the account leaves the filter empty.
	o.fake.RemoveTag(45)
	if _, err := o.admin.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	tags, _ := o.app.Tags(ctx)
	if got := tagLabels(tags); strings.Contains(got, "Горячий") {
		t.Fatalf("tags after the removal: %s", got)
	}
	if ids := chatIDs(t, o.admin, storage.ChatFilter{TagID: 45}); len(ids) != 0 {
		t.Fatalf("a removed tag still finds %v", ids)
	}
}

// Chat2Desk not answering leaves the stored card, and says why.
func TestClientCardWithoutTheNetworkShowsWhatIsStored(t *testing.T) {
	o := chatsOffice(t)
	if _, err := o.ivan.RefreshClientCard(ctx, chatOn101); err != nil {
		t.Fatal(err)
	}
	o.srv.CloseClientConnections()
	o.srv.Close()
	card, err := o.ivan.RefreshClientCard(ctx, chatOn101)
	if err == nil || Explain(err) != MsgNetwork {
		t.Fatalf("refresh without the network: %v", err)
	}
	if card.Comment != "Ищет квартиру рядом со школой" || len(card.Tags) != 3 {
		t.Fatalf("the stored card is not shown: %+v", card)
	}
	if err := o.ivan.SetClientComment(ctx, chatOn101, "новое"); err == nil {
		t.Fatal("a comment was saved without Chat2Desk")
	}
	if card, _ := o.ivan.ClientCard(ctx, chatOn101); card.Comment != "Ищет квартиру рядом со школой" {
		t.Fatalf("the refused comment was stored: %q", card.Comment)
	}
}
