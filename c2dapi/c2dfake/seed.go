package c2dfake

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"c2desk/c2dapi"
)

// DemoCompany is the name of the seeded agency.
const DemoCompany = "Агентство недвижимости «Ключ»"

var firstNames = []string{
	"Иван", "Мария", "Алексей", "Екатерина", "Сергей", "Анна", "Дмитрий", "Ольга", "Никита", "Татьяна",
	"John", "Emily", "Michael", "Sarah", "David", "Laura", "Ahmed", "Sofia", "Chen", "Elena",
}

var lastNames = []string{
	"Иванов", "Смирнова", "Кузнецов", "Попова", "Волков", "Соколова", "Лебедев", "Новикова",
	"Smith", "Brown", "Miller", "Garcia", "Wilson", "Taylor",
}

var clientLines = []string{
	"Здравствуйте! Квартира на Лесной ещё продаётся?",
	"Добрый день, можно посмотреть двушку в субботу?",
	"Какая комиссия у агентства?",
	"Пришлите, пожалуйста, планировку.",
	"А ипотеку с господдержкой можно оформить?",
	"Спасибо, подумаем и перезвоним.",
	"Hello! Is the flat on Lesnaya street still available?",
	"Can I book a viewing for Saturday morning?",
	"What is the monthly rent including utilities?",
	"Please send me the floor plan.",
	"Мы с мужем хотели бы посмотреть вечером после 19:00.",
	"Есть ли парковка во дворе?",
	"Is the deposit refundable?",
	"Ок, договорились 👍",
}

var agentLines = []string{
	"Здравствуйте! Да, квартира в продаже. Когда вам удобно посмотреть?",
	"Добрый день! В субботу с 11 до 15 свободно, какое время записать?",
	"Комиссия 2%, её оплачивает продавец.",
	"Отправляю планировку, посмотрите, пожалуйста.",
	"Hello! Yes, it is available. When would you like to see it?",
	"Saturday 11:00 works. I will send you the address.",
	"Rent is 45 000 ₽ per month, utilities about 4 000 ₽.",
	"Записала вас на субботу, 12:00. До встречи!",
}

var templates = []c2dapi.Template{
	{ID: 1, Command: "/hello", Name: "Приветствие", Text: "Здравствуйте, {first_name}! Меня зовут {staff}, я помогу с подбором квартиры."},
	{ID: 2, Command: "/plan", Name: "Планировка", Text: "Отправляю планировку. Если будут вопросы — пишите."},
	{ID: 3, Command: "/viewing", Name: "Показ", Text: "Когда вам удобно посмотреть квартиру? Показы с 10:00 до 20:00."},
	{ID: 4, Command: "/bye", Name: "Goodbye", Text: "Thank you for contacting us! Have a nice day."},
}

