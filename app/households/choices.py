"""Option lists for households and persons: code value -> label (translated when shown).

Countries and legal bases are suggestions for free-text fields whose value is stored as typed:
data, not interface text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACCOMMODATION = {
    "follow_up": _l("Anschlussunterbringung (AU)"),
    "collective": _l("Gemeinschaftsunterkunft (GU)"),
    "own_tenancy": _l("Eigener Mietvertrag"),
}
CASE_STATUS = {
    "active": _l("aktiv"),
    "closed": _l("abgeschlossen"),
    "anonymised": _l("anonymisiert"),
}
CLOSE_REASONS = {
    "goals_reached": _l("Ziele erreicht"),
    "moved_away": _l("Weggezogen"),
    "max_period": _l("Höchstdauer der Beratung erreicht"),
    "no_longer_wanted": _l("Beratung nicht mehr gewünscht"),
    "no_longer_eligible": _l("Nicht mehr in der Zielgruppe"),
    "other": _l("Sonstiges"),
}
SEX = {"f": _l("weiblich"), "m": _l("männlich"), "d": _l("divers"), "u": _l("ohne Angabe")}
RESIDENCE_STATUS = {
    "asylum_applicant": _l("Asylbewerber:in (Aufenthaltsgestattung)"),
    "toleration": _l("Duldung"),
    "residence_permit": _l("Aufenthaltserlaubnis"),
    "settlement_permit": _l("Niederlassungserlaubnis"),
    "naturalised": _l("Eingebürgert"),
    "other": _l("Sonstiges"),
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
PROSPECT = {"secure": _l("sicher"), "unclear": _l("unklar")}
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
    "Russische Föderation",  # i18n: not UI
    "Serbien",
    "Somalia",
    "Sri Lanka",
    "Sudan",
    "Syrien",
    "Türkei",  # i18n: not UI
    "Ukraine",
    "staatenlos",
    "ungeklärt",  # i18n: not UI
]
