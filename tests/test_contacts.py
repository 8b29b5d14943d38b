"""Contacts: quick entry, validation, idempotency, edit history, soft delete, comments, access."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.contacts import services
from app.contacts.models import Contact, ContactComment, ContactVersion, Task
from app.extensions import db
from app.timeutil import utcnow
from tests.conftest import Browser, count_rows, is_postgres
from tests.contacts_helpers import (
    contact_payload,
    form_key,
    local_input,
    make_contact,
    seed_topics,
    today_plus,
)

HX = {"HX-Request": "true"}

from tests.test_access import EXPECTED as CONTACT_ROUTE_EXPECTATIONS  # noqa: E402

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")

ROLE_USERS = {
    "admin": "admin",
    "team_lead": "lead",
    "manager": "manager",
    "front_desk": "frontdesk",
    "volunteer": "volunteer",
}


@pytest.fixture(autouse=True)
def _topics(county):
    seed_topics()


def contacts_count() -> int:
    return count_rows(Contact)


def audit_count(action: str, object_type: str) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.object_type == object_type
        )
    )


# --- quick entry --------------------------------------------------------------------------
def test_household_page_offers_contact_button_and_search_results_too(login, county):
    b = login("manager")
    page = b.get(f"/households/{county.household_a.id}").get_data(as_text=True)
    assert f'href="/households/{county.household_a.id}/contacts/new"' in page
    assert "+ Kontakt" in page
    assert 'id="timeline"' in page
    results = b.post("/search", {"q": "Samira"}, headers={"HX-Request": "true"}).text
    assert f"/households/{county.household_a.id}/contacts/new" in results


def test_form_preselects_members_and_generates_key(login, county, make):
    from app.consent.models import ConsentRecord

    second = make.person(county.household_a, "Omar")
    db.session.flush()
    db.session.add(
        ConsentRecord(
            person_id=second.id,
            state="given",
            counselling=True,
            effective_on=today_plus(-1),
            method="paper",
        )
    )
    db.session.commit()
    b = login("manager")
    r = b.get(f"/households/{county.household_a.id}/contacts/new")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    key = form_key(html)
    assert len(key) == 36
    for person in (county.person_a, second):
        assert f'value="{person.id}" checked' in html
    # A second rendering gets a fresh key.
    assert form_key(b.get(f"/households/{county.household_a.id}/contacts/new").text) != key
    assert 'inputmode="numeric"' in html
    assert "/static/contacts." in html  # fingerprinted contacts.js


def test_member_without_consent_is_not_preselected_and_refused(login, county, make):
    """Without consent to store counselling data no contact is recorded for a person."""
    newcomer = make.person(county.household_a, "Omar")
    db.session.commit()
    b = login("manager")
    html = b.get(f"/households/{county.household_a.id}/contacts/new").text
    assert f'value="{newcomer.id}" checked' not in html
    assert f'value="{county.person_a.id}" checked' in html
    assert "Keine Einwilligung zur Speicherung von Beratungsdaten: Omar Haddad" in html
    before = count_rows(Contact)
    data = contact_payload([county.person_a.id, newcomer.id])
    r = b.post(f"/households/{county.household_a.id}/contacts/new", data)
    assert r.status_code == 200
    assert "kann für Omar Haddad kein Kontakt erfasst werden" in r.text
    assert count_rows(Contact) == before


def test_save_without_js_redirects_to_household_with_contact_on_top(login, county):
    b = login("manager")
    household = county.household_a
    html = b.get(f"/households/{household.id}/contacts/new").get_data(as_text=True)
    older = make_contact(household, county.users["manager"], note="Älterer Kontakt")
    data = contact_payload(
        [county.person_a.id],
        idempotency_key=form_key(html),
        note="Mietvertrag angeschaut",
        **{
            "tasks-0-description": "Unterlagen zum Jobcenter bringen",
            "tasks-0-owner_kind": "client",
            "tasks-0-due_on": today_plus(3).isoformat(),
        },
    )
    r = b.post(f"/households/{household.id}/contacts/new", data)
    assert r.status_code == 302
    assert r.headers["Location"].startswith(f"/households/{household.id}")
    assert f"saved={data['idempotency_key']}" in r.headers["Location"]
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "Kontakt gespeichert." in page
    # The page names the saved key, so that the browser drops the note's draft.
    assert f'data-contact-key="{data["idempotency_key"]}"' in page
    assert page.index("Mietvertrag angeschaut") < page.index("Älterer Kontakt")
    contact = db.session.scalar(select(Contact).where(Contact.id != older.id))
    assert contact.author_id == county.users["manager"].id
    assert [p.id for p in contact.participants] == [county.person_a.id]
    assert {t.key for t in contact.topics} == {"housing", "language"}
    assert contact.duration_minutes == 30
    task = db.session.scalar(select(Task))
    assert task.owner_kind == "client" and task.owner_id is None
    assert task.due_on == today_plus(3)
    assert audit_count("create", "contact") == 1
    assert audit_count("create", "task") == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "contact"))
    assert "Mietvertrag" not in event.detail


def test_htmx_save_swaps_timeline_with_new_contact_first(login, county):
    b = login("manager")
    household = county.household_a
    make_contact(household, county.users["manager"], note="Früherer Besuch")
    fragment = b.htmx_get(f"/households/{household.id}/contacts/new?embedded=1")
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'hx-post="' in html
    data = contact_payload(
        [county.person_a.id], idempotency_key=form_key(html), note="Neu per htmx", embedded="1"
    )
    r = b.post(f"/households/{household.id}/contacts/new", data, headers=HX)
    assert r.status_code == 200
    assert r.headers["HX-Retarget"] == "#timeline"
    body = r.get_data(as_text=True)
    assert body.index("Neu per htmx") < body.index("Früherer Besuch")
    assert 'id="contact-entry" hx-swap-oob="true"' in body
    assert "<html" not in body
    assert contacts_count() == 2


def test_defaults_follow_the_managers_last_setting_and_place(login, county):
    b = login("manager")
    household = county.household_a
    data = contact_payload(
        [county.person_a.id], setting="office_hour", location="Rathaus Nordheim, Zimmer 3"
    )
    assert b.post(f"/households/{household.id}/contacts/new", data).status_code == 302
    html = b.get(f"/households/{household.id}/contacts/new").get_data(as_text=True)
    assert 'value="office_hour" checked' in html
    assert 'value="Rathaus Nordheim, Zimmer 3"' in html
    # Another manager's defaults are their own: without a contact of their own, no setting
    # is chosen for them (tests/test_contact_preselection.py).
    other = login("colleague").get(f"/households/{household.id}/contacts/new").text
    assert 'name="setting" value="office_hour" checked' not in other
    assert 'name="setting" value="home_visit"><span>' in other


def test_free_duration_wins_over_preset_and_interpreter_is_kept(login, county):
    b = login("manager")
    data = contact_payload(
        [county.person_a.id],
        duration_preset="",
        duration_minutes="95",
        interpreter_kind="professional",
        interpreter_language="Arabisch",
    )
    assert b.post(f"/households/{county.household_a.id}/contacts/new", data).status_code == 302
    contact = db.session.scalar(select(Contact))
    assert contact.duration_minutes == 95
    assert (contact.interpreter_kind, contact.interpreter_language) == (
        "professional",
        "Arabisch",
    )


# --- bad input ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"occurred_at": local_input(utcnow() + timedelta(days=2))},
            "höchstens einen Tag in der Zukunft",
        ),
        ({"occurred_at": "gestern"}, "Bitte ein gültiges Datum mit Uhrzeit angeben"),
        ({"duration_preset": "", "duration_minutes": "-15"}, "zwischen 1 und 600 Minuten"),
        ({"duration_preset": "", "duration_minutes": "601"}, "zwischen 1 und 600 Minuten"),
        ({"duration_preset": "", "duration_minutes": "viel"}, "ganze Zahl"),
        ({"duration_preset": "", "duration_minutes": ""}, "Bitte die Dauer angeben"),
        ({"topics": ["housing", "astrology"]}, "Unbekanntes Thema."),
        ({"topics": []}, "mindestens ein Thema"),
        ({"participants": []}, "mindestens eine Person"),
        ({"setting": "carrier_pigeon"}, "Art des Kontakts"),
        ({"setting": "office_hour", "location": ""}, "Ort der Sprechstunde"),
        ({"interpreter_kind": "volunteer", "interpreter_language": ""}, "Sprache"),
        ({"idempotency_key": "not-a-uuid"}, "Seite neu laden"),
        (
            {"tasks-0-description": "Termin", "tasks-0-owner_kind": "colleague"},
            "Kollegin oder den Kollegen",
        ),
    ],
)
def test_bad_input_is_rejected_with_german_message_and_nothing_stored(
    login, county, overrides, message
):
    b = login("manager")
    data = contact_payload([county.person_a.id], note="Bitte nicht verlieren", **overrides)
    before = (contacts_count(), count_rows(Task), count_rows(AuditEvent))
    r = b.post(f"/households/{county.household_a.id}/contacts/new", data)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert message in html
    assert 'class="error"' in html
    assert "Bitte nicht verlieren" in html  # what was typed is kept
    assert (contacts_count(), count_rows(Task), count_rows(AuditEvent)) == before


def test_participant_from_another_household_is_rejected(login, county):
    b = login("manager")
    foreign = county.household_b.members[0]
    data = contact_payload([county.person_a.id, foreign.id])
    html = b.post(f"/households/{county.household_a.id}/contacts/new", data).text
    assert "Diese Person gehört nicht zu diesem Haushalt." in html
    assert contacts_count() == 0


def test_validation_error_keeps_key_and_everything_typed(login, county):
    b = login("manager")
    key = form_key(b.get(f"/households/{county.household_a.id}/contacts/new").text)
    data = contact_payload(
        [county.person_a.id],
        idempotency_key=key,
        duration_preset="",
        duration_minutes="9999",
        setting="office_hour",
        location="Bürgerbüro",
        topics=["health", "school_education"],
        interpreter_kind="volunteer",
        interpreter_language="Dari",
        note="Zeile 1\nZeile 2",
        **{"tasks-0-description": "Arzttermin vereinbaren"},
    )
    html = b.post(f"/households/{county.household_a.id}/contacts/new", data).text
    assert form_key(html) == key
    for fragment in (
        'value="9999"',
        'value="Bürgerbüro"',
        'value="health" checked',
        'value="school_education" checked',
        'value="office_hour" checked',
        'value="volunteer" checked',
        'value="Dari"',
        "Zeile 1\nZeile 2",
        'value="Arzttermin vereinbaren"',
    ):
        assert fragment in html
    assert 'value="housing" checked' not in html


def test_htmx_validation_error_returns_form_fragment(login, county):
    b = login("manager")
    data = contact_payload([county.person_a.id], topics=[], embedded="1")
    r = b.post(f"/households/{county.household_a.id}/contacts/new", data, headers=HX)
    assert r.status_code == 200  # htmx 2 swaps 2xx only
    html = r.get_data(as_text=True)
    assert "<html" not in html and 'id="contact-form"' in html
    assert "mindestens ein Thema" in html
    assert "HX-Retarget" not in r.headers
    assert contacts_count() == 0


@pytest.mark.parametrize("household_attr", ["household_b", "household_town"])
def test_household_of_another_team_is_404_and_nothing_stored(login, county, household_attr):
    household = getattr(county, household_attr)
    b = login("manager")
    assert b.get(f"/households/{household.id}/contacts/new").status_code == 404
    data = contact_payload([household.members[0].id])
    assert b.post(f"/households/{household.id}/contacts/new", data).status_code == 404
    assert contacts_count() == 0


def test_other_teams_contact_is_404_everywhere(login, county):
    contact = make_contact(county.household_b, county.users["manager_b"], tasks=[{}])
    task_id = contact.tasks[0].id
    b = login("manager")
    for url in (
        f"/contacts/{contact.id}",
        f"/contacts/{contact.id}/edit",
        f"/contacts/{contact.id}/delete",
        f"/contacts/{contact.id}/pdf",
        f"/households/{county.household_b.id}/timeline",
        f"/households/{county.household_b.id}/contacts.pdf",
    ):
        assert b.get(url).status_code == 404, url
    assert b.post(f"/tasks/{task_id}/status", {"done": "1"}).status_code == 404
    lead = login("lead")
    assert lead.post(f"/contacts/{contact.id}/comments", {"body": "x"}).status_code == 404


# --- nothing doubled ----------------------------------------------------------------------
def test_replay_of_the_same_form_creates_one_contact(login, county):
    b = login("manager")
    data = contact_payload([county.person_a.id], **{"tasks-0-description": "Anruf Vermieter"})
    first = b.post(f"/households/{county.household_a.id}/contacts/new", data)
    second = b.post(f"/households/{county.household_a.id}/contacts/new", data)
    third = b.post(
        f"/households/{county.household_a.id}/contacts/new", data | {"embedded": "1"}, headers=HX
    )
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert third.status_code == 200 and "Anruf Vermieter" in third.text
    assert contacts_count() == 1
    assert count_rows(Task) == 1
    assert audit_count("create", "contact") == 1
    page = b.get(second.headers["Location"]).text
    assert "schon gespeichert" in page


def test_same_key_from_another_author_is_a_different_contact(login, county):
    data = contact_payload([county.person_a.id])
    assert (
        login("manager").post(f"/households/{county.household_a.id}/contacts/new", data).status_code
        == 302
    )
    assert (
        login("colleague")
        .post(f"/households/{county.household_a.id}/contacts/new", data)
        .status_code
        == 302
    )
    assert contacts_count() == 2


def test_lost_race_rolls_back_and_answers_with_the_existing_contact(login, county, monkeypatch):
    """The pre-check misses (as when two requests run at once); the unique constraint
    decides, and the loser answers with the winner's contact."""
    data = contact_payload([county.person_a.id])
    b = login("manager")
    assert b.post(f"/households/{county.household_a.id}/contacts/new", data).status_code == 302
    real = services.find_by_key
    calls = []

    def miss_first(author_id, key):
        calls.append(key)
        return None if len(calls) == 1 else real(author_id, key)

    monkeypatch.setattr(services, "find_by_key", miss_first)
    r = b.post(f"/households/{county.household_a.id}/contacts/new", data)
    assert r.status_code == 302
    assert len(calls) == 2
    assert contacts_count() == 1
    assert audit_count("create", "contact") == 1


