"""Option lists of plans, referrals and networking: code -> German label."""

from __future__ import annotations

FIELDS = {
    "german": "Deutsche Sprache",
    "school": "Schulische Bildung",
    "vocational": "Berufsausbildung/Studium",
    "qualification": "Weiterqualifizierung",
    "labour": "Arbeitsmarkt",
    "housing": "Wohnen",
    "health": "Gesundheit",
    "participation": "Gesellschaftliche Teilhabe",
    "children": "Kinder",
}

GOAL_STATUS = {
    "new": "neu",
    "proposed": "vorgeschlagen",
    "agreed": "vereinbart",
    "in_progress": "in Arbeit",
    "paused": "pausiert",
    "achieved": "erreicht",
    "not_achieved": "nicht erreicht",
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
    "client": "Klient:in",
    "manager": "Integrationsmanager:in",
    "agency": "Behörde/Stelle",
    "volunteer": "Ehrenamtliche:r",
}

SERVICES = {
    "job_centre": "Jobcenter",
    "employment_agency": "Agentur für Arbeit",
    "immigration_office": "Ausländerbehörde",
    "language_course": "Sprachkursträger",
    "school_childcare": "Schule und Kinderbetreuung",
    "youth_office": "Jugendamt",
    "health": "Gesundheitsdienste",
    "debt_counselling": "Schuldnerberatung",
    "mbe": "Migrationsberatung für Erwachsene (MBE)",
    "jmd": "Jugendmigrationsdienst (JMD)",
    "housing_office": "Wohnungsamt",
}
REFERRAL_OUTCOMES = {
    "open": "offen",
    "taken_up": "angenommen/wahrgenommen",
    "not_taken_up": "nicht wahrgenommen",
    "refused": "von der Stelle abgelehnt",
    "other": "Sonstiges",
}

NETWORK_GROUPS = {
    "integration_services": "Andere Integrationsdienste",
    "internal_authorities": "Interne Behörden (Ausländerbehörde, Leistungsbehörde)",
    "external_authorities": "Externe Behörden (Jobcenter, Agentur für Arbeit, BAMF)",
    "welfare": "Soziale Träger und Wohlfahrtsverbände",
    "refugee_clubs": "Flüchtlingsspezifische Vereine und Ehrenamtliche",
    "other_clubs": "Sonstige Vereine und Ehrenamtliche",
    "private": "Private Unternehmen und Personen",
    "churches": "Kirchen und Religionsgemeinschaften",
    "refugee_social_work": "Flüchtlingssozialarbeit",
    "other": "Sonstige",
}
