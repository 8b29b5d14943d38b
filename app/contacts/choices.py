"""Option lists for contacts and tasks: code value -> German label."""

from __future__ import annotations

SETTINGS = {
    "home_visit": "Hausbesuch (aufsuchend)",
    "office_hour": "Sprechstunde vor Ort",
    "office": "Büro",
    "phone": "Telefon",
    "video": "Video",
    "accompaniment": "Begleitung zu einer Behörde",
}
# Settings that need a place (the office hour's location, the authority accompanied to).
SETTINGS_WITH_PLACE = ("office_hour", "accompaniment")
DURATION_PRESETS = (15, 30, 45, 60)
MAX_DURATION = 600
INTERPRETER = {
    "": "ohne Dolmetscher:in",
    "professional": "professionell",
    "volunteer": "ehrenamtlich",
}
OWNER_KINDS = {
    "manager": "ich (Integrationsmanager:in)",
    "colleague": "Kolleg:in",
    "client": "Klient:in",
    "volunteer": "Ehrenamtliche:r",
}
OWNER_KIND_SHORT = {
    "manager": "Integrationsmanagement",
    "colleague": "Kolleg:in",
    "client": "Klient:in",
    "volunteer": "Ehrenamt",
}
TASK_STATUS = {"open": "offen", "done": "erledigt"}

# The catalogue that a new installation starts with (key, German label); admins edit it.
DEFAULT_TOPICS = (
    ("children_family", "Kinder und Familie"),
    ("housing", "Wohnen"),
    ("language", "Sprache"),
    ("work_training", "Arbeit und Ausbildung"),
    ("participation", "Soziale Teilhabe"),
    ("health", "Gesundheit"),
    ("residence_law", "Aufenthaltsrecht"),
    ("benefits_money", "Leistungen und Geld"),
    ("school_education", "Schule und Bildung"),
    ("other", "Sonstiges"),
)
