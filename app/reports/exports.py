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
from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from app.contacts import choices as contact_choices
from app.contacts.models import Contact, contact_participant
from app.extensions import db
from app.households.choices import ACCOMMODATION, RESIDENCE_STATUS, SEX
from app.households.models import Household, Person
from app.households.rules import eligibility_clause
from app.indicators.countsheet import AGE_BANDS, UNKNOWN_AGE, age_band
from app.indicators.models import Indicator, IndicatorValue, indicator_hidden
from app.indicators.services import latest_per_subject
from app.organisations import ownership
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
    rows += [[_("Themen"), contact_choices.topic_label(t.label), t.count] for t in data.topics]
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


def exportable_indicators(organisation_id: int | None = None) -> list[Indicator]:
    """Indicators that may leave the system in statistics: never restricted ones (health,
    disability) and never free text; of an organisation's catalogue when one is given (the
    defaults it did not hide and its own)."""
    from sqlalchemy.orm import selectinload

    stmt = select(Indicator).where(Indicator.restricted.is_(False), Indicator.type != "text")
    if organisation_id is not None:
        stmt = stmt.where(
            ownership.visible_to(Indicator.organisation_id, organisation_id),
            Indicator.id.not_in(
                ownership.hidden_ids(indicator_hidden, "indicator_id", organisation_id)
            ),
        )
    return list(
        db.session.scalars(
            stmt.options(selectinload(Indicator.options)).order_by(
                Indicator.group, Indicator.position, Indicator.id
            )
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


def current_values(scope: ReportScope, on: date, indicator_ids: list[int]) -> Select:
    """(household_id, person_id, indicator_id, value): the value that holds on `on` for every
    subject of the scope's open households — `indicators.services.as_of` in SQL: corrected
    rows never held; of the rest, the latest valid_from not after `on`, then the latest
    recorded, then the highest id. tests/test_report_distribution.py proves they agree."""
    households = figures.scoped(
        select(Household.id).where(or_(Household.closed_on.is_(None), Household.closed_on > on)),
        scope,
    )
    correction = aliased(IndicatorValue)
    corrected = exists().where(
        correction.corrects_id == IndicatorValue.id,
        correction.kind == "correction",
        correction.household_id == IndicatorValue.household_id,
        correction.indicator_id == IndicatorValue.indicator_id,
        correction.person_id.is_not_distinct_from(IndicatorValue.person_id),
    )
    rank = (
        func.row_number()
        .over(
            partition_by=(
                IndicatorValue.household_id,
                IndicatorValue.person_id,
                IndicatorValue.indicator_id,
            ),
            order_by=(
                IndicatorValue.valid_from.desc(),
                IndicatorValue.recorded_at.desc(),
                IndicatorValue.id.desc(),
            ),
        )
        .label("rank")
    )
    ranked = (
        select(
            IndicatorValue.household_id,
            IndicatorValue.person_id,
            IndicatorValue.indicator_id,
            IndicatorValue.value,
            rank,
        )
        .where(
            IndicatorValue.indicator_id.in_(indicator_ids),
            IndicatorValue.household_id.in_(households),
            IndicatorValue.valid_from <= on,
            ~corrected,
        )
        .subquery()
    )
    return select(
        ranked.c.household_id, ranked.c.person_id, ranked.c.indicator_id, ranked.c.value
    ).where(ranked.c.rank == 1)


def _age_band_sql(on: date):
    """countsheet.age_band in SQL (a missing month counts as July, a missing day as the 1st)."""
    month = func.coalesce(Person.birth_month, 7)
    day = func.coalesce(Person.birth_day, 1)
    before_birthday = case(
        (or_(month > on.month, and_(month == on.month, day > on.day)), 1), else_=0
    )
    age = on.year - Person.birth_year - before_birthday
    return case(
        (Person.birth_year.is_(None), UNKNOWN_AGE),
        *((age.between(low, high), label) for low, high, label in AGE_BANDS),
        else_=UNKNOWN_AGE,
    )


def distribution_rows(scope: ReportScope, on: date) -> Rows:
    """How many persons had each value of every exportable indicator on `on`, in total and
    by sex, age group, team and municipality. A household indicator counts for each member;
    persons without a value count as "(kein Wert)".

    Counted by the database, one GROUP BY per breakdown (at state scale 5 million values:
    counting them in Python took a minute, docs/scale.md)."""
    indicators = exportable_indicators(scope.organisation_id)
    by_id = {i.id: i for i in indicators}
    persons = _persons_on(scope, on).order_by(None).subquery()
    facts = (
        select(
            persons.c.id.label("person_id"),
            persons.c.household_id,
            persons.c.sex,
            persons.c.team,
            persons.c.municipality,
            _age_band_sql(on).label("age_group"),
        )
        .select_from(persons)
        .join(Person, Person.id == persons.c.id)
        .cte("facts")  # 100,000 rows at state scale, hashed once rather than looked up per value
    )
    current = current_values(scope, on, list(by_id)).subquery()
    household_ids = [i.id for i in indicators if i.applies_to == "household"]
    facts_columns = (facts.c.sex, facts.c.age_group, facts.c.team, facts.c.municipality)
    # a person indicator counts for its person, a household indicator for every member
    counted_for = union_all(
        select(current.c.indicator_id, current.c.value, *facts_columns)
        .join(facts, facts.c.person_id == current.c.person_id)
        .where(current.c.indicator_id.not_in(household_ids)),
        select(current.c.indicator_id, current.c.value, *facts_columns)
        .join(facts, facts.c.household_id == current.c.household_id)
        .where(current.c.indicator_id.in_(household_ids), current.c.person_id.is_(None)),
    ).cte("counted_for")  # computed once for the five breakdowns
    c = counted_for.c
    breakdowns = (literal("*"), c.sex, c.age_group, c.team, c.municipality)
    counted = union_all(
        *(
            select(
                literal(index).label("breakdown"),
                c.indicator_id,
                c.value,
                group.label("grp"),
                func.count().label("n"),
            ).group_by(c.indicator_id, c.value, *([group] if index else []))
            for index, group in enumerate(breakdowns)
        )
    )
    f = facts.c
    group_of_person = (literal("*"), f.sex, f.age_group, f.team, f.municipality)
    sized = union_all(
        *(
            select(literal(index).label("breakdown"), group.label("grp"), func.count().label("n"))
            .select_from(facts)
            .group_by(*([group] if index else []))  # no GROUP BY a constant for "all"
            for index, group in enumerate(group_of_person)
        )
    )
    everybody = _("alle")

    sexes = {code: str(label) for code, label in SEX.items()}  # not a lazy string per row

    def shown(index: int, group):
        if index == 0:
            return everybody
        return sexes.get(group, group) if index == 1 else group

    totals: Counter[tuple[int, str, int, str]] = Counter()
    with_value: Counter[tuple[int, int, str]] = Counter()
    for index, indicator_id, value, group, n in db.session.execute(counted):
        label = shown(index, group)
        with_value[(indicator_id, index, label)] += n
        for item in _value_items(by_id[indicator_id], value):
            totals[(indicator_id, item, index, label)] += n
    for index, group, size in db.session.execute(sized).all():
        label = shown(index, group)
        for indicator in indicators:
            missing = size - with_value[(indicator.id, index, label)]
            if missing:
                totals[(indicator.id, NO_VALUE, index, label)] += missing
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
    # translated once: 200,000 rows at state scale, and a lookup per row took seconds
    breakdown_labels = [str(b[0]) for b in BREAKDOWNS]
    for indicator in indicators:
        mine = sorted(
            by_indicator[indicator.id], key=lambda k: (k[2], k[3], k[1] == NO_VALUE, k[1])
        )
        value_labels = {item: _value_label(indicator, item) for _i, item, _x, _g in mine}
        for _indicator_id, item, index, group in mine:
            rows.append(
                [
                    on.isoformat(),
                    indicator.key,
                    indicator.label_de,
                    item,
                    value_labels[item],
                    breakdown_labels[index],
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
    indicators = exportable_indicators(scope.organisation_id)
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