def test_concurrent_identical_posts_create_exactly_one_contact(app, login, county):
    if not is_postgres():
        pytest.skip(
            "needs PostgreSQL: SQLite serialises writers with a file lock, so requests "
            "cannot race; run with TEST_DATABASE_URL=postgresql+psycopg://..."
        )
    household_id = county.household_a.id
    data = contact_payload([county.person_a.id])
    browsers: list[Browser] = [login("manager") for _ in range(8)]
    barrier = threading.Barrier(len(browsers))
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []

    def post(browser: Browser) -> None:
        try:
            barrier.wait(timeout=10)
            r = browser.post(f"/households/{household_id}/contacts/new", dict(data))
            results.append((r.status_code, r.headers.get("Location", "")))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(b,)) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(results) == 8
    assert {status for status, _ in results} == {302}
    assert len({location for _, location in results}) == 1
    db.session.expire_all()
    assert contacts_count() == 1
    assert audit_count("create", "contact") == 1


# --- edit history, soft delete, comments --------------------------------------------------
def test_edit_keeps_previous_version_visible_to_lead_and_admin_only(login, county):
    manager = county.users["manager"]
    contact = make_contact(county.household_a, manager, note="Erste Fassung", topics=["housing"])
    b = login("colleague")
    html = b.get(f"/contacts/{contact.id}/edit").text
    assert "Erste Fassung" in html
    data = contact_payload(
        [county.person_a.id],
        idempotency_key=form_key(html),
        note="Zweite Fassung",
        topics=["housing", "health"],
        occurred_at=local_input(contact.occurred_at),
        duration_preset="",
        duration_minutes="45",
    )
    r = b.post(f"/contacts/{contact.id}/edit", data)
    assert r.status_code == 302
    db.session.expire_all()
    version = db.session.scalar(select(ContactVersion))
    assert version.changed_by_id == county.users["colleague"].id
    assert set(version.changed_fields.split(", ")) == {"note", "topics"}
    assert version.old_values == {"note": "Erste Fassung", "topics": ["housing"]}
    assert db.session.get(Contact, contact.id).note == "Zweite Fassung"
    assert contacts_count() == 1
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.object_type == "contact")
    )
    assert event.detail == "note, topics"
    for who in ("lead", "admin"):
        page = login(who).get(f"/contacts/{contact.id}").text
        assert "Frühere Fassungen" in page and "Erste Fassung" in page
    for who in ("manager", "colleague"):
        page = login(who).get(f"/contacts/{contact.id}").text
        assert "Frühere Fassungen" not in page and "Erste Fassung" not in page


