"""Catalogues per organisation (issue #16, point 6): topics and indicators are county-wide
defaults, which only the county's admins change, or an organisation's own, which only its
admins change and only its staff see; an organisation may hide a default for itself. Tried
through the admin forms and the contact and indicator forms, as the users would."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from app import create_app
from app.accounts import roles
from app.audit.models import AuditEvent
from app.audit.refusals import ACTION as REFUSED
from app.contacts.models import Contact, Topic, topic_hidden
from app.extensions import db
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorOption, indicator_hidden
from app.organisations import ownership
from app.organisations.models import Organisation
from app.reports import exports
from tests.conftest import count_rows
from tests.contacts_helpers import contact_payload, form_key, make_contact, seed_topics
from tests.test_migrations import empty_database_url  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("consented")


@pytest.fixture(autouse=True)
def _catalogues(county):
    seed_topics()
    seed_catalogue()
    db.session.commit()


def _topic(key: str) -> Topic:
    db.session.expire_all()
    return db.session.scalar(select(Topic).where(Topic.key == key))


def _topic_labelled(label: str) -> Topic | None:
    db.session.expire_all()
    return db.session.scalar(select(Topic).where(Topic.label == label))


def _indicator(key: str) -> Indicator:
    db.session.expire_all()
    return db.session.scalar(select(Indicator).where(Indicator.key == key))


def _refusals() -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == REFUSED).order_by(AuditEvent.id)
        )
    )


def _rows(table) -> int:
    return db.session.execute(select(func.count()).select_from(table)).scalar_one()


def _new_contact_form(browser, household) -> str:
    return browser.get(f"/households/{household.id}/contacts/new").text


# --- topics -------------------------------------------------------------------------------------
def test_town_adds_its_own_topic_which_only_its_staff_see(login, county):
    town_admin = login("town_admin")
    page = town_admin.get("/admin/topics").text
    assert "Vorgaben des Landkreises" in page and "Wohnen" in page
    assert 'name="shared"' not in page  # only the county makes defaults
    # Even a forged "shared" box makes it the town's own topic.
    response = town_admin.post(
        "/admin/topics", {"label": "Kita-Platz", "sort_order": "", "active": "y", "shared": "y"}
    )
    assert response.status_code == 302
    own = _topic_labelled("Kita-Platz")
    assert own.organisation_id == county.town.id
    assert "Kita-Platz" in town_admin.get("/admin/topics").text

    town_form = _new_contact_form(login("town_manager"), county.household_town)
    assert f'value="{own.key}"' in town_form and 'value="housing"' in town_form
    county_form = _new_contact_form(login("manager"), county.household_a)
    assert "Kita-Platz" not in county_form and 'value="housing"' in county_form
    assert "Kita-Platz" not in login("admin").get("/admin/topics").text


def test_town_admin_cannot_rename_a_county_default_and_the_attempt_is_audited(login, county):
    housing = _topic("housing")
    town_admin = login("town_admin")
    page = town_admin.get(f"/admin/topics/{housing.id}")
    assert page.status_code == 200
    assert "Vorgabe des Landkreises" in page.text and 'name="label"' not in page.text
    response = town_admin.post(
        f"/admin/topics/{housing.id}", {"label": "Wohnen (Stadt)", "sort_order": "5"}
    )
    assert response.status_code == 403
    assert "Nur die Administration des Landkreises kann es ändern" in response.text
    assert 'role="alert"' in response.text
    housing = _topic("housing")
    assert (housing.label, housing.sort_order, housing.active) == ("Wohnen", 20, True)
    assert _refusals() == [f"contacts.edit_topic 403 POST /admin/topics/{housing.id}"]
    # The county's staff still see the county's wording.
    assert "Wohnen (Stadt)" not in _new_contact_form(login("manager"), county.household_a)


def test_another_organisations_own_topic_does_not_exist_for_an_admin(login, county):
    county_admin = login("admin")
    county_admin.post("/admin/topics", {"label": "Kreisintern", "sort_order": "", "active": "y"})
    own = _topic_labelled("Kreisintern")
    assert own.organisation_id == county.county.id  # "shared" left unticked
    town_admin = login("town_admin")
    assert town_admin.get(f"/admin/topics/{own.id}").status_code == 404
    response = town_admin.post(f"/admin/topics/{own.id}", {"label": "Übernommen"})
    assert response.status_code == 404
    assert town_admin.post(f"/admin/topics/{own.id}/hidden", {"hidden": "1"}).status_code == 404
    assert _topic_labelled("Kreisintern") is not None
    assert _rows(topic_hidden) == 0
    assert _refusals() == [
        f"contacts.edit_topic 404 GET /admin/topics/{own.id}",
        f"contacts.edit_topic 404 POST /admin/topics/{own.id}",
        f"contacts.hide_topic 404 POST /admin/topics/{own.id}/hidden",
    ]
    # Nor can a town's manager attach it to a contact with a forged form.
    manager = login("town_manager")
    html = _new_contact_form(manager, county.household_town)
    data = contact_payload([county.household_town.members[0].id], topics=[own.key])
    data["idempotency_key"] = form_key(html)
    answer = manager.post(f"/households/{county.household_town.id}/contacts/new", data)
    assert "Unbekanntes Thema." in answer.text
    assert count_rows(Contact) == 0


def test_county_admin_maintains_the_defaults_for_everyone(login, county):
    county_admin = login("admin")
    assert 'name="shared"' in county_admin.get("/admin/topics").text
    housing = _topic("housing")
    response = county_admin.post(
        f"/admin/topics/{housing.id}",
        {"label": "Wohnen und Umzug", "sort_order": "20", "active": "y"},
    )
    assert response.status_code == 302
    county_admin.post(
        "/admin/topics", {"label": "Mobilität", "sort_order": "", "active": "y", "shared": "y"}
    )
    assert _topic_labelled("Mobilität").organisation_id is None
    town_form = _new_contact_form(login("town_manager"), county.household_town)
    assert "Wohnen und Umzug" in town_form and "Mobilität" in town_form


def test_a_town_hides_a_default_for_itself_only(login, county):
    housing = _topic("housing")
    old = make_contact(county.household_town, county.users["town_manager"], topics=["housing"])
    town_admin = login("town_admin")
    town_admin.get(f"/admin/topics/{housing.id}")
    for _twice in range(2):  # a double submit hides it once
        response = town_admin.post(f"/admin/topics/{housing.id}/hidden", {"hidden": "1"})
        assert response.status_code == 302
    assert _rows(topic_hidden) == 1
    assert "bei uns ausgeblendet" in town_admin.get("/admin/topics").text

    town_manager = login("town_manager")
    assert 'value="housing"' not in _new_contact_form(town_manager, county.household_town)
    assert 'value="housing"' in town_manager.get(f"/contacts/{old.id}/edit").text  # kept
    assert 'value="housing"' in _new_contact_form(login("manager"), county.household_a)
    assert "bei uns ausgeblendet" not in login("admin").get("/admin/topics").text

    town_admin.post(f"/admin/topics/{housing.id}/hidden", {"hidden": "0"})
    assert _rows(topic_hidden) == 0
    assert 'value="housing"' in _new_contact_form(town_manager, county.household_town)
    details = db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.object_type == "topic", AuditEvent.object_id == housing.id
        )
    ).all()
    town_id = county.town.id
    assert details == [
        f"hidden for organisation {town_id}",
        f"shown again for organisation {town_id}",
    ]


def test_the_dashboard_lists_the_organisations_topics(login, county):
    from datetime import date

    from app.reports import figures
    from app.reports.figures import ReportScope

    town_admin = login("town_admin")
    town_admin.post("/admin/topics", {"label": "Kita-Platz", "sort_order": "", "active": "y"})
    town_admin.post(f"/admin/topics/{_topic('housing').id}/hidden", {"hidden": "1"})
    own = _topic_labelled("Kita-Platz")
    this_year = {"start": date(2000, 1, 1), "end": date(2100, 12, 31)}
    town_keys = [
        t.key
        for t in figures.contacts_by_topic(ReportScope(organisation_id=county.town.id, **this_year))
    ]
    county_keys = [
        t.key
        for t in figures.contacts_by_topic(
            ReportScope(organisation_id=county.county.id, **this_year)
        )
    ]
    assert own.key in town_keys and "housing" not in town_keys
    assert own.key not in county_keys and "housing" in county_keys


# --- indicators ---------------------------------------------------------------------------------
NEW_INDICATOR = {
    "key": "kita_platz",
    "label_de": "Kita-Platz vorhanden",
    "label_en": "Nursery place",
    "group": "participation",
    "type": "bool",
    "applies_to": "person",
}


def test_town_adds_its_own_indicator_on_its_own_sheets_only(login, county):
    town_admin = login("town_admin")
    assert 'name="shared"' not in town_admin.get("/admin/indicators/new").text
    assert town_admin.post("/admin/indicators/new", NEW_INDICATOR).status_code == 302
    own = _indicator("kita_platz")
    assert own.organisation_id == county.town.id
    town_person = county.household_town.members[0]
    assert (
        "Kita-Platz vorhanden"
        in login("town_manager").get(f"/persons/{town_person.id}/indicators").text
    )
    manager = login("manager")
    assert (
        "Kita-Platz vorhanden" not in manager.get(f"/persons/{county.person_a.id}/indicators").text
    )
    edit = f"/persons/{county.person_a.id}/indicators/{own.id}/edit"
    assert manager.get(edit).status_code == 404
    assert manager.post(edit, {"value": "yes", "valid_from": "01.01.2025"}).status_code == 404
    county_admin = login("admin")
    assert "Kita-Platz vorhanden" not in county_admin.get("/admin/indicators").text
    assert county_admin.get(f"/admin/indicators/{own.id}").status_code == 404


def test_town_admin_cannot_change_a_default_indicator(login, county):
    level = _indicator("german_level")
    before = (level.label_de, level.retired_at, len(level.options))
    option = level.options[0]
    town_admin = login("town_admin")
    page = town_admin.get(f"/admin/indicators/{level.id}")
    assert page.status_code == 200 and 'name="label_de"' not in page.text
    assert "Vorgabe des Landkreises" in page.text
    attempts = [
        (f"/admin/indicators/{level.id}", {**NEW_INDICATOR, "key": "german_level"}),
        (f"/admin/indicators/{level.id}/retire", {}),
        (f"/admin/indicators/{level.id}/options", {"option-code": "x", "option-label_de": "X"}),
        (f"/admin/indicator-options/{option.id}", {"label_de": "Umbenannt"}),
        (f"/admin/indicator-options/{option.id}/retire", {}),
    ]
    for url, data in attempts:
        response = town_admin.post(url, data)
        assert response.status_code == 403, url
        assert "Nur die Administration des Landkreises kann sie ändern" in response.text
    level = _indicator("german_level")
    assert (level.label_de, level.retired_at, len(level.options)) == before
    assert db.session.get(IndicatorOption, option.id).label_de != "Umbenannt"
    assert db.session.get(IndicatorOption, option.id).retired_at is None
    assert [d.split(" ")[:3] for d in _refusals()] == [
        ["indicators.edit_indicator", "403", "POST"],
        ["indicators.retire", "403", "POST"],
        ["indicators.add_option", "403", "POST"],
        ["indicators.edit_option", "403", "POST"],
        ["indicators.retire_option", "403", "POST"],
    ]
    # The county's admin may.
    county_admin = login("admin")
    assert (
        county_admin.post(
            f"/admin/indicators/{level.id}",
            {
                "key": "german_level",
                "label_de": "Deutschkenntnisse (Niveau)",
                "group": level.group,
                "type": level.type,
                "applies_to": level.applies_to,
            },
        ).status_code
        == 302
    )
    assert _indicator("german_level").label_de == "Deutschkenntnisse (Niveau)"


def test_a_town_hides_a_default_indicator_for_itself_only(login, county):
    level = _indicator("german_level")
    town_admin = login("town_admin")
    town_admin.get(f"/admin/indicators/{level.id}")
    assert (
        town_admin.post(f"/admin/indicators/{level.id}/hidden", {"hidden": "1"}).status_code == 302
    )
    assert _rows(indicator_hidden) == 1
    town_person = county.household_town.members[0]
    assert (
        level.label_de
        not in login("town_manager").get(f"/persons/{town_person.id}/indicators").text
    )
    assert level.label_de in login("manager").get(f"/persons/{county.person_a.id}/indicators").text
    assert level.id not in {i.id for i in exports.exportable_indicators(county.town.id)}
    assert level.id in {i.id for i in exports.exportable_indicators(county.county.id)}
    assert "bei uns ausgeblendet" in town_admin.get("/admin/indicators").text
    town_admin.post(f"/admin/indicators/{level.id}/hidden", {"hidden": "0"})
    assert _rows(indicator_hidden) == 0


# --- rules ------------------------------------------------------------------------------------
def test_who_may_change_which_entry(county):
    users = county.users
    county_id, town_id = county.county.id, county.town.id
    assert ownership.may_change(users["admin"], None)
    assert ownership.may_change(users["admin"], county_id)
    assert not ownership.may_change(users["admin"], town_id)
    assert not ownership.may_change(users["town_admin"], None)
    assert ownership.may_change(users["town_admin"], town_id)
    assert not ownership.may_change(users["town_admin"], county_id)
    assert not ownership.may_change(users["lead"], county_id)  # admins only
    assert ownership.new_owner(users["admin"], shared=True) is None
    assert ownership.new_owner(users["admin"], shared=False) == county_id
    assert ownership.new_owner(users["town_admin"], shared=True) == town_id


def test_without_a_county_organisation_its_admins_maintain_the_defaults(county):
    db.session.get(Organisation, county.county.id).kind = "town"
    db.session.commit()
    assert ownership.may_change(county.users["town_admin"], None)
    assert county.users["admin"].role == roles.ADMIN
    assert ownership.may_change(county.users["admin"], None)


# --- migration --------------------------------------------------------------------------------
def test_migration_keeps_the_catalogue_as_county_defaults(empty_database_url):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0019_name_sort_keys")
        db.session.execute(
            text(
                "INSERT INTO contact_topic (key, label, active, sort_order) "
                "VALUES ('housing_x', 'Wohnen X', true, 5)"
            )
        )
        db.session.execute(
            text(
                'INSERT INTO indicator (key, label_de, label_en, "group", type, applies_to, '
                "required, restricted, position) VALUES "
                "('level_x', 'Niveau X', '', 'language', 'number', 'person', false, false, 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO organisation (name, kind, address, phone, email, enforce_2fa_all) "
                "VALUES ('Stadt X', 'town', '', '', '', false)"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.execute(
            text("SELECT label, organisation_id FROM contact_topic WHERE key = 'housing_x'")
        ).one() == ("Wohnen X", None)
        assert db.session.execute(
            text("SELECT label_de, organisation_id FROM indicator WHERE key = 'level_x'")
        ).one() == ("Niveau X", None)
        shares = db.session.execute(text("SELECT shares_figures FROM organisation")).scalar_one()
        assert shares in (False, 0)  # towns share nothing until their admin agrees
        db.session.commit()
        downgrade(revision="0019_name_sort_keys")
        assert (
            db.session.execute(
                text("SELECT label FROM contact_topic WHERE key = 'housing_x'")
            ).scalar_one()
            == "Wohnen X"
        )
        db.session.remove()
        db.engine.dispose()
