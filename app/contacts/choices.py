"""Option lists for contacts and tasks: code value -> label (German message id, translated
when shown)."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.i18n import N_

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
# database, which admins edit. An unedited default label is shown in the interface language.
DEFAULT_TOPICS = (
    ("children_family", N_("Kinder und Familie")),
    ("housing", N_("Wohnen")),
    ("language", N_("Sprache")),
    ("work_training", N_("Arbeit und Ausbildung")),
    ("participation", N_("Soziale Teilhabe")),
    ("health", N_("Gesundheit")),
    ("residence_law", N_("Aufenthaltsrecht")),
    ("benefits_money", N_("Leistungen und Geld")),
    ("school_education", N_("Schule und Bildung")),
    ("other", N_("Sonstiges")),
)
_DEFAULT_TOPIC_LABELS = frozenset(label for _key, label in DEFAULT_TOPICS)


def topic_label(label: str) -> str:
    """A topic's label as shown: a default one translated, an admin's own one as typed."""
    return gettext(label) if label in _DEFAULT_TOPIC_LABELS else label
