"""Option lists of plans, referrals and networking: code -> label (German msgid, translated
lazily in the interface language; wrap in str() where a real string is needed)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FIELDS = {
    "german": _l("Deutsche Sprache"),
    "school": _l("Schulische Bildung"),
    "vocational": _l("Berufsausbildung/Studium"),
    "qualification": _l("Weiterqualifizierung"),
    "labour": _l("Arbeitsmarkt"),
    "housing": _l("Wohnen"),
    "health": _l("Gesundheit"),
    "participation": _l("Gesellschaftliche Teilhabe"),
    "children": _l("Kinder"),
}

GOAL_STATUS = {
    "new": _l("neu"),
    "proposed": _l("vorgeschlagen"),
    "agreed": _l("vereinbart"),
    "in_progress": _l("in Arbeit"),
    "paused": _l("pausiert"),
    "achieved": _l("erreicht"),
    "not_achieved": _l("nicht erreicht"),
}
# Which status may follow which. Achieved and not achieved are final, except that a goal
# judged "not achieved" may be taken up again (agreed anew).
GOAL_TRANSITIONS = {
    "new": {"proposed", "agreed"},
    "proposed": {"new", "agreed", "not_achieved"},
    "agreed": {"in_progress", "paused", "achieved", "not_achieved"},
    "in_progress": {"paused", "achieved", "not_achieved"},
    "paused": {"in_progress", "not_achieved"},
    "achieved": set(),
    "not_achieved": {"agreed"},
}
FINAL_GOAL_STATUS = ("achieved", "not_achieved")

RESPONSIBLE = {
    "client": _l("Klient:in"),
    "manager": _l("Integrationsmanager:in"),
    "agency": _l("Behörde/Stelle"),
    "volunteer": _l("Ehrenamtliche:r"),
}

SERVICES = {
    "job_centre": _l("Jobcenter"),
    "employment_agency": _l("Agentur für Arbeit"),
    "immigration_office": _l("Ausländerbehörde"),
    "language_course": _l("Sprachkursträger"),
    "school_childcare": _l("Schule und Kinderbetreuung"),
    "youth_office": _l("Jugendamt"),
    "health": _l("Gesundheitsdienste"),
    "debt_counselling": _l("Schuldnerberatung"),
    "mbe": _l("Migrationsberatung für Erwachsene (MBE)"),
    "jmd": _l("Jugendmigrationsdienst (JMD)"),
    "housing_office": _l("Wohnungsamt"),
}
REFERRAL_OUTCOMES = {
    "open": _l("offen"),
    "taken_up": _l("angenommen/wahrgenommen"),
    "not_taken_up": _l("nicht wahrgenommen"),
    "refused": _l("von der Stelle abgelehnt"),
    "other": _l("Sonstiges"),
}

NETWORK_GROUPS = {
    "integration_services": _l("Andere Integrationsdienste"),
    "internal_authorities": _l("Interne Behörden (Ausländerbehörde, Leistungsbehörde)"),
    "external_authorities": _l("Externe Behörden (Jobcenter, Agentur für Arbeit, BAMF)"),
    "welfare": _l("Soziale Träger und Wohlfahrtsverbände"),
    "refugee_clubs": _l("Flüchtlingsspezifische Vereine und Ehrenamtliche"),
    "other_clubs": _l("Sonstige Vereine und Ehrenamtliche"),
    "private": _l("Private Unternehmen und Personen"),
    "churches": _l("Kirchen und Religionsgemeinschaften"),
    "refugee_social_work": _l("Flüchtlingssozialarbeit"),
    "other": _l("Sonstige"),
}
