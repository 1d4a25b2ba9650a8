package c2dfake

import (
	"fmt"
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
	{ID: 1, Command: "/hello", Name: "Приветствие", Text: "Здравствуйте! Меня зовут {{name}}, я помогу с подбором квартиры."},
	{ID: 2, Command: "/plan", Name: "Планировка", Text: "Отправляю планировку. Если будут вопросы — пишите."},
	{ID: 3, Command: "/viewing", Name: "Показ", Text: "Когда вам удобно посмотреть квартиру? Показы с 10:00 до 20:00."},
	{ID: 4, Command: "/bye", Name: "Goodbye", Text: "Thank you for contacting us! Have a nice day."},
}

// seed fills the server with a believable small agency: 3 channels with
// different transports, 4 operators of different roles (one disabled), 60
// clients and a few hundred messages of every type. The same seed always
// gives the same data, so tests can rely on it.
func (s *Server) seed(now time.Time) {
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
		s.clients = append(s.clients, c2dapi.Customer{ID: id, Name: c2dapi.String(name), Phone: c2dapi.String("+" + phone), AssignedName: c2dapi.String(name)})
		ch := s.channels[i%len(s.channels)]
		transport := string(ch.Transports[r.IntN(len(ch.Transports))])
		s.clientTransport[id] = clientReach{channelID: ch.ID, transport: transport}

		// Every client has one dialog; older ones are closed.
		// Old enough that its last message (at most 15 h later) is not in the future.
		begin := now.Add(-time.Duration(16+r.IntN(29*24)) * time.Hour).Truncate(time.Second)
		d := &dialog{Dialog: c2dapi.Dialog{ID: c2dapi.ID(9001 + i), State: c2dapi.DialogOpen, Begin: c2dapi.Time{Time: begin}, OperatorID: activeOps[r.IntN(len(activeOps))]}, clientID: id, channelID: ch.ID, transport: transport}
		s.dialogs = append(s.dialogs, d)
		at := begin
		n := 3 + r.IntN(8)
		for j := range n {
			at = at.Add(time.Duration(1+r.IntN(90)) * time.Minute)
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
			if i%9 == 0 && j == 2 {
				m.Attachments = []c2dapi.Attachment{{Name: "planirovka.pdf", Link: "https://files.klyuch-realty.ru/planirovka.pdf"}}
			}
			s.addMessageLocked(m)
		}
		if i%4 == 1 {
			d.State = c2dapi.DialogClosed
			d.End = c2dapi.Time{Time: at.Add(time.Hour)}
		}
	}
}

// seedAccount sets up the agency's channels, operators and templates.
func (s *Server) seedAccount(now time.Time) {
	s.channels = []c2dapi.Channel{
		{ID: 101, Name: "Новостройки", Phone: "73222233223", Transports: c2dapi.Strings{"telegram", "whatsapp", "viber"}},
		{ID: 102, Name: "Вторичка / Resale", Phone: "73222233224", Transports: c2dapi.Strings{"whatsapp", "vk", "widget"}},
		{ID: 103, Name: "Аренда", Phone: "74951234567", Transports: c2dapi.Strings{"telegram", "tg_user", "insta_direct", "sms"}},
	}
	visit := c2dapi.Time{Time: now.Add(-2 * time.Hour).Truncate(time.Second)}
	s.operators = []c2dapi.Operator{
		{ID: 7, Email: "olga@klyuch-realty.ru", Phone: "79161110007", FirstName: "Ольга", LastName: "Смирнова", Role: c2dapi.RoleAdmin, Online: true, LastVisit: visit, StatusID: 1},
		{ID: 8, Email: "office@klyuch-realty.ru", FirstName: "Офис", LastName: "Общий", Role: c2dapi.RoleOperator, Online: true, LastVisit: visit, StatusID: 1},
		{ID: 9, Email: "d.ivanov@klyuch-realty.ru", Phone: "79161110009", FirstName: "Dmitry", LastName: "Ivanov", Role: c2dapi.RoleSupervisor, Online: false, OfflineType: "manual", LastVisit: c2dapi.Time{Time: visit.Add(-26 * time.Hour)}, StatusID: 2},
		{ID: 10, Email: "p.kuznetsov@klyuch-realty.ru", FirstName: "Пётр", LastName: "Кузнецов", Role: c2dapi.RoleDisabled, Online: false, LastVisit: c2dapi.Time{Time: visit.Add(-90 * 24 * time.Hour)}},
	}
	s.templates = append([]c2dapi.Template(nil), templates...)
	for i := range s.templates {
		s.templates[i].Created = c2dapi.Time{Time: now.Add(-400 * 24 * time.Hour).Truncate(time.Second)}
	}
}