// seed fills the server with a believable small agency: 3 channels with
// different transports, 4 operators of different roles (one disabled), 60
// clients and a few hundred messages of every type. The same seed always
// gives the same data, so tests can rely on it. daytime (the demo with
// its month of work) keeps each sample chat within a working day, so its
// answers read as the office's people's.
func (s *Server) seed(now time.Time, daytime bool) {
	s.seedAccount(now)
	r := rand.New(rand.NewPCG(2026, 11))
	activeOps := []c2dapi.ID{7, 8, 9}
	for i := range 60 {
		id := c2dapi.ID(5001 + i)
		name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		phone := fmt.Sprintf("79%09d", r.IntN(1_000_000_000))
		if i%7 == 3 {
			name = "" // some clients are known only by phone
		}
		cust := c2dapi.Customer{ID: id, Name: c2dapi.String(name), Phone: c2dapi.String("+" + phone), AssignedName: c2dapi.String(name)}
		ch := s.channels[i%len(s.channels)]
		transport := string(ch.Transports[r.IntN(len(ch.Transports))])
		if transport == "widget" {
			siteChatClient(&cust, i)
		}
		clientCard(&cust, i)
		s.clients = append(s.clients, cust)
		s.clientTransport[id] = clientReach{channelID: ch.ID, transport: transport}

		// Every client has one dialog; older ones are closed.
		// Old enough that its last message (at most 15 h later) is not in the future.
		begin := now.Add(-time.Duration(16+r.IntN(29*24)) * time.Hour).Truncate(time.Second)
		d := &dialog{Dialog: c2dapi.Dialog{ID: c2dapi.ID(9001 + i), State: c2dapi.DialogOpen, Begin: c2dapi.Time{Time: begin}, OperatorID: activeOps[r.IntN(len(activeOps))]}, clientID: id, channelID: ch.ID, transport: transport}
		s.dialogs = append(s.dialogs, d)
		gap := 90
		if daytime {
			begin, gap = sampleDay(r, begin, now), 25 // ten messages end before 19:00
		}
		d.Begin = c2dapi.Time{Time: begin}
		at := begin
		n := 3 + r.IntN(8)
		planSent := false // the floor plan goes with the agency's first answer
		for j := range n {
			at = at.Add(time.Duration(1+r.IntN(gap)) * time.Minute)
			m := c2dapi.Message{
				ClientID: id, DialogID: d.ID, ChannelID: ch.ID, Transport: c2dapi.String(transport),
				Created: c2dapi.Time{Time: at}, Read: true,
			}
			switch {
			case j == 0:
				m.Type, m.Text = c2dapi.TypeFromClient, c2dapi.String(clientLines[r.IntN(len(clientLines))])
			case j == 1 && i%5 == 0:
				m.Type, m.Text = c2dapi.TypeAutoreply, "Спасибо за обращение! Менеджер ответит в течение 15 минут."
			case j == 2 && i%6 == 0:
				m.Type, m.Text = c2dapi.TypeSystem, "Диалог передан оператору"
			case j == 3 && i%4 == 0:
				m.Type, m.Text, m.OperatorID = c2dapi.TypeComment, "Клиент с ипотекой, уточнить банк", d.OperatorID
			case j%2 == 1:
				m.Type, m.Text, m.OperatorID = c2dapi.TypeToClient, c2dapi.String(agentLines[r.IntN(len(agentLines))]), d.OperatorID
			default:
				m.Type, m.Text = c2dapi.TypeFromClient, c2dapi.String(clientLines[r.IntN(len(clientLines))])
			}
			if j == n-1 && m.Type == c2dapi.TypeFromClient && i%3 == 0 {
				m.Read = false
			}
			if i%9 == 0 && j == 0 {
				m.Attachments = []c2dapi.Attachment{{Name: "kvartira-1.jpg", Link: sampleHost + "photo/kvartira-1.jpg"},
					{Name: "kvartira-2.jpg", Link: sampleHost + "photo/kvartira-2.jpg"}}
			}
			if i%9 == 0 && m.Type == c2dapi.TypeToClient && !planSent {
				planSent = true
				m.Attachments = []c2dapi.Attachment{{Name: "planirovka.pdf", Link: sampleHost + "planirovka.pdf"}}
			}
			m = s.addMessageLocked(m)
			if j == 0 {
				s.oddMediaFields(m, i)
			}
		}
		quoteInDialog(s.messages[len(s.messages)-n:], i)
		if i%4 == 1 {
			d.State = c2dapi.DialogClosed
			d.End = c2dapi.Time{Time: at.Add(time.Hour)}
		}
	}
}

// sampleDay moves a sample chat's start into the working day it falls
// on, or the next (the demo with its month of work).
func sampleDay(r *rand.Rand, begin, now time.Time) time.Time {
	day := demoWorkingAt(begin)
	begin = time.Date(day.Year(), day.Month(), day.Day(), 9, r.IntN(4*60), 0, 0, day.Location())
	if begin.Add(5 * time.Hour).After(now) {
		begin = begin.AddDate(0, 0, -7) // a week back: not in the future
	}
	return begin
}

