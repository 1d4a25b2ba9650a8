package app

import (
	"strings"
	"testing"

	"c2desk/storage"
)

func TestFillTemplate(t *testing.T) {
	f := TemplateFields{Name: "Ольга Волкова", FirstName: "Ольга", Operator: "Офис Общий", Staff: "Ivan Petrov"}
	for _, tc := range []struct{ text, want string }{
		{"Здравствуйте, {first_name}! Меня зовут {staff}.", "Здравствуйте, Ольга! Меня зовут Ivan Petrov."},
		{"{name}, отвечает {operator}", "Ольга Волкова, отвечает Офис Общий"},
		{"Hello {{first_name}}", "Hello Ольга"},
		{"{ NAME }", "Ольга Волкова"},
		{"Квартира {address} свободна, {first_name}", "Квартира {address} свободна, Ольга"},
		{"{ {first_name}", "{ Ольга"},
		{"скидка 5% } {", "скидка 5% } {"},
		{"без полей", "без полей"},
	} {
		if got := FillTemplate(tc.text, f); got != tc.want {
			t.Errorf("FillTemplate(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	// A client known only by phone: {name} stays for the agent to fill in.
	if got := FillTemplate("Здравствуйте, {first_name}!", TemplateFields{Staff: "Ivan"}); got != "Здравствуйте, {first_name}!" {
		t.Errorf("without a name: %q", got)
	}
}

// The fields of a quick reply chosen in a chat: Ivan has no operator of
// his own, so his reply goes out under the default account (8).
func TestSessionTemplateFields(t *testing.T) {
	o := chatsOffice(t)
	f, err := o.ivan.TemplateFields(ctx, chatOn101)
	if err != nil {
		t.Fatal(err)
	}
	chats, err := o.ivan.Chats(ctx, storage.ChatFilter{IDs: []int64{chatOn101}, Limit: 1})
	if err != nil || len(chats) != 1 || chats[0].ClientName == "" {
		t.Fatalf("%+v %v", chats, err)
	}
	names, err := o.app.OperatorNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := TemplateFields{Name: chats[0].ClientName, FirstName: strings.Fields(chats[0].ClientName)[0], Operator: names[8], Staff: "Ivan Petrov"}
	if f != want || want.Operator == "" {
		t.Fatalf("fields %+v, want %+v", f, want)
	}
}
