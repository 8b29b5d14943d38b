"""Name pools for synthetic people: common given and family names per region of origin,
combined at random. (native script, Latin transliteration) where the script differs."""

from __future__ import annotations

ARABIC_GIVEN_M = [
    ("محمد", "Mohammed"),
    ("أحمد", "Ahmad"),
    ("علي", "Ali"),
    ("عمر", "Omar"),
    ("خالد", "Khaled"),
    ("يوسف", "Youssef"),
    ("حسن", "Hassan"),
    ("إبراهيم", "Ibrahim"),
    ("سامر", "Samer"),
    ("باسل", "Basel"),
    ("مصطفى", "Mustafa"),
    ("كريم", "Karim"),
]
ARABIC_GIVEN_F = [
    ("فاطمة", "Fatima"),
    ("مريم", "Maryam"),
    ("نور", "Nour"),
    ("آية", "Aya"),
    ("رنا", "Rana"),
    ("هبة", "Hiba"),
    ("سارة", "Sara"),
    ("ليلى", "Layla"),
    ("زينب", "Zainab"),
    ("دعاء", "Doaa"),
    ("ريم", "Reem"),
    ("سلمى", "Salma"),
]
ARABIC_FAMILY = [
    ("الحسن", "Al-Hassan"),
    ("حداد", "Haddad"),
    ("الأحمد", "Alahmad"),
    ("خليل", "Khalil"),
    ("سليمان", "Suleiman"),
    ("العلي", "Alali"),
    ("النجار", "Najjar"),
    ("الخطيب", "Al-Khatib"),
    ("عثمان", "Othman"),
    ("يونس", "Younes"),
    ("حمدان", "Hamdan"),
    ("الشامي", "Shami"),
    ("درويش", "Darwish"),
    ("منصور", "Mansour"),
]
DARI_GIVEN_M = [
    ("احمد", "Ahmad"),
    ("محمود", "Mahmoud"),
    ("فرید", "Farid"),
    ("جاوید", "Jawid"),
    ("نجیب", "Najib"),
    ("مصطفی", "Mostafa"),
    ("حمید", "Hamid"),
    ("ولی", "Wali"),
    ("رحیم", "Rahim"),
]
DARI_GIVEN_F = [
    ("زهرا", "Zahra"),
    ("فرشته", "Fereshta"),
    ("مریم", "Maryam"),
    ("شبنم", "Shabnam"),
    ("نرگس", "Nargis"),
    ("مرسل", "Mursal"),
    ("ملالی", "Malalai"),
    ("سوسن", "Sosan"),
]
DARI_FAMILY = [
    ("احمدی", "Ahmadi"),
    ("رحیمی", "Rahimi"),
    ("حیدری", "Haidari"),
    ("محمدی", "Mohammadi"),
    ("کریمی", "Karimi"),
    ("نوری", "Noori"),
    ("صدیقی", "Sediqi"),
    ("هاشمی", "Hashemi"),
    ("امیری", "Amiri"),
    ("رسولی", "Rasuli"),
]
UKRAINIAN_GIVEN_M = [
    ("Олександр", "Oleksandr"),
    ("Андрій", "Andrii"),
    ("Дмитро", "Dmytro"),
    ("Сергій", "Serhii"),
    ("Іван", "Ivan"),
    ("Максим", "Maksym"),
]
UKRAINIAN_GIVEN_F = [
    ("Олена", "Olena"),
    ("Наталія", "Nataliia"),
    ("Ірина", "Iryna"),
    ("Оксана", "Oksana"),
    ("Марія", "Mariia"),
    ("Анна", "Anna"),
    ("Софія", "Sofiia"),
]
UKRAINIAN_FAMILY = [
    ("Шевченко", "Shevchenko"),
    ("Коваленко", "Kovalenko"),
    ("Бондаренко", "Bondarenko"),
    ("Ткаченко", "Tkachenko"),
    ("Мельник", "Melnyk"),
    ("Кравченко", "Kravchenko"),
    ("Олійник", "Oliinyk"),
    ("Поліщук", "Polishchuk"),
]
TIGRINYA_GIVEN_M = [
    ("", "Yonas"),
    ("", "Tesfay"),
    ("", "Dawit"),
    ("", "Berhane"),
    ("", "Mehari"),
    ("", "Samuel"),
    ("", "Filmon"),
]
TIGRINYA_GIVEN_F = [
    ("", "Senait"),
    ("", "Helen"),
    ("", "Rahel"),
    ("", "Selam"),
    ("", "Luwam"),
    ("", "Saba"),
]
TIGRINYA_FAMILY = [
    ("", "Tesfamariam"),
    ("", "Ghebremedhin"),
    ("", "Haile"),
    ("", "Kidane"),
    ("", "Woldu"),
    ("", "Tekle"),
    ("", "Berhe"),
]
TURKISH_GIVEN_M = [("", "Mehmet"), ("", "Mustafa"), ("", "Emre"), ("", "Serdar"), ("", "Baran")]
TURKISH_GIVEN_F = [("", "Ayşe"), ("", "Zeynep"), ("", "Elif"), ("", "Rojda"), ("", "Dilan")]
TURKISH_FAMILY = [
    ("", "Yılmaz"),
    ("", "Demir"),
    ("", "Kaya"),
    ("", "Aydın"),
    ("", "Doğan"),
    ("", "Özdemir"),
]
WEST_AFRICAN_GIVEN_M = [
    ("", "Ibrahima"),
    ("", "Mamadou"),
    ("", "Chinedu"),
    ("", "Emeka"),
    ("", "Abdoulaye"),
    ("", "Lamin"),
]
WEST_AFRICAN_GIVEN_F = [
    ("", "Aminata"),
    ("", "Fatoumata"),
    ("", "Chioma"),
    ("", "Blessing"),
    ("", "Mariama"),
]
WEST_AFRICAN_FAMILY = [
    ("", "Diallo"),
    ("", "Bah"),
    ("", "Okafor"),
    ("", "Eze"),
    ("", "Jallow"),
    ("", "Camara"),
    ("", "Ceesay"),
]
SOMALI_GIVEN_M = [("", "Abdirahman"), ("", "Mohamed"), ("", "Abdullahi"), ("", "Hassan")]
SOMALI_GIVEN_F = [("", "Hodan"), ("", "Amina"), ("", "Faduma"), ("", "Sahra")]
SOMALI_FAMILY = [("", "Warsame"), ("", "Farah"), ("", "Abdi"), ("", "Osman"), ("", "Hussein")]

