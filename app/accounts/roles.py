"""Roles and what they may see. Kept in one place so routes and tests agree."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ADMIN = "admin"
TEAM_LEAD = "team_lead"
MANAGER = "manager"
FRONT_DESK = "front_desk"
VOLUNTEER = "volunteer"

ROLE_LABELS = {
    ADMIN: _l("Administration"),
    TEAM_LEAD: _l("Teamleitung"),
    MANAGER: _l("Integrationsmanager:in"),
    FRONT_DESK: _l("Empfang"),
    VOLUNTEER: _l("Ehrenamtliche:r"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# Roles that may read and write case data (households, persons, contacts).
CASE_ROLES = frozenset({ADMIN, TEAM_LEAD, MANAGER})
# Roles whose members count as staff (FTE, funding).
STAFF_ROLES = frozenset({ADMIN, TEAM_LEAD, MANAGER, FRONT_DESK})

QUALIFICATION_LABELS = {
    "vocational": _l("Mittlerer Abschluss mit Berufsausbildung"),
    "university": _l("Hochschulabschluss"),
}
