"""Indicator values, the sheet, one-tap confirmation, restricted fields and the worklist."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from app.audit.models import AuditEvent
from app.extensions import db
from app.households.models import Household
from app.indicators import services
from app.indicators.catalogue import CATALOGUE, GROUPS, seed_catalogue
from app.indicators.models import Indicator, IndicatorOption, IndicatorReview, IndicatorValue
from app.plans.models import CounsellingExtension
from app.timeutil import today, utcnow
from tests.conftest import count_rows


@pytest.fixture
def cat(county):
    seed_catalogue()
    db.session.commit()
    return {i.key: i for i in db.session.scalars(select(Indicator))}


def test_default_catalogue_covers_the_groups_and_seeds_once(county):
    assert 45 <= len(CATALOGUE) <= 50
    assert {s.group for s in CATALOGUE} == set(GROUPS)
    assert seed_catalogue() == len(CATALOGUE)
    assert seed_catalogue() == 0
    keys = {s.key for s in CATALOGUE}
    for key in (
        "residence_status",
        "permit_valid_until",
        "duldung_reason",
        "benefit_sgb2",
        "german_level",
        "integration_course",
        "interpreter_need",
        "childcare_place",
        "school_type",
        "employment_status",
        "working_hours",
        "housing_kind",
        "overcrowding",
        "health_insurance",
        "disability",
        "marital_status",
        "family_reunification",
        "club_activity",
        "volunteer_contact",
    ):
        assert key in keys
    restricted = {s.key for s in CATALOGUE if s.restricted}
    assert {"health_insurance", "special_needs", "disability"} <= restricted
    assert all(s.group == "health" for s in CATALOGUE if s.restricted)


def test_normalise_per_type(cat):
    person_born = date(1990, 1, 1)
    assert services.normalise(cat["german_level"], "B1") == "B1"
    assert services.normalise(cat["special_needs"], ["trauma", "chronic", "trauma"]) == (
        '["chronic", "trauma"]'
    )
    assert services.normalise(cat["working_hours"], " 19,50 ") == "19.5"
    assert services.normalise(cat["permit_valid_until"], "31.12.2026", person_born) == (
        "2026-12-31"
    )
    assert services.normalise(cat["flat_search"], "true") == "true"
    assert services.normalise(cat["job_sector"], "  Pflege ") == "Pflege"
    assert services.display(cat["working_hours"], "19.5") == "19,5"
    assert services.display(cat["german_level_basis"], "estimated") == "Eingeschätzt"


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("working_hours", "61", "Bitte eine Zahl von 0 bis 60 angeben."),
        ("working_hours", "-1", "Bitte eine Zahl von 0 bis 60 angeben."),
        ("working_hours", "viel", "Bitte eine Zahl angeben."),
        ("german_level", "D7", "Bitte einen Wert aus der Liste wählen."),
        ("special_needs", ["trauma", "xyz"], "Bitte nur Werte aus der Liste wählen."),
        ("flat_search", "vielleicht", "Bitte „ja“ oder „nein“ wählen."),
        ("permit_valid_until", "1985-03-01", "Das Datum liegt vor der Geburt der Person."),
        ("permit_valid_until", "31.02.2026", "Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."),
        ("german_level", "", "Bitte einen Wert angeben."),
    ],
)
def test_bad_values_are_refused_with_a_german_message_and_nothing_is_stored(
    cat, county, key, raw, message
):
    user = county.users["manager"]
    with pytest.raises(services.InvalidValue, match=re.escape(message)):
        services.record_value(user, county.person_a, cat[key], raw, date(2024, 1, 1))
    db.session.rollback()
    assert count_rows(IndicatorValue) == 0


def test_valid_from_before_birth_and_retired_indicator_are_refused(cat, county):
    user = county.users["manager"]
    with pytest.raises(services.InvalidValue, match="vor der Geburt"):
        services.record_value(user, county.person_a, cat["german_level"], "A1", date(1989, 5, 1))
    cat["german_level"].retired_at = utcnow()
    with pytest.raises(services.InvalidValue, match="stillgelegt"):
        services.record_value(user, county.person_a, cat["german_level"], "A1", date(2024, 5, 1))
    db.session.rollback()
    assert count_rows(IndicatorValue) == 0


def test_retired_option_is_refused_but_history_keeps_its_label(cat, county):
    user = county.users["manager"]
    indicator = cat["integration_course"]
    services.record_value(user, county.person_a, indicator, "waiting", date(2024, 1, 1))
    option = next(o for o in indicator.options if o.code == "waiting")
    option.retired_at = utcnow()
    db.session.commit()
    with pytest.raises(services.InvalidValue):
        services.record_value(user, county.person_a, indicator, "waiting", date(2024, 2, 1))
    rows = services.sheet(user, county.person_a, date(2024, 3, 1))
    row = next(r for g in rows for r in g.rows if r.indicator.key == "integration_course")
    assert row.text == "Wartet auf Platz"


def test_sheet_current_value_since_and_correction(cat, county):
    user = county.users["manager"]
    person = county.person_a
    services.record_value(user, person, cat["german_level"], "A1", date(2023, 1, 1))
    wrong = services.record_value(user, person, cat["german_level"], "C2", date(2024, 1, 1))
    db.session.commit()
    services.record_value(user, person, cat["german_level"], "A2", date(2024, 1, 1), corrects=wrong)
    db.session.commit()
    groups = {g.key: g for g in services.sheet(user, person, date(2024, 6, 1))}
    row = next(r for r in groups["language"].rows if r.indicator.key == "german_level")
    assert (row.text, row.current.valid_from, row.current.kind) == (
        "A2",
        date(2024, 1, 1),
        "correction",
    )
    assert count_rows(IndicatorValue) == 3
    # household indicators appear on every member's sheet, stored once for the household
    services.record_value(user, person, cat["housing_kind"], "follow_up", date(2024, 1, 1))
    value = db.session.scalar(
        select(IndicatorValue).where(IndicatorValue.indicator_id == cat["housing_kind"].id)
    )
    assert value.person_id is None and value.household_id == person.household_id


def test_missing_and_stale_and_review_resets_staleness(cat, county):
    user = county.users["manager"]
    person = county.person_a
    on = today()
    old = services.record_value(user, person, cat["german_level"], "A1", on - timedelta(days=400))
    old.recorded_at = utcnow() - timedelta(days=400)
    db.session.commit()
    groups = {g.key: g for g in services.sheet(user, person, on)}
    rows = {r.indicator.key: r for r in groups["language"].rows}
    assert rows["german_level"].stale and not rows["german_level"].missing
    assert rows["integration_course"].missing
    assert not rows["interpreter_need"].missing  # not required

    services.confirm_group(user, person, "language", on)
    db.session.commit()
    assert count_rows(IndicatorReview) == 1
    assert count_rows(IndicatorValue) == 1  # a review is not a new value
    groups = {g.key: g for g in services.sheet(user, person, on)}
    rows = {r.indicator.key: r for r in groups["language"].rows}
    assert not rows["german_level"].stale
    assert rows["integration_course"].missing  # confirming does not invent values


def test_age_range_decides_which_indicators_apply(cat, county, make):
    child = make.person(county.household_a, "Lina", birth_year=today().year - 3)
    db.session.commit()
    keys = {
        r.indicator.key
        for g in services.sheet(county.users["manager"], child, today())
        for r in g.rows
    }
    assert "childcare_place" in keys and "employment_status" not in keys
    assert "housing_kind" in keys


def test_restricted_indicators_only_for_responsible_manager_and_team_lead(cat, county):
    person = county.person_a
    services.record_value(
        county.users["manager"], person, cat["disability"], "true", date(2024, 1, 1)
    )
    db.session.commit()

    def visible(username):
        groups = services.sheet(county.users[username], person, today())
        db.session.commit()
        return any(g.key == "health" for g in groups)

    assert visible("manager") and visible("lead")
    assert not visible("colleague") and not visible("admin")
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "view_restricted")
    ).all()
    assert len(audited) == 2
    assert all(e.detail == "Kennzahlen Gesundheit" for e in audited)


def test_restricted_indicator_routes_deny_colleague_and_admin(cat, county, login):
    person = county.person_a
    url = f"/persons/{person.id}/indicators/{cat['disability'].id}/edit"
    for username in ("colleague", "admin"):
        b = login(username)
        assert b.get(url).status_code == 404
        body = b.get(f"/persons/{person.id}/indicators").get_data(as_text=True)
        assert "Schwerbehinderung" not in body and "Gesundheit" not in body
        response = b.post(url, {"value": "true", "valid_from": "2024-01-01", "kind_": "change"})
        assert response.status_code == 404
    assert count_rows(IndicatorValue) == 0
    b = login("manager")
    assert "Schwerbehinderung" in b.get(f"/persons/{person.id}/indicators").get_data(as_text=True)


def test_edit_one_value_with_htmx_is_one_request_and_returns_the_row(cat, county, login):
    b = login("manager")
    person = county.person_a
    indicator = cat["german_level"]
    page = b.get(f"/persons/{person.id}/indicators")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert f'hx-get="/persons/{person.id}/indicators/{indicator.id}/edit"' in body
    assert "Alles noch aktuell" in body
    form = b.htmx_get(f"/persons/{person.id}/indicators/{indicator.id}/edit")
    assert "<li" in form.get_data(as_text=True) and "<html" not in form.get_data(as_text=True)
    response = b.client.post(
        f"/persons/{person.id}/indicators/{indicator.id}/edit",
        data={"value": "B1", "valid_from": "2025-03-01", "kind_": "change", "csrf_token": b.csrf},
        headers={"HX-Request": "true"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in text and f'id="ind-{indicator.id}"' in text
    assert "B1" in text and "seit 01.03.2025" in text
    value = db.session.scalar(select(IndicatorValue))
    assert (value.value, value.valid_from, value.recorded_by_id) == (
        "B1",
        date(2025, 3, 1),
        county.users["manager"].id,
    )
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).all()
    assert [e.detail for e in events] == ["Kennzahl german_level"]


def test_edit_without_javascript_is_a_normal_form_page(cat, county, login):
    b = login("manager")
    person = county.person_a
    indicator = cat["working_hours"]
    page = b.get(f"/persons/{person.id}/indicators/{indicator.id}/edit")
    assert "<html" in page.get_data(as_text=True)
    assert 'inputmode="decimal"' in page.get_data(as_text=True)
    bad = b.post(
        f"/persons/{person.id}/indicators/{indicator.id}/edit",
        {"value": "99", "valid_from": "2025-01-01", "kind_": "change"},
    )
    assert bad.status_code == 422
    assert "Bitte eine Zahl von 0 bis 60 angeben." in bad.get_data(as_text=True)
    assert count_rows(IndicatorValue) == 0
    future = b.post(
        f"/persons/{person.id}/indicators/{indicator.id}/edit",
        {"value": "20", "valid_from": (today() + timedelta(days=3)).isoformat(), "kind_": "change"},
    )
    assert "Das Datum darf nicht in der Zukunft liegen." in future.get_data(as_text=True)
    correction = b.post(
        f"/persons/{person.id}/indicators/{indicator.id}/edit",
        {"value": "20", "valid_from": "2025-01-01", "kind_": "correction"},
    )
    assert "Es gibt noch keinen Wert" in correction.get_data(as_text=True)
    assert count_rows(IndicatorValue) == 0
    ok = b.post(
        f"/persons/{person.id}/indicators/{indicator.id}/edit",
        {"value": "20", "valid_from": "2025-01-01", "kind_": "change"},
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#g-work")
    assert count_rows(IndicatorValue) == 1


def test_editing_a_retired_indicator_is_refused(cat, county, login):
    cat["german_level"].retired_at = utcnow()
    db.session.commit()
    b = login("manager")
    url = f"/persons/{county.person_a.id}/indicators/{cat['german_level'].id}/edit"
    response = b.post(url, {"value": "B1", "valid_from": "2025-01-01", "kind_": "change"})
    assert response.status_code == 422
    assert "stillgelegt" in response.get_data(as_text=True)
    assert count_rows(IndicatorValue) == 0
    assert "Deutschkenntnisse" not in b.get(f"/persons/{county.person_a.id}/indicators").text


def test_confirm_group_with_one_tap(cat, county, login):
    b = login("manager")
    person = county.person_a
    b.get(f"/persons/{person.id}/indicators")
    response = b.client.post(
        f"/persons/{person.id}/indicators/confirm/housing",
        data={"csrf_token": b.csrf},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'id="g-housing"' in response.text
    reviews = db.session.scalars(select(IndicatorReview)).all()
    assert [(r.group, r.person_id) for r in reviews] == [("housing", None)]
    plain = b.post(f"/persons/{person.id}/indicators/confirm/language")
    assert plain.status_code == 302
    assert b.post(f"/persons/{person.id}/indicators/confirm/nonsense").status_code == 404
    assert count_rows(IndicatorValue) == 0


def test_other_team_cannot_see_or_change_values(cat, county, login):
    person_b = county.household_b.members[0]
    b = login("manager")
    assert b.get(f"/persons/{person_b.id}/indicators").status_code == 404
    url = f"/persons/{person_b.id}/indicators/{cat['german_level'].id}/edit"
    assert b.post(url, {"value": "B1", "valid_from": "2025-01-01"}).status_code == 404
    assert count_rows(IndicatorValue) == 0


def test_admin_edits_catalogue_and_retires_without_losing_history(cat, county, login):
    services.record_value(
        county.users["manager"], county.person_a, cat["german_level"], "A1", date(2024, 1, 1)
    )
    db.session.commit()
    b = login("admin")
    assert "Deutschkenntnisse" in b.get("/admin/indicators").text
    response = b.post(
        "/admin/indicators/new",
        {
            "key": "bike",
            "label_de": "Fahrrad",
            "label_en": "Bike",
            "group": "participation",
            "type": "bool",
            "applies_to": "person",
            "stale_after_days": "365",
        },
    )
    assert response.status_code == 302
    bad = b.post(
        "/admin/indicators/new",
        {
            "key": "Bad Key",
            "label_de": "x",
            "group": "participation",
            "type": "number",
            "applies_to": "person",
            "min_value": "5",
            "max_value": "1",
        },
    )
    assert "Nur Kleinbuchstaben" in bad.text and "kleiner als der kleinste" in bad.text
    level = cat["german_level"]
    assert b.post(f"/admin/indicators/{level.id}/retire").status_code == 302
    db.session.expire_all()
    assert db.session.get(Indicator, level.id).retired_at is not None
    assert count_rows(IndicatorValue) == 1
    option_count = count_rows(IndicatorOption)
    b.post(
        f"/admin/indicators/{level.id}/options",
        {"option-code": "a0", "option-label_de": "Alphabetisierung"},
    )
    assert count_rows(IndicatorOption) == option_count + 1
    changed = b.post(
        f"/admin/indicators/{level.id}",
        {
            "key": "german_level",
            "label_de": "Deutsch",
            "group": "language",
            "type": "number",
            "applies_to": "person",
        },
    )
    assert "lässt sich nicht mehr ändern" in changed.text


def _counting(fn):
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return result, statements


def test_worklist_lists_missing_stale_and_ending_counselling_with_constant_queries(
    cat, county, make
):
    manager = county.users["manager"]
    on = today()
    household = county.household_a
    household.counselling_started_on = on - timedelta(days=3 * 365 - 30)
    db.session.commit()

    items, small = _counting(lambda: services.worklist(manager, on))
    assert [i.person.id for i in items] == [county.person_a.id]
    item = items[0]
    assert "Deutschkenntnisse" in [i.label_de for i in item.missing]
    assert "Schwerbehinderung" not in [i.label_de for i in item.missing]
    assert item.counselling_ends is not None and not item.extended

    for n in range(12):
        h = make.household(county.town_a, f"Familie{n}", manager=manager)
        for k in range(3):
            p = make.person(h, f"Kind{k}", birth_year=1995 + k)
            db.session.flush()
            v = services.record_value(manager, p, cat["german_level"], "A1", date(2020, 1, 1))
            v.recorded_at = datetime(2020, 1, 1)
    db.session.commit()
    items, large = _counting(lambda: services.worklist(manager, on))
    assert len(large) == len(small), large
    assert len(items) == 37
    assert any(cat["german_level"] in i.stale for i in items)

    db.session.add(
        CounsellingExtension(household_id=household.id, extended_on=on, reason="Ausbildung läuft")
    )
    db.session.commit()
    items = services.worklist(manager, on)
    first = next(i for i in items if i.person.id == county.person_a.id)
    assert first.counselling_ends is None  # 4 years now: not within 3 months


def test_worklist_page(cat, county, login):
    household = db.session.get(Household, county.household_a.id)
    household.counselling_started_on = date(2020, 1, 1)
    db.session.commit()
    body = login("manager").get("/worklist").text
    assert "Samira Haddad" in body and "Beratungsende" in body
    assert "Samira" not in login("manager_b").get("/worklist").text


def test_correction_over_http_keeps_the_corrected_date(cat, county, login):
    b = login("manager")
    person = county.person_a
    url = f"/persons/{person.id}/indicators/{cat['german_level'].id}/edit"
    b.get(url)
    b.post(url, {"value": "C2", "valid_from": "2024-02-01", "kind_": "change"})
    b.post(url, {"value": "A2", "valid_from": today().isoformat(), "kind_": "correction"})
    rows = db.session.scalars(select(IndicatorValue).order_by(IndicatorValue.id)).all()
    assert [(v.value, v.kind, v.valid_from) for v in rows] == [
        ("C2", "change", date(2024, 2, 1)),
        ("A2", "correction", date(2024, 2, 1)),
    ]
    assert rows[1].corrects_id == rows[0].id
    history = b.get(f"/persons/{person.id}/indicators/{cat['german_level'].id}").text
    assert "korrigiert" in history and "Korrektur" in history


def test_admin_edits_option_labels_and_code_stays(cat, county, login):
    option = next(o for o in cat["german_level"].options if o.code == "B1")
    b = login("admin")
    assert b.get(f"/admin/indicator-options/{option.id}").status_code == 200
    r = b.post(
        f"/admin/indicator-options/{option.id}",
        {"code": "zzz", "label_de": "B1 (Mittelstufe)", "label_en": "B1 intermediate"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    option = db.session.get(IndicatorOption, option.id)
    assert (option.code, option.label_de, option.label_en) == (
        "B1",
        "B1 (Mittelstufe)",
        "B1 intermediate",
    )
    bad = b.post(f"/admin/indicator-options/{option.id}", {"label_de": ""})
    assert "Bitte angeben." in bad.text
    assert login("manager").get(f"/admin/indicator-options/{option.id}").status_code == 403


def test_sheet_speaks_english_with_the_catalogues_english_labels(cat, county, login):
    """Issue #9: an English user sees the interface in English and the catalogue's English
    labels (groups, indicators, options); numbers use the English decimal point."""
    county.users["manager"].locale = "en"
    db.session.commit()
    b = login("manager")
    person = county.person_a
    body = b.get(f"/persons/{person.id}/indicators").text
    for text in ("<h1>Indicators</h1>", "German level", "Weekly hours", "Everything still up to"):
        assert text in body
    for text in ("Deutschkenntnisse", "Wochenarbeitsstunden", "Alles noch aktuell", "fehlt"):
        assert text not in body
    url = f"/persons/{person.id}/indicators/{cat['working_hours'].id}/edit"
    bad = b.post(url, {"value": "99", "valid_from": "2025-01-01", "kind_": "change"})
    assert "Please enter a number from 0 to 60." in bad.text
    assert count_rows(IndicatorValue) == 0
    ok = b.post(url, {"value": "19,5", "valid_from": "2025-01-01", "kind_": "change"})
    assert ok.status_code == 302
    row = b.get(url.removesuffix("/edit"), headers={"HX-Request": "true"}).text
    assert "<strong>19.5</strong>" in row and "since Jan 1, 2025" in row
    history = b.get(url.removesuffix("/edit")).text
    assert "Valid from" in history and "Gültig ab" not in history