def test_edit_with_bad_input_changes_nothing(login, county):
    contact = make_contact(county.household_a, county.users["manager"], note="Original")
    b = login("manager")
    html = b.get(f"/contacts/{contact.id}/edit").text
    data = contact_payload(
        [county.person_a.id],
        idempotency_key=form_key(html),
        note="Geändert",
        duration_preset="",
        duration_minutes="0",
    )
    r = b.post(f"/contacts/{contact.id}/edit", data)
    assert r.status_code == 200 and "zwischen 1 und 600" in r.text
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).note == "Original"
    assert count_rows(ContactVersion) == 0


def test_soft_delete_needs_reason_and_hides_contact(login, county):
    contact = make_contact(county.household_a, county.users["manager"], note="Versehentlich")
    b = login("manager")
    assert b.get(f"/contacts/{contact.id}/delete").status_code == 200
    r = b.post(f"/contacts/{contact.id}/delete", {"reason": ""})
    assert r.status_code == 200 and "Bitte einen Grund" in r.text
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).deleted_at is None
    r = b.post(f"/contacts/{contact.id}/delete", {"reason": "Falscher Haushalt"})
    assert r.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Contact, contact.id)
    assert stored.deleted_at is not None
    assert stored.deleted_reason == "Falscher Haushalt"
    assert stored.deleted_by_id == county.users["manager"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "delete"))
    assert event.object_id == contact.id and "Falscher" not in event.detail
    assert "Versehentlich" not in b.get(f"/households/{county.household_a.id}").text
    assert b.get(f"/contacts/{contact.id}").status_code == 404
    assert contacts_count() == 1  # still there, only marked


