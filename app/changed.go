package app

// Changed says, in the screens' terms, what another computer of the office
// changed in the shared database (the tables it names are storage's
// business): each screen reads anew only what it shows.
type Changed struct {
	Staff     bool // people, their roles and PINs
	Channels  bool // channels and who may see their chats
	Operators bool // operators, their owners and the default account
	Tags      bool // the account's tags
	Clients   bool // clients' cards: comments, tags, fields
	Actions   bool // closes, reopens and transfers carried out or refused
}

// everything is what a catch-up or a reconnect may have changed.
var everything = Changed{Staff: true, Channels: true, Operators: true, Tags: true, Clients: true, Actions: true}

// changedTables maps the tables the office database names to what they
// change on screen.
var changedTables = map[string]func(*Changed){
	"staff":              func(c *Changed) { c.Staff = true },
	"channels":           func(c *Changed) { c.Channels = true },
	"channel_transports": func(c *Changed) { c.Channels = true },
	"channel_rules":      func(c *Changed) { c.Channels = true },
	"channel_rule_staff": func(c *Changed) { c.Channels = true },
	"operators":          func(c *Changed) { c.Operators = true },
	"operator_owner":     func(c *Changed) { c.Operators = true },
	"default_operator":   func(c *Changed) { c.Operators = true },
	"tags":               func(c *Changed) { c.Tags, c.Clients = true, true },
	"clients":            func(c *Changed) { c.Clients = true },
	"client_tags":        func(c *Changed) { c.Clients = true },
	"custom_fields":      func(c *Changed) { c.Clients = true },
	"office_actions":     func(c *Changed) { c.Actions = true },
}

// changedFrom reads the tables changed; nil: any may have.
func changedFrom(tables []string) Changed {
	if tables == nil {
		return everything
	}
	var c Changed
	for _, t := range tables {
		if mark, ok := changedTables[t]; ok {
			mark(&c)
		}
	}
	return c
}