// quoteInDialog makes some messages replies to earlier ones, both ways:
// a client quoting the agent's answer, an agent quoting the question.
func quoteInDialog(msgs []c2dapi.Message, i int) {
	var quoter, quoted string
	switch i % 8 {
	case 2:
		quoter, quoted = c2dapi.TypeFromClient, c2dapi.TypeToClient
	case 6:
		quoter, quoted = c2dapi.TypeToClient, c2dapi.TypeFromClient
	default:
		return
	}
	for k := len(msgs) - 1; k > 0; k-- {
		if string(msgs[k].Type) != quoter {
			continue
		}
		for j := k - 1; j >= 0; j-- {
			if string(msgs[j].Type) == quoted {
				msgs[k].ReplyMessageID = msgs[j].ID
				return
			}
		}
	}
}

// Tags and client fields of the demo agency.
var (
	seedTags = []c2dapi.Tag{
		{ID: 41, GroupID: 4, GroupName: "Интерес", Label: "Покупка"},
		{ID: 42, GroupID: 4, GroupName: "Интерес", Label: "Аренда"},
		{ID: 43, GroupID: 4, GroupName: "Интерес", Label: "Ипотека", Description: "Нужна консультация по ипотеке"},
		{ID: 44, GroupID: 5, GroupName: "Статус", Label: "VIP"},
		{ID: 45, GroupID: 5, GroupName: "Статус", Label: "Горячий"},
	}
	seedFields = []c2dapi.CustomField{
		{ID: 1, Name: "Бюджет, ₽", Type: "number", Editable: true, Viewable: true},
		{ID: 2, Name: "Район", Type: "string", Editable: true, Viewable: true},
		{ID: 3, Name: "Комнат", Type: "number", Editable: true, Viewable: true},
		{ID: 4, Name: "Источник", Type: "string", Editable: false, Viewable: true},
	}
	districts = []string{"Центральный", "Ленинский", "Заречный", "Северный"}
)

// clientCard gives some clients tags, a comment and field values, as an
// agency's card would have.
func clientCard(c *c2dapi.Customer, i int) {
	if i%2 == 0 {
		c.Tags = append(c.Tags, seedTags[i/2%2]) // buying or renting
	}
	if i%5 == 0 {
		c.Tags = append(c.Tags, seedTags[2])
	}
	if i%11 == 0 {
		c.Tags = append(c.Tags, seedTags[3])
	}
	if i%3 == 0 {
		c.CustomFields = map[string]json.RawMessage{
			"1": json.RawMessage(fmt.Sprint(5_000_000 + 250_000*i)),
			"2": json.RawMessage(`"` + districts[i%len(districts)] + `"`),
			"3": json.RawMessage(fmt.Sprint(1 + i%3)),
			"4": json.RawMessage(`"Авито"`),
		}
		c.Comment = "Ищет квартиру рядом со школой"
	}
}

// siteChatClient makes a client one who wrote from the site's chat widget:
// Chat2Desk's "phone" is then a hash, and only some gave their number.
func siteChatClient(c *c2dapi.Customer, i int) {
	h := fnv.New64a()
	fmt.Fprint(h, c.ID)
	c.Phone = c2dapi.String(fmt.Sprintf("[chat] %x", h.Sum64()))
	if i%2 == 0 {
		c.ClientPhone = c2dapi.String(fmt.Sprintf("+7 916 %03d-%02d-%02d", 100+i, i%100, (i*7)%100))
	}
}

