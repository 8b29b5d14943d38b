"""Texts of the consent form. German is authoritative; every other text is a machine
translation awaiting review by a native speaker and is marked as such on the form."""

from __future__ import annotations

FORM_VERSION = "2026-1"

# Languages in demand (code -> own name). A translation may not exist yet for each.
LANGUAGES = {
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "prs": "دری (Dari)",
    "ku": "Kurdî",
    "fa": "فارسی",
    "uk": "Українська",
}
RTL_LANGUAGES = frozenset({"ar", "prs", "fa"})

MACHINE_TRANSLATION_NOTE = (
    "Maschinelle Übersetzung – Prüfung durch Muttersprachler:in steht aus. "
    "Verbindlich ist der deutsche Text."
)

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "title": "Einwilligung in die Verarbeitung personenbezogener Daten",
        "intro": (
            "Das Integrationsmanagement berät Sie freiwillig und kostenlos. Damit wir Sie beraten "
            "können, möchten wir Daten über Sie speichern. Dazu gehören auch besonders "
            "geschützte Daten, zum Beispiel zu Gesundheit oder Herkunft (Art. 9 DSGVO)."
        ),
        "counselling": (
            "Ich willige ein, dass Daten aus der Beratung (Gesprächsnotizen, Ziele, Termine) "
            "gespeichert werden."
        ),
        "volunteers": (
            "Ich willige ein, dass Termindaten (Datum, Uhrzeit, Ort) an Ehrenamtliche "
            "weitergegeben werden, die mich begleiten."
        ),
        "agencies": (
            "Ich entbinde das Integrationsmanagement gegenüber den folgenden Stellen von der "
            "Schweigepflicht und willige in den Datenaustausch mit ihnen ein:"
        ),
        "voluntary": (
            "Die Einwilligung ist freiwillig. Ohne Einwilligung werden nur Name, Haushalt und "
            "Angaben zur Zielgruppe gespeichert; die Beratung ist trotzdem möglich."
        ),
        "withdrawal": (
            "Ich kann die Einwilligung jederzeit ganz oder teilweise widerrufen. Der Widerruf "
            "gilt ab sofort; was bis dahin rechtmäßig geschah, bleibt davon unberührt."
        ),
        "retention": (
            "Nach Ende der Beratung werden die Daten nach {months} Monaten anonymisiert."
        ),
        "signature": "Ort, Datum, Unterschrift",
    },
    "en": {
        "title": "Consent to the processing of personal data",
        "intro": (
            "Integration management advises you voluntarily and free of charge. To advise you, "
            "we would like to store data about you. This includes specially protected data, "
            "for example about health or origin (Art. 9 GDPR)."
        ),
        "counselling": (
            "I consent to data from counselling (notes of conversations, goals, appointments) "
            "being stored."
        ),
        "volunteers": (
            "I consent to appointment details (date, time, place) being passed on to volunteers "
            "who accompany me."
        ),
        "agencies": (
            "I release integration management from confidentiality towards the following "
            "agencies and consent to the exchange of data with them:"
        ),
        "voluntary": (
            "Consent is voluntary. Without consent only name, household and eligibility are "
            "stored; counselling is still possible."
        ),
        "withdrawal": (
            "I can withdraw my consent in whole or in part at any time. The withdrawal takes "
            "effect immediately; what was lawfully done before remains unaffected."
        ),
        "retention": "After counselling ends, the data is anonymised after {months} months.",
        "signature": "Place, date, signature",
    },
    "ar": {
        "title": "الموافقة على معالجة البيانات الشخصية",
        "intro": (
            "تقدم لك إدارة الاندماج الاستشارة بشكل طوعي ومجاني. لكي نتمكن من تقديم الاستشارة "
            "لك، نود حفظ بيانات عنك. ويشمل ذلك بيانات محمية بشكل خاص، مثل البيانات المتعلقة "
            "بالصحة أو الأصل (المادة 9 من اللائحة العامة لحماية البيانات)."
        ),
        "counselling": (
            "أوافق على حفظ البيانات الناتجة عن الاستشارة (ملاحظات المحادثات، الأهداف، المواعيد)."
        ),
        "volunteers": (
            "أوافق على إرسال بيانات المواعيد (التاريخ، الوقت، المكان) "
            "إلى المتطوعين الذين يرافقونني."
        ),
        "agencies": (
            "أُعفي إدارة الاندماج من واجب السرية تجاه الجهات التالية وأوافق على تبادل البيانات معها:"
        ),
        "voluntary": (
            "الموافقة طوعية. بدون موافقة يتم حفظ الاسم والأسرة وبيانات الاستحقاق فقط، "
            "ولا تزال الاستشارة ممكنة."
        ),
        "withdrawal": (
            "يمكنني سحب موافقتي كلياً أو جزئياً في أي وقت. يسري السحب فوراً، "
            "ولا يؤثر على ما تم بشكل قانوني قبل ذلك."
        ),
        "retention": "بعد انتهاء الاستشارة يتم إخفاء هوية البيانات بعد {months} شهراً.",
        "signature": "المكان، التاريخ، التوقيع",
    },
    "uk": {
        "title": "Згода на обробку персональних даних",
        "intro": (
            "Служба інтеграції консультує вас добровільно та безкоштовно. Щоб консультувати вас, "
            "ми хотіли б зберігати дані про вас. Це також стосується особливо захищених даних, "
            "наприклад, про здоров'я чи походження (ст. 9 GDPR)."
        ),
        "counselling": (
            "Я погоджуюся на зберігання даних консультацій (нотатки розмов, цілі, зустрічі)."
        ),
        "volunteers": (
            "Я погоджуюся на передачу даних про зустрічі (дата, час, місце) волонтерам, "
            "які мене супроводжують."
        ),
        "agencies": (
            "Я звільняю службу інтеграції від обов'язку зберігати конфіденційність щодо "
            "таких установ і погоджуюся на обмін даними з ними:"
        ),
        "voluntary": (
            "Згода є добровільною. Без згоди зберігаються лише ім'я, домогосподарство та дані "
            "про належність до цільової групи; консультація все одно можлива."
        ),
        "withdrawal": (
            "Я можу будь-коли повністю або частково відкликати свою згоду. Відкликання діє "
            "негайно; те, що було зроблено законно до цього, залишається чинним."
        ),
        "retention": "Після завершення консультацій дані анонімізуються через {months} місяців.",
        "signature": "Місце, дата, підпис",
    },
}


def translation_for(language: str) -> dict[str, str] | None:
    """The non-German text for `language`, or None (German only / no translation yet)."""
    if language == "de":
        return None
    return TEXTS.get(language)
