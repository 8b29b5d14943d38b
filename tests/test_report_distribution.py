"""The indicator distribution export counts in SQL (app/reports/exports.py distribution_rows,
current_values): it must give exactly what applying the as-of rule of
app/indicators/services.py to every subject in Python gives — on a random history of values,
corrections, backdated and future entries, household and person indicators of every type."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.households.choices import SEX
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.reports import exports, figures


def reference_rows(scope: figures.ReportScope, on: date) -> list[list]:
    """The distribution counted in Python with the as-of rule (the implementation before the
    export moved to SQL), as (indicator key, value, breakdown, group, persons) rows."""
    indicators = exports.exportable_indicators()
    by_id = {i.id: i for i in indicators}
    persons = exports._person_facts(scope, on)
    group_of = {p.id: (p.sex, p.age_group, p.team, p.municipality) for p in persons}
    members: dict[int, list[tuple]] = defaultdict(list)
    for p in persons:
        members[p.household_id].append(group_of[p.id])
    group_sizes = Counter(group_of.values())
    counts: Counter[tuple] = Counter()
    with_value: Counter[tuple] = Counter()
    for (household_id, person_id, indicator_id), current in exports._values_on(
        scope, on, indicators
    ).items():
        indicator = by_id[indicator_id]
        if indicator.applies_to == "household":
            groups = members.get(household_id, []) if person_id is None else []
        else:
            groups = [group_of[person_id]] if person_id in group_of else []
        for group in groups:
            with_value[(indicator_id, group)] += 1
            for item in exports._value_items(indicator, current.value):
                counts[(indicator_id, item, group)] += 1
    for indicator in indicators:
        for group, size in group_sizes.items():
            missing = size - with_value[(indicator.id, group)]
            if missing:
                counts[(indicator.id, exports.NO_VALUE, group)] += missing
    totals: Counter[tuple] = Counter()
    for (indicator_id, item, (sex, age_group, team, municipality)), n in counts.items():
        for index, value in enumerate(("alle", SEX.get(sex, sex), age_group, team, municipality)):
            totals[(indicator_id, item, index, value)] += n
    return sorted(
        (by_id[i].key, item, index, value, n) for (i, item, index, value), n in totals.items()
    )


def sql_rows(scope: figures.ReportScope, on: date) -> list[list]:
    breakdowns = [str(b[0]) for b in exports.BREAKDOWNS]
    header, *rows = exports.distribution_rows(scope, on)
    assert header[0] == "Stichtag"
    return sorted((r[1], r[3], breakdowns.index(r[5]), r[6], r[7]) for r in rows)


def random_value(indicator: Indicator, rng: random.Random) -> str:
    codes = [o.code for o in indicator.active_options]
    if indicator.type == "choice":
        return rng.choice(codes)
    if indicator.type == "multi":
        return json.dumps(sorted(rng.sample(codes, rng.randint(1, min(3, len(codes))))))
    if indicator.type == "date":
        return (date(2015, 1, 1) + timedelta(days=rng.randint(0, 4000))).isoformat()
    if indicator.type == "bool":
        return rng.choice(["true", "false"])
    return str(rng.randint(0, 12))


@pytest.fixture
def values(county, make):
    rng = random.Random(47)
    seed_catalogue()
    households = [county.household_a, county.household_b]
    for i in range(6):
        household = make.household(rng.choice([county.town_a, county.town_b]), f"Verteilung{i}")
        households.append(household)
    for household in households:
        for j in range(rng.randint(1, 4)):
            make.person(
                household,
                f"Person{j}",
                sex=rng.choice(["f", "m", "d", "u"]),
                birth_year=rng.choice([None, 1950, 1980, 1999, 2008, 2015, 2024]),
                birth_month=rng.choice([None, 1, 6, 12]),
                birth_day=rng.choice([None, 1, 15, 31]),
            )
    db.session.commit()
    indicators = exports.exportable_indicators()
    rows = []
    for _ in range(700):
        indicator = rng.choice(indicators)
        household = rng.choice(households)
        if not household.members:
            continue
        person = None if indicator.applies_to == "household" else rng.choice(household.members)
        rows.append(
            IndicatorValue(
                indicator_id=indicator.id,
                household_id=household.id,
                person_id=person.id if person else None,
                value=random_value(indicator, rng),
                # few dates, so that entries of one subject often share valid_from
                valid_from=date(2024, 1, 1) + timedelta(days=90 * rng.randint(0, 8)),
                recorded_at=datetime(2024, 1, 1) + timedelta(minutes=rng.randint(0, 99999)),
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    for wrong in rng.sample(rows, 60):  # corrections, some of them corrected again
        correction = IndicatorValue(
            indicator_id=wrong.indicator_id,
            household_id=wrong.household_id,
            person_id=wrong.person_id,
            value=random_value(db.session.get(Indicator, wrong.indicator_id), rng),
            # a correction may also fix the date
            valid_from=wrong.valid_from + timedelta(days=rng.choice([0, 0, -120, 120])),
            recorded_at=wrong.recorded_at + timedelta(days=1),
            kind="correction",
            corrects_id=wrong.id,
        )
        db.session.add(correction)
        db.session.flush()
        rows.append(correction)
    # a person moves out, a household closes before the later reporting dates
    moving = households[2].members[0]
    moving.household = households[3]
    households[4].closed_on = date(2025, 6, 30)
    db.session.commit()
    return county


@pytest.mark.parametrize("on", [date(2024, 6, 30), date(2025, 6, 30), date(2025, 12, 31)])
def test_the_sql_distribution_equals_the_as_of_rule_in_python(values, on):
    county = values
    assert db.session.scalar(select(db.func.count()).select_from(IndicatorValue)) > 700
    for extra in ({}, {"team_id": county.team_a.id}, {"municipality_id": county.town_b.id}):
        scope = figures.ReportScope(
            organisation_id=county.county.id, start=date(on.year, 1, 1), end=on, **extra
        )
        expected = reference_rows(scope, on)
        assert expected  # not vacuous
        assert sql_rows(scope, on) == expected, extra