# origin -> (weight, male names, female names, family names, languages)
ORIGINS = {
    "Syrien": (26, ARABIC_GIVEN_M, ARABIC_GIVEN_F, ARABIC_FAMILY, "Arabisch"),
    "Irak": (8, ARABIC_GIVEN_M, ARABIC_GIVEN_F, ARABIC_FAMILY, "Arabisch, Kurdisch (Sorani)"),
    "Afghanistan": (18, DARI_GIVEN_M, DARI_GIVEN_F, DARI_FAMILY, "Dari"),
    "Iran": (4, DARI_GIVEN_M, DARI_GIVEN_F, DARI_FAMILY, "Persisch"),
    "Ukraine": (16, UKRAINIAN_GIVEN_M, UKRAINIAN_GIVEN_F, UKRAINIAN_FAMILY, "Ukrainisch, Russisch"),
    "Eritrea": (8, TIGRINYA_GIVEN_M, TIGRINYA_GIVEN_F, TIGRINYA_FAMILY, "Tigrinya"),
    "Türkei": (
        7,
        TURKISH_GIVEN_M,
        TURKISH_GIVEN_F,
        TURKISH_FAMILY,
        "Türkisch, Kurdisch (Kurmanci)",
    ),
    "Nigeria": (5, WEST_AFRICAN_GIVEN_M, WEST_AFRICAN_GIVEN_F, WEST_AFRICAN_FAMILY, "Englisch"),
    "Gambia": (
        4,
        WEST_AFRICAN_GIVEN_M,
        WEST_AFRICAN_GIVEN_F,
        WEST_AFRICAN_FAMILY,
        "Mandinka, Englisch",
    ),
    "Somalia": (4, SOMALI_GIVEN_M, SOMALI_GIVEN_F, SOMALI_FAMILY, "Somali"),
}

STAFF_NAMES = [
    "Anna Berger",
    "Jonas Keller",
    "Miriam Schäfer",
    "Lukas Hofmann",
    "Sabine Wolf",
    "Tobias Braun",
    "Elif Kaya-Richter",
    "Katrin Zimmermann",
    "Daniel Krüger",
    "Julia Hartmann",
    "Stefan Lange",
    "Nadine Werner",
    "Markus Schmitt",
    "Laura Koch",
    "Felix Neumann",
    "Carina Vogel",
    "Thomas Maier",
    "Hannah Fuchs",
    "Peter Baumann",
    "Lea Schuster",
    "Kerstin Frank",
    "Martin Roth",
    "Sophie Jung",
    "Yusuf Demir",
    "Ines Haas",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Kirchstraße",
    "Lindenstraße",
    "Filsstraße",
    "Uhlandstraße",
    "Mörikeweg",
    "Am Sportplatz",
    "Bergstraße",
    "Wiesenweg",
    "Industriestraße",
    "Schillerstraße",
    "Goethestraße",
]
