"""Option lists for contacts and tasks: code value -> label (German message id, translated
when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SETTINGS = {
    "home_visit": _l("Hausbesuch (aufsuchend)"),
    "office_hour": _l("Sprechstunde vor Ort"),
    "office": _l("Büro"),
    "phone": _l("Telefon"),
    "video": _l("Video"),
    "accompaniment": _l("Begleitung zu einer Behörde"),
}
# Settings that need a place (the office hour's location, the authority accompanied to).
SETTINGS_WITH_PLACE = ("office_hour", "accompaniment")
DURATION_PRESETS = (15, 30, 45, 60)
MAX_DURATION = 600
INTERPRETER = {
    "": _l("ohne Dolmetscher:in"),
    "professional": _l("professionell"),
    "volunteer": _l("ehrenamtlich"),
}
OWNER_KINDS = {
    "manager": _l("ich (Integrationsmanager:in)"),
    "colleague": _l("Kolleg:in"),
    "client": _l("Klient:in"),
    "volunteer": _l("Ehrenamtliche:r"),
}
OWNER_KIND_SHORT = {
    "manager": _l("Integrationsmanagement"),
    "colleague": _l("Kolleg:in"),
    "client": _l("Klient:in"),
    "volunteer": _l("Ehrenamt"),
}
TASK_STATUS = {"open": _l("offen"), "done": _l("erledigt")}

# The catalogue that a new installation starts with (key, German label): data stored in the
# database, which admins edit; not interface text.
DEFAULT_TOPICS = (
    ("children_family", "Kinder und Familie"),  # i18n: not UI
    ("housing", "Wohnen"),
    ("language", "Sprache"),
    ("work_training", "Arbeit und Ausbildung"),  # i18n: not UI
    ("participation", "Soziale Teilhabe"),
    ("health", "Gesundheit"),
    ("residence_law", "Aufenthaltsrecht"),
    ("benefits_money", "Leistungen und Geld"),  # i18n: not UI
    ("school_education", "Schule und Bildung"),  # i18n: not UI
    ("other", "Sonstiges"),
)
