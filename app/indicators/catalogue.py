"""The default indicator catalogue (about 47 indicators), as data.

`seed_catalogue()` adds what is missing; the demo generator and the tests call it. Admins
change the catalogue afterwards in the app; existing rows are never overwritten here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db

GROUPS = {
    "residence": ("Aufenthalt", "Residence"),
    "benefits": ("Leistungsbezug", "Benefits"),
    "language": ("Sprache", "Language"),
    "education": ("Bildung", "Education"),
    "work": ("Arbeit", "Work"),
    "housing": ("Wohnen", "Housing"),
    "health": ("Gesundheit", "Health"),
    "family": ("Familie", "Family"),
    "participation": ("Teilhabe", "Participation"),
}
GROUP_LABELS = {key: labels[0] for key, labels in GROUPS.items()}
# Contact topics -> the indicator groups worth a look while recording such a contact.
TOPIC_GROUPS = {
    "children_family": ("family", "education"),
    "housing": ("housing",),
    "language": ("language",),
    "work_training": ("work", "education"),
    "participation": ("participation",),
    "health": ("health",),
    "residence_law": ("residence",),
    "benefits_money": ("benefits",),
    "school_education": ("education",),
}

YES_NO_UNKNOWN = [("yes", "ja", "yes"), ("no", "nein", "no"), ("unknown", "unbekannt", "unknown")]
LEVELS = [(c, c, c) for c in ("none", "A1", "A2", "B1", "B2", "C1", "C2")]
LEVELS[0] = ("none", "keine Kenntnisse", "none")


@dataclass(frozen=True)
class Spec:
    key: str
    de: str
    en: str
    group: str
    type: str
    options: list[tuple[str, str, str]] = field(default_factory=list)
    min: float | None = None
    max: float | None = None
    applies_to: str = "person"
    age_min: int | None = None
    age_max: int | None = None
    required: bool = False
    stale: int | None = 180
    restricted: bool = False


CATALOGUE: list[Spec] = [
    # --- residence -----------------------------------------------------------------------
    Spec(
        "residence_status",
        "Aufenthaltsstatus",
        "Residence status",
        "residence",
        "choice",
        [
            ("gestattung", "Aufenthaltsgestattung", "Permission to reside (asylum)"),
            ("duldung", "Duldung", "Toleration"),
            ("permit", "Aufenthaltserlaubnis", "Residence permit"),
            ("settlement", "Niederlassungserlaubnis", "Settlement permit"),
            ("citizen", "Eingebürgert", "Naturalised"),
            ("other", "Sonstiges", "Other"),
        ],
        required=True,
        stale=180,
    ),
    Spec(
        "residence_legal_basis",
        "Rechtsgrundlage des Aufenthalts",
        "Legal basis",
        "residence",
        "choice",
        [
            ("25_1", "§ 25 Abs. 1 AufenthG", "Sec. 25(1)"),
            ("25_2", "§ 25 Abs. 2 AufenthG", "Sec. 25(2)"),
            ("25_3", "§ 25 Abs. 3 AufenthG", "Sec. 25(3)"),
            ("25_5", "§ 25 Abs. 5 AufenthG", "Sec. 25(5)"),
            ("24", "§ 24 AufenthG", "Sec. 24"),
            ("25a", "§ 25a AufenthG", "Sec. 25a"),
            ("25b", "§ 25b AufenthG", "Sec. 25b"),
            ("104c", "§ 104c AufenthG", "Sec. 104c"),
            ("60a", "§ 60a AufenthG", "Sec. 60a"),
            ("other", "Sonstige", "Other"),
        ],
        stale=365,
    ),
    Spec(
        "permit_valid_until",
        "Aufenthaltstitel gültig bis",
        "Permit valid until",
        "residence",
        "date",
        stale=365,
    ),
    Spec(
        "duldung_reason",
        "Grund der Duldung",
        "Reason for toleration",
        "residence",
        "choice",
        [
            ("no_passport", "Fehlende Reisedokumente", "No travel documents"),
            ("training", "Ausbildungsduldung", "Training toleration"),
            ("employment", "Beschäftigungsduldung", "Employment toleration"),
            ("health", "Gesundheitliche Gründe", "Health reasons"),
            ("family", "Familiäre Gründe", "Family reasons"),
            ("other", "Sonstige", "Other"),
        ],
        stale=180,
    ),
    Spec(
        "procedure_stage",
        "Stand des Verfahrens",
        "Procedure stage",
        "residence",
        "choice",
        [
            ("applied", "Asylantrag gestellt", "Application filed"),
            ("interview", "Anhörung erfolgt", "Interview held"),
            ("decided", "Bescheid erhalten", "Decision received"),
            ("court", "Klage anhängig", "Court case pending"),
            ("final", "Rechtskräftig abgeschlossen", "Final"),
        ],
        stale=120,
    ),
    # --- benefits ------------------------------------------------------------------------
    Spec(
        "benefit_asylblg",
        "Leistungen nach AsylbLG",
        "Asylum seekers' benefits",
        "benefits",
        "bool",
        required=True,
        stale=180,
        age_min=18,
    ),
    Spec(
        "benefit_sgb2",
        "Bürgergeld (SGB II)",
        "Citizen's income (SGB II)",
        "benefits",
        "bool",
        required=True,
        stale=180,
        age_min=18,
    ),
    Spec(
        "benefit_sgb12",
        "Sozialhilfe (SGB XII)",
        "Social assistance (SGB XII)",
        "benefits",
        "bool",
        stale=180,
        age_min=18,
    ),
    Spec(
        "child_benefit",
        "Kindergeld",
        "Child benefit",
        "benefits",
        "bool",
        applies_to="household",
        stale=365,
    ),
    Spec(
        "benefit_none",
        "Kein Leistungsbezug",
        "No benefits",
        "benefits",
        "bool",
        stale=180,
        age_min=18,
    ),
    # --- language ------------------------------------------------------------------------
    Spec(
        "german_level",
        "Deutschkenntnisse",
        "German level",
        "language",
        "choice",
        LEVELS,
        required=True,
        stale=180,
        age_min=6,
    ),
    Spec(
        "german_level_basis",
        "Deutschniveau nachgewiesen",
        "German level basis",
        "language",
        "choice",
        [("certified", "Zertifikat", "Certified"), ("estimated", "Eingeschätzt", "Estimated")],
        stale=365,
        age_min=6,
    ),
    Spec(
        "integration_course",
        "Integrationskurs",
        "Integration course",
        "language",
        "choice",
        [
            ("not_started", "Nicht begonnen", "Not started"),
            ("waiting", "Wartet auf Platz", "Waiting"),
            ("attending", "Nimmt teil", "Attending"),
            ("finished", "Abgeschlossen", "Finished"),
            ("dropped", "Abgebrochen", "Dropped"),
        ],
        required=True,
        stale=120,
        age_min=16,
    ),
    Spec(
        "interpreter_need", "Dolmetschbedarf", "Interpreter needed", "language", "bool", stale=365
    ),
    Spec(
        "job_language_course",
        "Berufssprachkurs",
        "Job-related language course",
        "language",
        "choice",
        [
            ("no", "nein", "no"),
            ("attending", "nimmt teil", "attending"),
            ("finished", "abgeschlossen", "finished"),
        ],
        stale=180,
        age_min=18,
    ),
    # --- education -----------------------------------------------------------------------
    Spec(
        "childcare_place",
        "Kita-Platz",
        "Child care place",
        "education",
        "choice",
        [*YES_NO_UNKNOWN, ("waiting", "auf Warteliste", "waiting list")],
        age_max=6,
        required=True,
        stale=180,
    ),
    Spec(
        "school_type",
        "Schulart",
        "School type",
        "education",
        "choice",
        [
            ("primary", "Grundschule", "Primary school"),
            ("werkreal", "Werkrealschule/Hauptschule", "Lower secondary"),
            ("real", "Realschule", "Intermediate school"),
            ("gymnasium", "Gymnasium", "Grammar school"),
            ("gemeinschaft", "Gemeinschaftsschule", "Comprehensive school"),
            ("vkl", "Vorbereitungsklasse", "Preparatory class"),
            ("vabo", "VABO (Berufsschule)", "VABO vocational prep"),
            ("special", "SBBZ", "Special needs school"),
        ],
        age_min=6,
        age_max=20,
        required=True,
        stale=365,
    ),
    Spec(
        "school_class",
        "Klassenstufe",
        "School class",
        "education",
        "number",
        min=1,
        max=13,
        age_min=6,
        age_max=20,
        stale=365,
    ),
    Spec(
        "qualification_recognition",
        "Anerkennung ausländischer Abschlüsse",
        "Recognition of foreign qualifications",
        "education",
        "choice",
        [
            ("none", "Kein Abschluss vorhanden", "No qualification"),
            ("not_applied", "Nicht beantragt", "Not applied"),
            ("pending", "Beantragt", "Pending"),
            ("full", "Anerkannt", "Recognised"),
            ("partial", "Teilweise anerkannt", "Partly recognised"),
            ("refused", "Abgelehnt", "Refused"),
        ],
        age_min=18,
        stale=365,
    ),
    Spec(
        "vocational_training",
        "Berufsausbildung",
        "Vocational training",
        "education",
        "choice",
        [
            ("none", "keine", "none"),
            ("searching", "sucht Ausbildung", "searching"),
            ("in_training", "in Ausbildung", "in training"),
            ("completed", "abgeschlossen", "completed"),
            ("dropped", "abgebrochen", "dropped"),
        ],
        age_min=15,
        age_max=40,
        stale=180,
    ),
    Spec(
        "school_leaving_certificate",
        "Schulabschluss",
        "School leaving certificate",
        "education",
        "choice",
        [
            ("none", "keiner", "none"),
            ("foreign", "ausländisch", "foreign"),
            ("hauptschule", "Hauptschulabschluss", "lower"),
            ("mittlere", "Mittlere Reife", "intermediate"),
            ("abitur", "Hochschulreife", "higher"),
        ],
        age_min=15,
        stale=730,
    ),
    Spec(
        "university_degree",
        "Hochschulabschluss",
        "University degree",
        "education",
        "bool",
        age_min=18,
        stale=730,
    ),
    # --- work ----------------------------------------------------------------------------
    Spec(
        "employment_status",
        "Erwerbsstatus",
        "Employment status",
        "work",
        "choice",
        [
            ("unemployed", "arbeitslos/arbeitsuchend", "unemployed"),
            ("employed", "beschäftigt", "employed"),
            ("self_employed", "selbstständig", "self-employed"),
            ("training", "in Ausbildung", "in training"),
            ("not_available", "nicht verfügbar (z. B. Kurs, Pflege)", "not available"),
            ("no_permit", "keine Arbeitserlaubnis", "no work permit"),
        ],
        age_min=18,
        age_max=67,
        required=True,
        stale=120,
    ),
    Spec(
        "contract_kind",
        "Art des Arbeitsvertrags",
        "Kind of contract",
        "work",
        "choice",
        [
            ("permanent", "unbefristet", "permanent"),
            ("fixed", "befristet", "fixed-term"),
            ("temp_agency", "Zeitarbeit", "temp agency"),
            ("minijob", "Minijob", "mini job"),
        ],
        age_min=15,
        stale=180,
    ),
    Spec(
        "working_hours",
        "Wochenarbeitsstunden",
        "Weekly hours",
        "work",
        "number",
        min=0,
        max=60,
        age_min=15,
        stale=180,
    ),
    Spec(
        "job_centre_contact",
        "Ansprechperson im Jobcenter vorhanden",
        "Job centre contact person exists",
        "work",
        "bool",
        age_min=18,
        stale=365,
    ),
    Spec(
        "work_permit",
        "Arbeitserlaubnis",
        "Work permit",
        "work",
        "choice",
        [("yes", "ja", "yes"), ("restricted", "mit Auflagen", "restricted"), ("no", "nein", "no")],
        age_min=15,
        stale=365,
    ),
    Spec("job_sector", "Branche", "Sector", "work", "text", age_min=15, stale=365),
    # --- housing (household) -------------------------------------------------------------
    Spec(
        "housing_kind",
        "Wohnform",
        "Housing",
        "housing",
        "choice",
        [
            ("follow_up", "Anschlussunterbringung", "Follow-up housing"),
            ("collective", "Gemeinschaftsunterkunft", "Collective accommodation"),
            ("own_tenancy", "Eigener Mietvertrag", "Own tenancy"),
        ],
        applies_to="household",
        required=True,
        stale=365,
    ),
    Spec(
        "flat_search",
        "Wohnungssuche",
        "Looking for a flat",
        "housing",
        "bool",
        applies_to="household",
        stale=180,
    ),
    Spec(
        "overcrowding",
        "Überbelegung",
        "Overcrowding",
        "housing",
        "bool",
        applies_to="household",
        stale=365,
    ),
    Spec(
        "living_space",
        "Wohnfläche (m²)",
        "Living space (m²)",
        "housing",
        "number",
        min=5,
        max=400,
        applies_to="household",
        stale=730,
    ),
    Spec(
        "rent_arrears",
        "Mietschulden",
        "Rent arrears",
        "housing",
        "bool",
        applies_to="household",
        stale=180,
    ),
    # --- health (restricted) -------------------------------------------------------------
    Spec(
        "health_insurance",
        "Krankenversicherung",
        "Health insurance",
        "health",
        "choice",
        [
            ("statutory", "gesetzlich", "statutory"),
            ("asylblg", "über AsylbLG", "via AsylbLG"),
            ("none", "keine", "none"),
        ],
        stale=365,
        restricted=True,
    ),
    Spec(
        "special_needs",
        "Besonderer Schutzbedarf",
        "Special needs",
        "health",
        "multi",
        [
            ("trauma", "Traumatisierung", "trauma"),
            ("chronic", "Chronische Erkrankung", "chronic illness"),
            ("pregnancy", "Schwangerschaft", "pregnancy"),
            ("care", "Pflegebedarf", "care needs"),
            ("other", "Sonstiges", "other"),
        ],
        stale=180,
        restricted=True,
    ),
    Spec(
        "disability",
        "Schwerbehinderung",
        "Disability",
        "health",
        "bool",
        stale=730,
        restricted=True,
    ),
    Spec(
        "disability_degree",
        "Grad der Behinderung",
        "Degree of disability",
        "health",
        "number",
        min=20,
        max=100,
        stale=730,
        restricted=True,
    ),
    Spec(
        "psychosocial_support",
        "Psychosoziale Unterstützung",
        "Psychosocial support",
        "health",
        "bool",
        stale=180,
        restricted=True,
    ),
    # --- family --------------------------------------------------------------------------
    Spec(
        "marital_status",
        "Familienstand",
        "Marital status",
        "family",
        "choice",
        [
            ("single", "ledig", "single"),
            ("married", "verheiratet", "married"),
            ("divorced", "geschieden", "divorced"),
            ("widowed", "verwitwet", "widowed"),
            ("separated", "getrennt lebend", "separated"),
        ],
        age_min=16,
        stale=730,
    ),
    Spec(
        "family_abroad",
        "Familienangehörige im Ausland",
        "Family members abroad",
        "family",
        "bool",
        age_min=16,
        stale=365,
    ),
    Spec(
        "family_reunification",
        "Familiennachzug",
        "Family reunification",
        "family",
        "choice",
        [
            ("none", "kein Verfahren", "none"),
            ("planned", "geplant", "planned"),
            ("applied", "beantragt", "applied"),
            ("granted", "bewilligt", "granted"),
            ("refused", "abgelehnt", "refused"),
            ("arrived", "eingereist", "arrived"),
        ],
        age_min=16,
        stale=180,
    ),
    Spec(
        "children_abroad",
        "Kinder im Ausland (Anzahl)",
        "Children abroad",
        "family",
        "number",
        min=0,
        max=15,
        age_min=16,
        stale=365,
    ),
    Spec(
        "single_parent",
        "Alleinerziehend",
        "Single parent",
        "family",
        "bool",
        applies_to="household",
        stale=365,
    ),
    # --- participation -------------------------------------------------------------------
    Spec(
        "club_activity",
        "Verein oder Ehrenamt",
        "Club or volunteer activity",
        "participation",
        "bool",
        stale=365,
    ),
    Spec(
        "volunteer_contact",
        "Kontakt zu Ehrenamtlichen",
        "Contact with volunteers",
        "participation",
        "bool",
        stale=365,
    ),
    Spec(
        "sports_club",
        "Mitglied im Sportverein",
        "Sports club member",
        "participation",
        "bool",
        stale=365,
    ),
    Spec(
        "driving_licence",
        "Führerschein",
        "Driving licence",
        "participation",
        "choice",
        [
            ("none", "keiner", "none"),
            ("foreign", "ausländisch", "foreign"),
            ("german", "deutsch", "German"),
            ("in_progress", "in Ausbildung", "in progress"),
        ],
        age_min=17,
        stale=730,
    ),
    Spec(
        "bank_account", "Bankkonto", "Bank account", "participation", "bool", age_min=18, stale=730
    ),
    Spec(
        "internet_access",
        "Internetzugang",
        "Internet access",
        "participation",
        "bool",
        applies_to="household",
        stale=730,
    ),
]


def seed_catalogue() -> int:
    """Add the default indicators (and their options) that are not there yet; returns how many
    indicators were added. The caller commits."""
    from app.indicators.models import Indicator, IndicatorOption

    existing = set(db.session.scalars(select(Indicator.key)))
    added = 0
    for position, spec in enumerate(CATALOGUE):
        if spec.key in existing:
            continue
        indicator = Indicator(
            key=spec.key,
            label_de=spec.de,
            label_en=spec.en,
            group=spec.group,
            type=spec.type,
            min_value=spec.min,
            max_value=spec.max,
            applies_to=spec.applies_to,
            age_min=spec.age_min,
            age_max=spec.age_max,
            required=spec.required,
            stale_after_days=spec.stale,
            restricted=spec.restricted,
            position=position,
        )
        indicator.options = [
            IndicatorOption(code=code, label_de=de, label_en=en, position=i)
            for i, (code, de, en) in enumerate(spec.options)
        ]
        db.session.add(indicator)
        added += 1
    db.session.flush()
    return added