// oddMediaFields gives some first messages fields in the shapes some
// accounts get: media as objects or lists, coordinates, AI tips, a
// delivery status as an object. A client must keep those messages.
func (s *Server) oddMediaFields(m c2dapi.Message, i int) {
	odd := map[string]any{}
	switch i % 6 {
	case 1:
		odd["video"] = map[string]any{"url": fmt.Sprintf(sampleHost+"video/%d.mp4", m.ID), "duration": 14, "size": 2_400_000}
	case 2:
		odd["audio"] = map[string]any{"id": m.ID, "duration": 9}
		odd["recipient_status"] = map[string]any{"code": 2, "name": "delivered"}
	case 4:
		odd["coordinates"] = map[string]any{"lat": 55.7512, "lon": 37.6184}
		odd["ai_tips"] = []any{map[string]any{"text": "Предложите показ в выходные"}}
	case 5:
		odd["photo"] = []any{fmt.Sprintf(sampleHost+"photo/%d.jpg", m.ID)}
	}
	if len(odd) > 0 {
		s.oddFields[m.ID] = odd
	}
}

// seedAccount sets up the agency's channels, operators, operator groups and
// templates.
func (s *Server) seedAccount(now time.Time) {
	s.channels = []c2dapi.Channel{
		{ID: 101, Name: "Новостройки", Phone: "73222233223", Transports: c2dapi.Strings{"telegram", "whatsapp", "viber"}},
		{ID: 102, Name: "Вторичка / Resale", Phone: "73222233224", Transports: c2dapi.Strings{"whatsapp", "vk", "widget"}},
		{ID: 103, Name: "Аренда", Phone: "74951234567", Transports: c2dapi.Strings{"telegram", "tg_user", "insta_direct", "sms"}},
	}
	visit := c2dapi.Time{Time: now.Add(-2 * time.Hour).Truncate(time.Second)}
	// Operators as Chat2Desk describes them since 2026: the status and the
	// account's access rights decide; the legacy role lags behind (Пётр
	// is disabled, yet his old role still says operator).
	s.operators = []c2dapi.Operator{
		{ID: 7, Email: "olga@klyuch-realty.ru", Phone: "79161110007", FirstName: "Ольга", LastName: "Смирнова", LegacyRole: c2dapi.RoleAdmin,
			Status: c2dapi.StatusAdmin, AccessRightID: 1, AccessRightName: "Администратор", Online: true, LastVisit: visit, StatusID: 1},
		{ID: 8, Email: "office@klyuch-realty.ru", FirstName: "Офис", LastName: "Общий", LegacyRole: c2dapi.RoleOperator,
			Status: c2dapi.StatusEnabled, AccessRightID: 3, AccessRightName: "Оператор", Online: true, LastVisit: visit, StatusID: 1},
		{ID: 9, Email: "d.ivanov@klyuch-realty.ru", Phone: "79161110009", FirstName: "Dmitry", LastName: "Ivanov", LegacyRole: c2dapi.RoleOperator,
			Status: c2dapi.StatusEnabled, AccessRightID: 2, AccessRightName: "Супервайзер", Online: false, OfflineType: "manual", LastVisit: c2dapi.Time{Time: visit.Add(-26 * time.Hour)}, StatusID: 2},
		{ID: 10, Email: "p.kuznetsov@klyuch-realty.ru", FirstName: "Пётр", LastName: "Кузнецов", LegacyRole: c2dapi.RoleOperator,
			Status: c2dapi.StatusDisabled, AccessRightID: 3, AccessRightName: "Оператор", Online: false, LastVisit: c2dapi.Time{Time: visit.Add(-90 * 24 * time.Hour)}},
	}
	s.groups = []c2dapi.OperatorGroup{
		{ID: 31, Name: "Продажи", OperatorIDs: []c2dapi.ID{9, 7}},
		{ID: 32, Name: "Аренда", OperatorIDs: []c2dapi.ID{8, 10}},
	}
	s.templates = append([]c2dapi.Template(nil), templates...)
	s.tags = append([]c2dapi.Tag(nil), seedTags...)
	s.fields = append([]c2dapi.CustomField(nil), seedFields...)
	for i := range s.templates {
		s.templates[i].Created = c2dapi.Time{Time: now.Add(-400 * 24 * time.Hour).Truncate(time.Second)}
	}
}
