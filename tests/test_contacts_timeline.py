"""Household timeline (order, filters, load more, constant queries) and "Meine Aufgaben"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.contacts.models import ContactComment, Task
from app.extensions import db
from app.timeutil import utcnow
from tests.contacts_helpers import (
    StatementCounter,
    make_contact,
    seed_topics,
    today_plus,
)

# Contacts are counselling data: recorded only for persons who consented.
pytestmark = pytest.mark.usefixtures("consented")

HX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _topics(county):
    seed_topics()


def _many(county, n: int, start_days: int = 0) -> list:
    manager = county.users["manager"]
    contacts = []
    for i in range(n):
        contact = make_contact(
            county.household_a,
            manager,
            when=utcnow() - timedelta(days=start_days + i, hours=1),
            note=f"Kontakt Nummer {i:03d}",
            topics=["housing", "language"] if i % 2 else ["health"],
            setting="home_visit" if i % 3 else "phone",
            tasks=[{"description": f"Schritt {i}", "due_on": today_plus(i)}],
        )
        db.session.add(
            ContactComment(contact_id=contact.id, author_id=county.users["lead"].id, body="ok")
        )
        contacts.append(contact)
    db.session.commit()
    return contacts


def _notes(html: str) -> list[str]:
    return re.findall(r"Kontakt Nummer (\d{3})", html)


def test_timeline_is_newest_first_and_paginated_with_load_more(login, county):
    _many(county, 25)
    b = login("manager")
    page = b.get(f"/households/{county.household_a.id}").text
    shown = _notes(page)
    assert shown == [f"{i:03d}" for i in range(20)]
    assert "Weitere Kontakte laden" in page
    more = b.htmx_get(
        f"/households/{county.household_a.id}/timeline?page=2", target="timeline-more"
    )
    assert more.status_code == 200 and "<html" not in more.text
    assert _notes(more.text) == [f"{i:03d}" for i in range(20, 25)]
    assert "Weitere Kontakte laden" not in more.text
    # Without JavaScript the same link is a full page.
    full = b.get(f"/households/{county.household_a.id}/timeline?page=2")
    assert "<html" in full.text and _notes(full.text) == [f"{i:03d}" for i in range(20, 25)]


def test_timeline_filters_by_topic_and_setting(login, county):
    _many(county, 6)
    b = login("manager")
    url = f"/households/{county.household_a.id}/timeline"
    by_topic = b.htmx_get(f"{url}?topic=health", target="timeline").text
    assert 'id="timeline"' in by_topic
    assert _notes(by_topic) == ["000", "002", "004"]
    by_setting = b.get(f"{url}?setting=phone").text
    assert _notes(by_setting) == ["000", "003"]
    both = b.get(f"{url}?setting=phone&topic=language").text
    assert _notes(both) == ["003"]
    assert "Noch keine Kontakte für diese Auswahl" in b.get(f"{url}?topic=residence_law").text
    # Unknown filter values are ignored rather than failing.
    assert len(_notes(b.get(f"{url}?topic=nonsense&setting=x").text)) == 6


def test_timeline_shows_tasks_and_lead_comments(login, county):
    _many(county, 2)
    page = login("manager").get(f"/households/{county.household_a.id}").text
    assert "Offene Aufgaben" in page
    ids = re.findall(r'id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate element ids"
    assert "Schritt 1" in page
    assert "Lead</strong>" in page


@pytest.mark.parametrize("url_kind", ["fragment", "page"])
def test_timeline_queries_do_not_grow_with_contacts(app, login, county, url_kind):
    b = login("manager")
    h = county.household_a.id
    url = f"/households/{h}/timeline" if url_kind == "fragment" else f"/households/{h}"

    def statements() -> int:
        with StatementCounter(db.engine) as counter:
            r = b.htmx_get(url, target="timeline") if url_kind == "fragment" else b.get(url)
        assert r.status_code == 200
        return counter.count

    _many(county, 5)
    few = statements()
    _many(county, 45, start_days=10)
    many = statements()
    assert few == many, f"{few} statements for 5 contacts, {many} for 50"


# --- tasks ----------------------------------------------------------------------------------
def test_my_tasks_lists_overdue_and_this_week_first(login, county):
    manager = county.users["manager"]
    colleague = county.users["colleague"]
    make_contact(
        county.household_a,
        manager,
        tasks=[
            {"description": "Später erledigen", "due_on": today_plus(30)},
            {"description": "Ohne Termin"},
            {"description": "Überfällig", "due_on": today_plus(-3)},
            {"description": "Bald fällig", "due_on": today_plus(0)},
            {
                "description": "Für die Kollegin",
                "owner_kind": "colleague",
                "owner_id": colleague.id,
            },
            {"description": "Klient bringt Pass", "owner_kind": "client", "owner_id": None},
            {"description": "Schon erledigt", "status": "done"},
        ],
    )
    html = login("manager").get("/tasks").text
    order = [
        "Überfällig",
        "Bald fällig",
        "Später erledigen",
        "Klient bringt Pass",
        "Ohne Termin",
    ]
    positions = [html.index(text) for text in order[:3]]
    assert positions == sorted(positions)
    assert html.index("Später erledigen") < html.index("Ohne Termin")
    assert "Klient bringt Pass" in html
    assert "Für die Kollegin" not in html
    assert "Schon erledigt" not in html
    assert "überfällig" in html
    assert "Für die Kollegin" in login("colleague").get("/tasks").text


def test_done_in_one_tap_with_htmx_returns_updated_row(login, county):
    contact = make_contact(
        county.household_a, county.users["manager"], tasks=[{"description": "Antrag stellen"}]
    )
    task_id = contact.tasks[0].id
    b = login("manager")
    b.get("/tasks")
    r = b.post(f"/tasks/{task_id}/status", {"done": "1", "context": "tasks"}, headers=HX)
    assert r.status_code == 200
    body = r.text
    assert body.lstrip().startswith('<li class="task done') and f'id="task-{task_id}"' in body
    assert "<html" not in body and "erledigt" in body
    db.session.expire_all()
    task = db.session.get(Task, task_id)
    assert task.status == "done" and task.done_by_id == county.users["manager"].id
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.object_type == "task", AuditEvent.action == "update")
    )
    # And back to open.
    b.post(f"/tasks/{task_id}/status", {"done": "0"}, headers=HX)
    db.session.expire_all()
    assert db.session.get(Task, task_id).status == "open"


def test_done_without_js_redirects_back(login, county):
    contact = make_contact(
        county.household_a, county.users["manager"], tasks=[{"description": "Antrag stellen"}]
    )
    task_id = contact.tasks[0].id
    b = login("manager")
    b.get(f"/households/{county.household_a.id}")
    r = b.post(
        f"/tasks/{task_id}/status",
        {"done": "1", "next": f"/households/{county.household_a.id}"},
    )
    assert r.status_code == 302
    assert r.headers["Location"] == f"/households/{county.household_a.id}"
    r = b.post(f"/tasks/{task_id}/status", {"done": "0", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/tasks"


def test_next_steps_with_colleague_and_volunteer_owners(login, county):
    from tests.contacts_helpers import contact_payload

    b = login("manager")
    data = contact_payload(
        [county.person_a.id],
        **{
            "tasks-0-description": "Termin Ausländerbehörde",
            "tasks-0-owner_kind": "colleague",
            "tasks-0-owner_id": str(county.users["colleague"].id),
            "tasks-0-due_on": "01.12.2026",
            "tasks-1-description": "Begleitung zum Arzt",
            "tasks-1-owner_kind": "volunteer",
            "tasks-1-owner_id": str(county.users["volunteer"].id),
        },
    )
    assert b.post(f"/households/{county.household_a.id}/contacts/new", data).status_code == 302
    tasks = db.session.scalars(select(Task).order_by(Task.id)).all()
    assert [(t.owner_kind, t.owner_id) for t in tasks] == [
        ("colleague", county.users["colleague"].id),
        ("volunteer", county.users["volunteer"].id),
    ]
    assert tasks[0].due_on.isoformat() == "2026-12-01"
    # A user of another team cannot be made owner.
    bad = contact_payload(
        [county.person_a.id],
        **{
            "tasks-0-description": "x",
            "tasks-0-owner_kind": "colleague",
            "tasks-0-owner_id": str(county.users["manager_b"].id),
        },
    )
    html = b.post(f"/households/{county.household_a.id}/contacts/new", bad).text
    assert "kann die Aufgabe nicht übernehmen" in html
    assert len(db.session.scalars(select(Task)).all()) == 2
