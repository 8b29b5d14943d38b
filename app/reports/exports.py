"""Exports: the dashboard figures (XLSX), the distribution of every indicator on a reporting
date (CSV/XLSX) and a pseudonymised person-level file for statistics (CSV/XLSX).

Figures come from app/reports/figures.py; indicator values from the as-of rule in
app/indicators/services.py. Every writer runs a fixed number of statements."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, func, or_, select

from app.contacts import choices as contact_choices
from app.contacts.models import Contact, contact_participant
from app.extensions import db
from app.households.choices import ACCOMMODATION, RESIDENCE_STATUS, SEX
from app.households.models import Household, Person
from app.households.rules import eligibility_clause
from app.indicators.countsheet import age_band
from app.indicators.models import Indicator, IndicatorValue
from app.indicators.services import latest_per_subject
from app.organisations.models import Municipality, Team
from app.reports import figures
from app.reports.figures import ReportScope

Rows = list[list[str | int | float | None]]
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_VALUE = ""  # the value column of persons without a value


# --- writers ------------------------------------------------------------------------------------
def _plain(row: list) -> list:
    """Cells as plain values: labels may be lazy translations, which openpyxl cannot store."""
    return [v if v is None or isinstance(v, (str, int, float, date)) else str(v) for v in row]


def to_csv(rows: Rows) -> str:
    """Semicolon-separated with a BOM, as German spreadsheet programs expect."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(_plain(row) for row in rows)
    return "\ufeff" + buffer.getvalue()


