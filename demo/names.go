package demo

// person is a name as shown and the ASCII spelling its handle is made from.
type person struct{ name, handle string }

// The demo community speaks many languages, so the console shows wide CJK,
// accents, Cyrillic and right-to-left scripts from the first screen.
var firstNames = []person{
	{"Anna", "anna"}, {"Annabel", "annabel"}, {"Liam", "liam"}, {"Olivia", "olivia"},
	{"Noah", "noah"}, {"Emma", "emma"}, {"Lucas", "lucas"}, {"Chloé", "chloe"},
	{"Léa", "lea"}, {"Hugo", "hugo"}, {"Zoé", "zoe"}, {"Théo", "theo"},
	{"Mateo", "mateo"}, {"Lucía", "lucia"}, {"Sofía", "sofia"}, {"Martín", "martin"},
	{"Jürgen", "juergen"}, {"Lena", "lena"}, {"Jonas", "jonas"}, {"Mia", "mia"},
	{"Giulia", "giulia"}, {"Marco", "marco"}, {"João", "joao"}, {"Beatriz", "beatriz"},
	{"Zofia", "zofia"}, {"Łukasz", "lukasz"}, {"Agnieszka", "agnieszka"},
	{"Дмитрий", "dmitri"}, {"Анна", "anya"}, {"Ольга", "olga"},
	{"太郎", "taro"}, {"花子", "hanako"}, {"翔太", "shota"},
	{"伟", "wei"}, {"芳", "fang"}, {"明", "ming"},
	{"지훈", "jihoon"}, {"서연", "seoyeon"},
	{"Aarav", "aarav"}, {"Priya", "priya"}, {"Ananya", "ananya"},
	{"Fatima", "fatima"}, {"Omar", "omar"}, {"Youssef", "youssef"},
	{"Amara", "amara"}, {"Kwame", "kwame"}, {"Chidi", "chidi"},
	{"Ingrid", "ingrid"}, {"Sven", "sven"}, {"Aino", "aino"},
	{"Siobhán", "siobhan"}, {"Eoin", "eoin"}, {"Nguyễn", "nguyen"},
}

var lastNames = []person{
	{"Smith", "smith"}, {"Johnson", "johnson"}, {"Martin", "martin"}, {"Bernard", "bernard"},
	{"Dubois", "dubois"}, {"Lefèvre", "lefevre"}, {"García", "garcia"}, {"Fernández", "fernandez"},
	{"Müller", "mueller"}, {"Schröder", "schroeder"}, {"Rossi", "rossi"}, {"Bianchi", "bianchi"},
	{"Silva", "silva"}, {"Santos", "santos"}, {"Kowalski", "kowalski"}, {"Wójcik", "wojcik"},
	{"Иванов", "ivanov"}, {"Петрова", "petrova"},
	{"山田", "yamada"}, {"佐藤", "sato"}, {"鈴木", "suzuki"},
	{"王", "wang"}, {"李", "li"}, {"张", "zhang"},
	{"김", "kim"}, {"박", "park"},
	{"Sharma", "sharma"}, {"Patel", "patel"}, {"Iyer", "iyer"},
	{"El Amrani", "elamrani"}, {"Haddad", "haddad"},
	{"Okafor", "okafor"}, {"Mensah", "mensah"},
	{"Larsen", "larsen"}, {"Virtanen", "virtanen"}, {"O'Brien", "obrien"},
	{"Trần", "tran"}, {"Nakamura", "nakamura"},
}

// Excerpts of reported content, by guideline.
var excerpts = map[string][]string{
	"spam": {
		"BUY CHEAP FOLLOWERS NOW!!! visit my site for 90% off",
		"Check out this amazing crypto opportunity, guaranteed returns",
		"Same link posted in 14 threads in the last hour",
	},
	"harassment": {
		"Nobody asked for your opinion, go away and stop posting",
		"You are clearly too stupid to understand this",
		"I know where you work, watch yourself",
	},
	"off-topic": {
		"Anyone watching the match tonight?",
		"Selling my old bike, DM me",
		"What is everyone having for lunch?",
	},
	"misinformation": {
		"The moon landing was staged, everybody knows it",
		"This medicine cures everything, doctors hide it",
		"The library closes permanently next week (it does not)",
	},
	"self-promotion": {
		"Subscribe to my channel for more tips like this!",
		"My new book explains this better, link in bio",
		"Hire my agency, we do this for a living",
	},
	"privacy": {
		"Here is her home address and phone number",
		"Posting the screenshot of his private messages",
	},
}

var noteTexts = []string{
	"Very helpful in the beginners' space; consider for mentor badge.",
	"Asked to tone down in the politics thread; responded well.",
	"Organised the spring meetup. Thank them at the next event.",
	"Met at the conference — keen to help with translations.",
}

var rejectReasons = []string{
	"out of stock at the supplier",
	"duplicate request",
	"account under review",
}