def test_lead_comments_show_under_the_contact(login, county):
    contact = make_contact(county.household_a, county.users["manager"])
    lead = login("lead")
    lead.get(f"/contacts/{contact.id}")
    r = lead.post(f"/contacts/{contact.id}/comments", {"body": "Bitte Frist notieren."})
    assert r.status_code == 302
    r = lead.post(f"/contacts/{contact.id}/comments", {"body": "Danke!"}, headers=HX)
    assert r.status_code == 200 and "<html" not in r.text and "Danke!" in r.text
    assert count_rows(ContactComment) == 2
    timeline = login("manager").get(f"/households/{county.household_a.id}").text
    assert "Bitte Frist notieren." in timeline
    assert audit_count("comment", "contact") == 2
    empty = lead.post(f"/contacts/{contact.id}/comments", {"body": "  "})
    assert empty.status_code == 422 and "Bitte einen Kommentar" in empty.text
    assert count_rows(ContactComment) == 2
    assert (
        login("manager").post(f"/contacts/{contact.id}/comments", {"body": "x"}).status_code == 403
    )


def test_deleted_contact_tasks_leave_my_tasks(login, county):
    manager = county.users["manager"]
    contact = make_contact(
        county.household_a, manager, tasks=[{"description": "Formular ausfüllen"}]
    )
    b = login("manager")
    assert "Formular ausfüllen" in b.get("/tasks").text
    b.post(f"/contacts/{contact.id}/delete", {"reason": "doppelt"})
    assert "Formular ausfüllen" not in b.get("/tasks").text