def to_xlsx(sheets: list[tuple[str, Rows]]) -> bytes:
    """Write-only workbook (streams rows: a 100,000-row file needs a fraction of the time)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, rows in sheets:
        ws = workbook.create_sheet(title[:31])
        for column, width in zip("ABCDEFGH", (30, 40, 14, 14, 14, 14, 14, 14), strict=False):
            ws.column_dimensions[column].width = width
        for number, row in enumerate(rows):
            row = _plain(row)
            if number == 0:
                header = []
                for value in row:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.font = bold
                    header.append(cell)
                ws.append(header)
            else:
                ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the dashboard ------------------------------------------------------------------------------
def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def dashboard_rows(data: figures.Dashboard, scope_label: str) -> Rows:
    """Every dashboard figure as (section, item, value) rows; shares as fractions."""
    s = data.scope
    rows: Rows = [
        [_("Abschnitt"), _("Merkmal"), _("Wert")],
        [_("Zeitraum"), _("von"), s.start.isoformat()],
        [_("Zeitraum"), _("bis"), s.end.isoformat()],
        [_("Bereich"), scope_label, None],
        [_("In Kontakt"), _("Personen"), data.reach.persons],
        [_("In Kontakt"), _("davon Einzelpersonen"), data.reach.single_persons],
        [_("In Kontakt"), _("Anteil Einzelpersonen"), _ratio(data.reach.single_share)],
        [_("In Kontakt"), _("Haushalte"), data.reach.households],
        [_("In Kontakt"), _("davon Einpersonenhaushalte"), data.reach.single_households],
        [_("Kontakte nach Art"), _("Kontakte insgesamt"), data.settings.total],
    ]
    for code, count in data.settings.counts:
        rows.append([_("Kontakte nach Art"), contact_choices.SETTINGS.get(code, code), count])
    rows.append(
        [_("Kontakte nach Art"), _("Anteil Hausbesuche"), _ratio(data.settings.share("home_visit"))]
    )
    rows += [[_("Themen"), t.label, t.count] for t in data.topics]
    per = data.per_household
    rows += [
        [_("Kontakte je Haushalt"), _("Familienhaushalte in Kontakt"), per.family_households],
        [_("Kontakte je Haushalt"), _("Kontakte mit Familien"), per.family_contacts],
        [_("Kontakte je Haushalt"), _("Einpersonenhaushalte in Kontakt"), per.single_households],
        [_("Kontakte je Haushalt"), _("Kontakte mit Einzelpersonen"), per.single_contacts],
        [_("Kontakte je Haushalt"), _("je Familienhaushalt"), _ratio(per.per_family)],
        [_("Kontakte je Haushalt"), _("je Einpersonenhaushalt"), _ratio(per.per_single)],
        [_("Kontakte je Haushalt"), _("Verhältnis Familie / Einzelperson"), _ratio(per.ratio)],
        [_("Abdeckung"), _("Berechtigte Personen am Ende des Zeitraums"), data.coverage.eligible],
        [_("Abdeckung"), _("Personen in Kontakt"), data.coverage.in_contact],
        [_("Abdeckung"), _("Berechtigte in Kontakt"), data.coverage.eligible_in_contact],
        [_("Abdeckung"), _("Anteil Berechtigte in Kontakt"), _ratio(data.coverage.rate)],
    ]
    rows += [[_("Neu berechtigt"), m.month.strftime("%Y-%m"), m.count] for m in data.new_eligible]
    rows += [
        [_("Aufgaben"), _("offen am %(day)s", day=f"{data.on:%d.%m.%Y}"), data.tasks.open],
        [_("Aufgaben"), _("davon überfällig"), data.tasks.overdue],
    ]
    for team in data.caseload:
        rows += [
            [_("Fallzahl je VZÄ: %(team)s", team=team.team), _("Berechtigte"), team.eligible],
            [_("Fallzahl je VZÄ: %(team)s", team=team.team), _("VZÄ"), float(team.fte)],
            [
                _("Fallzahl je VZÄ: %(team)s", team=team.team),
                _("Berechtigte je VZÄ"),
                _ratio(team.per_fte),
            ],
        ]
    use = data.office_hours
    rows += [
        [_("Sprechstunde"), _("Anmeldungen"), use.checkins],
        [_("Sprechstunde"), _("aufgerufen"), use.seen],
        [_("Sprechstunde"), _("ohne Gespräch gegangen"), use.left],
        [_("Sprechstunde"), _("Wartezeit Durchschnitt (Minuten)"), _ratio(use.average_wait)],
        [_("Sprechstunde"), _("Wartezeit Median (Minuten)"), _ratio(use.median_wait)],
    ]
    return rows


# --- indicator distribution on a reporting date ------------------------------------------------
@dataclass(frozen=True)
class PersonFacts:
    id: int
    household_id: int
    sex: str
    age_group: str
    team: str
    municipality: str


def _persons_on(scope: ReportScope, on: date) -> Select:
    """Persons of the scope's households that were not closed on `on`."""
    return figures.scoped(
        select(
            Person.id,
            Person.household_id,
            Person.sex,
            Person.birth_year,
            Person.birth_month,
            Person.birth_day,
            Team.name.label("team"),
            Municipality.name.label("municipality"),
        )
        .join(Household, Household.id == Person.household_id)
        .join(Team, Team.id == Household.team_id)
        .join(Municipality, Municipality.id == Household.municipality_id)
        .where(or_(Household.closed_on.is_(None), Household.closed_on > on)),
        scope,
    ).order_by(Person.id)


def _person_facts(scope: ReportScope, on: date) -> list[PersonFacts]:
    return [
        PersonFacts(r[0], r[1], r[2], age_band(r, on), r[6], r[7])
        for r in db.session.execute(_persons_on(scope, on))
    ]


