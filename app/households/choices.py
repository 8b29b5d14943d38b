"""Option lists for households and persons: code value -> German label."""

from __future__ import annotations

ACCOMMODATION = {
    "follow_up": "Anschlussunterbringung (AU)",
    "collective": "Gemeinschaftsunterkunft (GU)",
    "own_tenancy": "Eigener Mietvertrag",
}
CASE_STATUS = {"active": "aktiv", "closed": "abgeschlossen", "anonymised": "anonymisiert"}
CLOSE_REASONS = {
    "goals_reached": "Ziele erreicht",
    "moved_away": "Weggezogen",
    "max_period": "Höchstdauer der Beratung erreicht",
    "no_longer_wanted": "Beratung nicht mehr gewünscht",
    "no_longer_eligible": "Nicht mehr in der Zielgruppe",
    "other": "Sonstiges",
}
SEX = {"f": "weiblich", "m": "männlich", "d": "divers", "u": "ohne Angabe"}
RESIDENCE_STATUS = {
    "asylum_applicant": "Asylbewerber:in (Aufenthaltsgestattung)",
    "toleration": "Duldung",
    "residence_permit": "Aufenthaltserlaubnis",
    "settlement_permit": "Niederlassungserlaubnis",
    "naturalised": "Eingebürgert",
    "other": "Sonstiges",
}
LEGAL_BASES = [
    "§ 25 Abs. 1 AufenthG",
    "§ 25 Abs. 2 AufenthG",
    "§ 25 Abs. 3 AufenthG",
    "§ 25 Abs. 5 AufenthG",
    "§ 24 AufenthG",
    "§ 25a AufenthG",
    "§ 25b AufenthG",
    "§ 104c AufenthG",
    "§ 36 AufenthG",
]
PROSPECT = {"secure": "sicher", "unclear": "unklar"}
COUNTRIES = [
    "Afghanistan",
    "Albanien",
    "Algerien",
    "Eritrea",
    "Gambia",
    "Georgien",
    "Guinea",
    "Irak",
    "Iran",
    "Jemen",
    "Kamerun",
    "Kosovo",
    "Libanon",
    "Mazedonien",
    "Nigeria",
    "Pakistan",
    "Russische Föderation",
    "Serbien",
    "Somalia",
    "Sri Lanka",
    "Sudan",
    "Syrien",
    "Türkei",
    "Ukraine",
    "staatenlos",
    "ungeklärt",
]