# --- access table -------------------------------------------------------------------------
def _requests(county, contact, task, topic_id) -> dict[str, tuple[str, str, dict | None]]:
    h = county.household_a.id
    return {
        "contacts.new": ("GET", f"/households/{h}/contacts/new", None),
        "contacts.show": ("GET", f"/contacts/{contact.id}", None),
        "contacts.edit": ("GET", f"/contacts/{contact.id}/edit", None),
        "contacts.delete": ("GET", f"/contacts/{contact.id}/delete", None),
        "contacts.comment": ("POST", f"/contacts/{contact.id}/comments", {"body": "ok"}),
        "contacts.timeline": ("GET", f"/households/{h}/timeline", None),
        "contacts.tasks": ("GET", "/tasks", None),
        "contacts.task_status": ("POST", f"/tasks/{task.id}/status", {"done": "1"}),
        "contacts.contact_pdf": ("GET", f"/contacts/{contact.id}/pdf", None),
        "contacts.household_pdf": ("GET", f"/households/{h}/contacts.pdf", None),
        "contacts.topics": ("GET", "/admin/topics", None),
        "contacts.edit_topic": ("GET", f"/admin/topics/{topic_id}", None),
    }


@pytest.mark.parametrize("role", ["anonymous", *ROLE_USERS])
def test_access_table(app, login, county, role):
    from app.contacts.models import Topic

    contact = make_contact(
        county.household_a, county.users["manager"], tasks=[{"description": "Schritt"}]
    )
    task = contact.tasks[0]
    topic_id = db.session.scalar(select(Topic.id).limit(1))
    b = Browser(app.test_client()) if role == "anonymous" else login(ROLE_USERS[role])
    for endpoint, (method, url, data) in _requests(county, contact, task, topic_id).items():
        expected = CONTACT_ROUTE_EXPECTATIONS[endpoint][role]
        r = b.get(url) if method == "GET" else b.post(url, data)
        if expected == "login":
            assert r.status_code == 302, (endpoint, r.status_code)
            assert "/login" in r.headers["Location"], endpoint
        elif expected == "deny":
            assert r.status_code == 403, (endpoint, r.status_code)
        else:
            assert r.status_code in (200, 302), (endpoint, r.status_code)
            if r.status_code == 302:
                assert "/login" not in r.headers["Location"], endpoint