def exportable_indicators() -> list[Indicator]:
    """Indicators that may leave the system in statistics: never restricted ones (health,
    disability) and never free text."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.restricted.is_(False), Indicator.type != "text")
            .options(selectinload(Indicator.options))
            .order_by(Indicator.group, Indicator.position, Indicator.id)
        )
    )


def _values_on(
    scope: ReportScope, on: date, indicators: list[Indicator]
) -> dict[tuple[int, int | None, int], IndicatorValue]:
    """as_of for every subject of the scope: (household_id, person_id, indicator_id) -> row."""
    ids = [i.id for i in indicators]
    households = figures.scoped(
        select(Household.id).where(or_(Household.closed_on.is_(None), Household.closed_on > on)),
        scope,
    )
    rows = db.session.execute(
        select(
            IndicatorValue.id,
            IndicatorValue.household_id,
            IndicatorValue.person_id,
            IndicatorValue.indicator_id,
            IndicatorValue.value,
            IndicatorValue.valid_from,
            IndicatorValue.recorded_at,
            IndicatorValue.kind,
            IndicatorValue.corrects_id,
        ).where(IndicatorValue.indicator_id.in_(ids), IndicatorValue.household_id.in_(households))
    ).all()
    return latest_per_subject(rows, on)


def _value_items(indicator: Indicator, stored: str) -> list[str]:
    """The codes a stored value stands for (a multi value counts once per chosen option;
    a date counts by its year)."""
    if indicator.type == "multi":
        try:
            return [str(v) for v in json.loads(stored)] or [NO_VALUE]
        except ValueError:
            return [stored]
    if indicator.type == "date":
        return [stored[:4]]
    return [stored]


def _value_label(indicator: Indicator, code: str) -> str:
    if code == NO_VALUE:
        return _("(kein Wert)")
    if indicator.type in ("choice", "multi"):
        return next((o.label_de for o in indicator.options if o.code == code), code)
    if indicator.type == "bool":
        return {"true": "ja", "false": "nein"}.get(code, code)
    return code


BREAKDOWNS = (
    (_l("Insgesamt"),),
    (_l("Geschlecht"),),
    (_l("Altersgruppe"),),
    (_l("Team"),),
    (_l("Gemeinde"),),
)


def distribution_rows(scope: ReportScope, on: date) -> Rows:
    """How many persons had each value of every exportable indicator on `on`, in total and
    by sex, age group, team and municipality. A household indicator counts for each member;
    persons without a value count as "(kein Wert)"."""
    indicators = exportable_indicators()
    by_id = {i.id: i for i in indicators}
    persons = _person_facts(scope, on)
    # Persons with the same sex, age group, team and municipality count together: the work
    # grows with the number of recorded values, not with persons x indicators.
    group_of = {p.id: (p.sex, p.age_group, p.team, p.municipality) for p in persons}
    members: dict[int, list[tuple]] = defaultdict(list)
    for p in persons:
        members[p.household_id].append(group_of[p.id])
    group_sizes = Counter(group_of.values())
    counts: Counter[tuple] = Counter()
    with_value: Counter[tuple] = Counter()
    for (household_id, person_id, indicator_id), current in _values_on(
        scope, on, indicators
    ).items():
        indicator = by_id[indicator_id]
        if indicator.applies_to == "household":
            groups = members.get(household_id, []) if person_id is None else []
        else:
            groups = [group_of[person_id]] if person_id in group_of else []
        items = _value_items(indicator, current.value)
        for group in groups:
            with_value[(indicator_id, group)] += 1
            for item in items:
                counts[(indicator_id, item, group)] += 1
    for indicator in indicators:
        for group, size in group_sizes.items():
            missing = size - with_value[(indicator.id, group)]
            if missing:
                counts[(indicator.id, NO_VALUE, group)] += missing
    everybody = _("alle")
    totals: Counter[tuple[int, str, int, str]] = Counter()
    for (indicator_id, item, (sex, age_group, team, municipality)), n in counts.items():
        for index, value in enumerate(
            (everybody, SEX.get(sex, sex), age_group, team, municipality)
        ):
            totals[(indicator_id, item, index, value)] += n
    rows: Rows = [
        [
            _("Stichtag"),
            _("Kennzahl"),
            _("Bezeichnung"),
            _("Wert"),
            _("Wert (Text)"),
            _("Merkmal"),
            _("Ausprägung"),
            _("Personen"),
        ]
    ]
    by_indicator: dict[int, list[tuple[int, str, int, str]]] = defaultdict(list)
    for key in totals:  # once, not once per indicator (49 x every key at state scale)
        by_indicator[key[0]].append(key)
    for indicator in indicators:
        mine = sorted(
            by_indicator[indicator.id], key=lambda k: (k[2], k[3], k[1] == NO_VALUE, k[1])
        )
        for _indicator_id, item, index, group in mine:
            rows.append(
                [
                    on.isoformat(),
                    indicator.key,
                    indicator.label_de,
                    item,
                    _value_label(indicator, item),
                    str(BREAKDOWNS[index][0]),
                    group,
                    totals[(indicator.id, item, index, group)],
                ]
            )
    return rows


# --- pseudonymised person-level export ---------------------------------------------------------
def pseudonym_key() -> bytes:
    """PSEUDONYM_KEY from the configuration, else a key derived from SECRET_KEY (so the IDs
    stay the same between exports but cannot be computed without the secret)."""
    configured = current_app.config.get("PSEUDONYM_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"wegbegleiter-pseudonym-v1", hashlib.sha256).digest()


def pseudonym(kind: str, record_id: int, key: bytes | None = None) -> str:
    digest = hmac.new(key or pseudonym_key(), f"{kind}:{record_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def pseudonymised_rows(scope: ReportScope) -> Rows:
    """One row per person of the scope whose case was not closed by the period's end: no
    names, no free text, no restricted indicators, no exact dates; birth year only."""
    on = scope.end
    key = pseudonym_key()
    indicators = exportable_indicators()
    sizes = figures.household_sizes().subquery()
    eligible = case((eligibility_clause(Person, Household, on), 1), else_=0)
    persons = db.session.execute(
        figures.scoped(
            select(
                Person.id,
                Person.household_id,
                Person.birth_year,
                Person.birth_month,
                Person.birth_day,
                Person.sex,
                Person.country_of_origin,
                Person.residence_status,
                Person.entry_date,
                Household.accommodation,
                Team.name.label("team"),
                Municipality.name.label("municipality"),
                sizes.c.n,
                eligible,
            )
            .join(Household, Household.id == Person.household_id)
            .join(Team, Team.id == Household.team_id)
            .join(Municipality, Municipality.id == Household.municipality_id)
            .join(sizes, sizes.c.household_id == Person.household_id)
            .where(or_(Household.closed_on.is_(None), Household.closed_on > on)),
            scope,
        ).order_by(Person.id)
    ).all()
    contacts = dict(
        db.session.execute(
            figures.contacts_in_period(scope, contact_participant.c.person_id, func.count())
            .join(contact_participant, contact_participant.c.contact_id == Contact.id)
            .group_by(contact_participant.c.person_id)
        ).all()
    )
    values = _values_on(scope, on, indicators)
    header: list = [
        "person_id",
        "haushalt_id",
        "geburtsjahr",
        "altersgruppe",
        "geschlecht",
        "herkunftsland",
        "aufenthaltsstatus",
        "einreisejahr",
        "unterbringung",
        "haushaltsgroesse",
        "team",
        "gemeinde",
        "berechtigt",
        "kontakte_im_zeitraum",
    ] + [i.key for i in indicators]
    rows: Rows = [header]
    for p in persons:
        row: list = [
            pseudonym("person", p[0], key),
            pseudonym("household", p[1], key),
            p[2],
            age_band(p, on),
            SEX.get(p[5], p[5]),
            p[6],
            RESIDENCE_STATUS.get(p[7], p[7]),
            p[8].year if p[8] else None,
            ACCOMMODATION.get(p[9], p[9]),
            p[12],
            p[10],
            p[11],
            "ja" if p[13] else "nein",
            contacts.get(p[0], 0),
        ]
        for indicator in indicators:
            subject = None if indicator.applies_to == "household" else p[0]
            current = values.get((p[1], subject, indicator.id))
            row.append(
                ",".join(_value_items(indicator, current.value)) if current is not None else None
            )
        rows.append(row)
    return rows
