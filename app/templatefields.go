package app

import (
	"context"
	"strings"

	"c2desk/storage"
)

// TemplateFields are what a quick reply's fields are filled with.
type TemplateFields struct {
	Name      string // {name}: the client's name
	FirstName string // {first_name}: its first word
	Operator  string // {operator}: the Chat2Desk operator the reply goes out under
	Staff     string // {staff}: who is signed in
}

// FillTemplate fills {name}, {first_name}, {operator} and {staff} (also
// written {{name}}, in any case) in a quick reply. A field it does not
// know, or one without a value (a client known only by phone has no name),
// is left as written, for the agent to see and fill in by hand.
func FillTemplate(text string, f TemplateFields) string {
	values := map[string]string{"name": f.Name, "first_name": f.FirstName, "operator": f.Operator, "staff": f.Staff}
	var b strings.Builder
	for {
		end := strings.IndexByte(text, '}')
		if end < 0 {
			break
		}
		start := strings.LastIndexByte(text[:end], '{')
		if start < 0 {
			b.WriteString(text[:end+1])
			text = text[end+1:]
			continue
		}
		// {{name}}: the inner braces are the field, the outer ones go with it.
		outerStart, outerEnd := start, end+1
		if start > 0 && text[start-1] == '{' && outerEnd < len(text) && text[outerEnd] == '}' {
			outerStart, outerEnd = start-1, outerEnd+1
		}
		v := values[strings.ToLower(strings.TrimSpace(text[start+1:end]))]
		if v == "" {
			b.WriteString(text[:outerEnd])
		} else {
			b.WriteString(text[:outerStart])
			b.WriteString(v)
		}
		text = text[outerEnd:]
	}
	b.WriteString(text)
	return b.String()
}

// TemplateFields reads the fields of a quick reply chosen in this chat:
// its client's name and the operator this person's reply goes out under.
func (s *Session) TemplateFields(ctx context.Context, dialogID int64) (TemplateFields, error) {
	f := TemplateFields{Staff: s.Staff().Name}
	chats, err := s.Chats(ctx, storage.ChatFilter{IDs: []int64{dialogID}, Limit: 1})
	if err != nil {
		return f, err
	}
	if len(chats) == 1 {
		f.Name = strings.TrimSpace(chats[0].ClientName)
		if words := strings.Fields(f.Name); len(words) > 0 {
			f.FirstName = words[0]
		}
	}
	op, err := s.SendingAs(ctx)
	if err != nil || op == 0 {
		return f, err
	}
	names, err := s.app.OperatorNames(ctx)
	if err != nil {
		return f, err
	}
	f.Operator = names[op]
	return f, nil
}
