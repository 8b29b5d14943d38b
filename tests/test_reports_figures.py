"""Report figures on a hand-built data set with known answers (tests/reports_world.py)."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from app.reports import figures
from tests.contacts_helpers import StatementCounter
from tests.reports_world import TASK_DAY, build


@pytest.fixture
def world(county, make):
    return build(county, make)


def test_reach_counts_persons_households_and_singles(world):
    team = figures.reach(world.team_a())
    assert (team.persons, team.single_persons) == (9, 3)
    assert (team.households, team.single_households) == (5, 3)
    assert team.single_share == pytest.approx(1 / 3)
    organisation = figures.reach(world.scope())
    assert (organisation.persons, organisation.single_persons) == (10, 4)
    assert (organisation.households, organisation.single_households) == (6, 4)


def test_contacts_by_setting_share_of_home_visits(world):
    settings = figures.contacts_by_setting(world.team_a())
    assert settings.total == 12
    assert settings.get("home_visit") == 4
    assert settings.share("home_visit") == pytest.approx(4 / 12)
    assert (settings.get("office"), settings.get("phone"), settings.get("video")) == (5, 3, 0)
    organisation = figures.contacts_by_setting(world.scope())
    assert (organisation.total, organisation.get("home_visit")) == (14, 5)


def test_period_uses_local_midnight(world):
    """The phone call at 00:30 Berlin on 1 January 2025 counts in 2025; the home visit at
    00:30 Berlin on 1 January 2026 does not."""
    january = figures.contacts_by_setting(world.team_a(end=date(2025, 1, 31)))
    assert (january.total, january.get("phone")) == (1, 1)
    new_year = figures.contacts_by_setting(
        world.team_a(start=date(2026, 1, 1), end=date(2026, 1, 1))
    )
    assert (new_year.total, new_year.get("home_visit")) == (1, 1)


def test_topics_ranked_by_frequency(world):
    ranked = figures.contacts_by_topic(world.team_a())
    assert [(t.key, t.count) for t in ranked[:3]] == [
        ("housing", 7),
        ("language", 3),
        ("health", 2),
    ]
    assert all(t.count == 0 for t in ranked[3:])
    assert len(ranked) == 10  # every active topic of the catalogue


def test_contacts_per_family_and_single_household(world):
    per = figures.contacts_per_household(world.team_a())
    assert (per.family_households, per.family_contacts) == (2, 9)
    assert (per.single_households, per.single_contacts) == (3, 3)
    assert per.per_family == pytest.approx(4.5)
    assert per.per_single == pytest.approx(1.0)
    assert per.ratio == pytest.approx(4.5)


def test_coverage_and_eligible_persons(world):
    cover = figures.coverage(world.team_a())
    assert (cover.eligible, cover.in_contact, cover.eligible_in_contact) == (11, 9, 9)
    assert cover.rate == pytest.approx(9 / 11)
    assert figures.eligible_persons(world.team_a()) == 11
    # A case closed before the period's end is no longer counted.
    world.families[1].status, world.families[1].closed_on = "closed", date(2025, 12, 1)
    from app.extensions import db

    db.session.commit()
    assert figures.eligible_persons(world.team_a()) == 8


def test_new_eligible_per_month(world):
    months = figures.new_eligible_per_month(world.team_a())
    assert len(months) == 12
    assert {m.month.month: m.count for m in months if m.count} == {2: 1, 3: 3, 7: 1}
    first_half = figures.new_eligible_per_month(world.team_a(end=date(2025, 6, 30)))
    assert [m.count for m in first_half] == [0, 1, 3, 0, 0, 0]


def test_open_and_overdue_tasks(world):
    assert figures.tasks(world.team_a(), TASK_DAY) == figures.TaskCounts(open=3, overdue=1)
    assert figures.tasks(world.scope(), TASK_DAY) == figures.TaskCounts(open=4, overdue=2)
    assert figures.tasks(world.scope(team_id=world.county.team_b.id), TASK_DAY).overdue == 1


def test_caseload_per_fte_by_team(world):
    rows = {r.team: r for r in figures.caseload_per_fte(world.scope())}
    assert set(rows) == {"Team Nord", "Team Süd"}
    assert (rows["Team Nord"].eligible, rows["Team Nord"].fte) == (11, Decimal("3.00"))
    assert rows["Team Nord"].per_fte == pytest.approx(11 / 3)
    assert rows["Team Süd"].per_fte == pytest.approx(1.0)
    only_a = figures.caseload_per_fte(world.team_a())
    assert [r.team for r in only_a] == ["Team Nord"]


def test_office_hour_use(world):
    use = figures.office_hours(world.team_a())
    assert (use.checkins, use.seen, use.left) == (3, 2, 1)
    assert use.wait_counts == ((10, 1), (30, 1))
    assert use.average_wait == pytest.approx(20)
    assert use.median_wait == pytest.approx(20)
    organisation = figures.office_hours(world.scope())
    assert organisation.checkins == 4
    assert organisation.median_wait == pytest.approx(30)


def test_municipality_filter_narrows_every_figure(world):
    south = world.scope(municipality_id=world.county.town_b.id)
    assert figures.reach(south).persons == 1
    assert figures.contacts_by_setting(south).total == 2
    assert figures.office_hours(south).checkins == 1
    assert figures.eligible_persons(south) == 1


def test_other_organisation_never_counts(world):
    town = world.scope(organisation_id=world.county.town.id)
    assert figures.contacts_by_setting(town).total == 1
    assert figures.reach(town).persons == 1
    assert figures.tasks(town, TASK_DAY).open == 0


def test_empty_scope_gives_zeros_and_no_division_by_zero(world):
    empty = world.team_a(start=date(2019, 1, 1), end=date(2019, 1, 31))
    data = figures.dashboard(empty, TASK_DAY)
    assert data.reach.persons == 0 and data.reach.single_share is None
    assert data.per_household.ratio is None
    assert data.office_hours.median_wait is None
    assert data.settings.share("home_visit") is None


def test_dashboard_statements_do_not_grow_with_data(county, make):
    from app.extensions import db

    small = build(county, make)
    with StatementCounter(db.engine) as counter:
        figures.dashboard(small.team_a(), TASK_DAY)
    few = counter.count
    from tests.reports_world import _more

    for copy in range(6):
        _more(county, make, copy)
    with StatementCounter(db.engine) as counter:
        bigger = figures.dashboard(small.team_a(), TASK_DAY)
    assert bigger.reach.persons == 9 + 6 * 5
    assert counter.count == few


def test_wait_average_and_median_from_the_minute_histogram():
    rng = random.Random(7)
    for _ in range(50):
        waits = sorted(rng.randint(0, 90) for _ in range(rng.randint(1, 12)))
        histogram = tuple(sorted(Counter(waits).items()))
        use = figures.OfficeHourUse(len(waits), len(waits), 0, histogram)
        assert use.median_wait == pytest.approx(statistics.median(waits))
        assert use.average_wait == pytest.approx(statistics.fmean(waits))
    nobody = figures.OfficeHourUse(0, 0, 0, ())
    assert (nobody.median_wait, nobody.average_wait) == (None, None)