def test_contact_events_show_in_the_audit_log(login, county):
    data = contact_payload([county.person_a.id], note="Vertraulicher Inhalt")
    login("manager").post(f"/households/{county.household_a.id}/contacts/new", data)
    page = login("admin").get("/admin/audit/?object_type=contact").text
    assert "Kontakt" in page and "angelegt" in page
    assert "Vertraulicher Inhalt" not in page


@pytest.mark.parametrize(("minutes", "accepted"), [("1", True), ("600", True), ("0", False)])
def test_duration_bounds(login, county, minutes, accepted):
    data = contact_payload([county.person_a.id], duration_preset="", duration_minutes=minutes)
    r = login("manager").post(f"/households/{county.household_a.id}/contacts/new", data)
    assert (r.status_code == 302) is accepted
    assert contacts_count() == (1 if accepted else 0)


def test_contact_up_to_a_day_ahead_is_fine(login, county):
    """An appointment noted in the evening for the next morning is not rejected."""
    data = contact_payload(
        [county.person_a.id], occurred_at=local_input(utcnow() + timedelta(hours=20))
    )
    r = login("manager").post(f"/households/{county.household_a.id}/contacts/new", data)
    assert r.status_code == 302 and contacts_count() == 1


@pytest.mark.parametrize("blank", [" ", "\t", "   "])
def test_blank_date_is_refused_not_a_server_error(login, county, blank):
    """Found by the hostile-input test: blanks passed InputRequired but parsed to nothing."""
    before = count_rows(Contact)
    data = contact_payload([county.person_a.id], occurred_at=blank)
    r = login("manager").post(f"/households/{county.household_a.id}/contacts/new", data)
    assert r.status_code == 200 and "Bitte Datum und Uhrzeit angeben." in r.text
    assert count_rows(Contact) == before


def test_contact_form_and_messages_speak_english_when_the_browser_asks(login, county):
    """Issue #9: an English browser gets the contact form, its choices and its messages in
    English; the German texts do not appear."""
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    b = login("manager")
    url = f"/households/{county.household_a.id}/contacts/new"
    html = b.get(url, headers=english).text
    for text in ("Record contact", "Who was present?", "Home visit (outreach)", "Next steps"):
        assert text in html
    for text in ("Kontakt erfassen", "Wer war dabei?", "Hausbesuch", "Nächste Schritte"):
        assert text not in html
    data = contact_payload([county.person_a.id], topics=[], duration_preset="", note="x")
    r = b.post(url, data, headers=english)
    assert "Please choose at least one topic." in r.text
    assert "Please enter the duration." in r.text
    assert "Bitte mindestens ein Thema" not in r.text
    assert contacts_count() == 0
    r = b.post(url, contact_payload([county.person_a.id]), headers=english)
    assert r.status_code == 302
    page = b.get(r.headers["Location"], headers=english).text
    assert "Contact saved." in page and "Kontakt gespeichert." not in page
    assert contacts_count() == 1
