package app

import (
	"errors"
	"strings"
	"text/template"
)

// Problem is a refusal with a sentence for the user: a rule of the agency's
// setup that the request breaks. Msg is an English template that is also the
// translation key; Data fills it.
type Problem struct {
	Msg  string
	Data map[string]any
}

func (p *Problem) Error() string { return render(p.Msg, p.Data) }

func problem(msg string, kv ...any) *Problem {
	p := &Problem{Msg: msg}
	if len(kv) > 0 {
		p.Data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Data[kv[i].(string)] = kv[i+1]
		}
	}
	return p
}

// Describe returns the sentence for err as a translation key and its
// template data; the UI passes both to lang.L.
func Describe(err error) (string, map[string]any) {
	var proxy *ProxyError
	if errors.As(err, &proxy) {
		err = proxy.sentence()
	}
	var p *Problem
	if errors.As(err, &p) {
		return p.Msg, p.Data
	}
	return explainKey(err), nil
}

// Explain turns an error into one plain English sentence, for the command
// line and logs.
func Explain(err error) string {
	key, data := Describe(err)
	return render(key, data)
}

func render(msg string, data map[string]any) string {
	if data == nil || !strings.Contains(msg, "{{") {
		return msg
	}
	t, err := template.New("").Parse(msg)
	if err != nil {
		return msg
	}
	var b strings.Builder
	if t.Execute(&b, data) != nil {
		return msg
	}
	return b.String()
}
