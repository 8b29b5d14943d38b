"""Roles and what they may see. Kept in one place so routes and tests agree."""

from __future__ import annotations

ADMIN = "admin"
TEAM_LEAD = "team_lead"
MANAGER = "manager"
FRONT_DESK = "front_desk"
VOLUNTEER = "volunteer"

ROLE_LABELS = {
    ADMIN: "Administration",
    TEAM_LEAD: "Teamleitung",
    MANAGER: "Integrationsmanager:in",
    FRONT_DESK: "Empfang / Front Desk",
    VOLUNTEER: "Ehrenamtliche:r",
}
ALL_ROLES = tuple(ROLE_LABELS)

# Roles that may read and write case data (households, persons, contacts).
CASE_ROLES = frozenset({ADMIN, TEAM_LEAD, MANAGER})
# Roles whose members count as staff (FTE, funding).
STAFF_ROLES = frozenset({ADMIN, TEAM_LEAD, MANAGER, FRONT_DESK})

QUALIFICATION_LABELS = {
    "vocational": "Mittlerer Abschluss mit Berufsausbildung",
    "university": "Hochschulabschluss",
}
