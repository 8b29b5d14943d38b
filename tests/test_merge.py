"""Merging duplicates (issue #16, point 3): the service without HTTP, then the pages.

The conftest's rollup guard checks after every test that the report rollups still equal a
fresh computation from the contacts, so each merge below also proves they stay exact."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.appointments.models import Appointment, AppointmentShare, appointment_person
from app.audit.models import AuditEvent
from app.consent.models import ConsentRecord
from app.contacts.models import Contact, Task, contact_participant
from app.extensions import db
from app.households.models import Household, Person
from app.imports.models import ImportedRow, ImportRun
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.merge import services as merge
from app.merge.models import RecordMerge
from app.officehours.models import OfficeLocation, QueueEntry
from app.plans.models import CounsellingExtension, IntegrationPlan, Referral
from app.privacy.models import PersonCorrection
from app.privacy.services import access_events, subject_access
from app.reports import rollups
from app.timeutil import today, utcnow
from tests.conftest import given_consent
from tests.contacts_helpers import make_contact, seed_topics


# --- a world with a family recorded twice ------------------------------------------------------
class Dup:
    """household_a (Haddad: Samira) and, in the same team, the same family recorded again
    (Hadad: Samira and her son Omar), each with case work attached."""

    def __init__(self, county, make) -> None:
        self.county = county
        users = county.users
        self.keep = county.household_a
        self.samira = county.person_a
        self.other = make.household(
            county.town_a,
            "Hadad",
            manager=users["colleague"],
            street="Lindenweg 3",
            phone="07161 12345",
            counselling_started_on=date(2023, 4, 1),
        )
        self.samira2 = make.person(
            self.other, "Samira", "Hadad", phone="0176 555", languages="Arabisch"
        )
        self.omar = make.person(self.other, "Omar", "Hadad", birth_year=2012)
        db.session.commit()
        for person in (self.samira, self.samira2, self.omar):
            db.session.add(given_consent(person.id))
        db.session.commit()
        seed_topics()
        seed_catalogue()
        manager = users["manager"]
        last_year = utcnow() - timedelta(days=400)
        self.contacts_keep = [
            make_contact(self.keep, manager, tasks=[{}]),
            make_contact(self.keep, manager, when=last_year),
        ]
        self.contacts_other = [
            make_contact(self.other, users["colleague"], tasks=[{}, {"status": "done"}]),
            make_contact(self.other, users["colleague"], when=last_year, setting="office_hour"),
            make_contact(self.other, users["colleague"], participants=[self.samira2]),
        ]
        indicator = db.session.scalar(select(Indicator).where(Indicator.key == "german_level"))
        db.session.add_all(
            [
                IndicatorValue(
                    indicator_id=indicator.id,
                    household_id=self.other.id,
                    person_id=self.samira2.id,
                    value=indicator.options[0].code,
                    valid_from=date(2024, 3, 1),
                ),
                IntegrationPlan(
                    household_id=self.other.id,
                    person_id=self.samira2.id,
                    started_on=date(2024, 1, 10),
                ),
                Referral(household_id=self.other.id, service="job_centre", referred_on=today()),
                CounsellingExtension(
                    household_id=self.other.id, extended_on=today(), reason="Sprachkurs läuft"
                ),
            ]
        )
        start = utcnow().replace(microsecond=0) + timedelta(days=3)
        self.appointment = Appointment(
            household=self.other,
            manager=users["colleague"],
            kind="home_visit",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            short_code="MERGE001",
            persons=[self.samira2, self.omar],
        )
        db.session.add(self.appointment)
        db.session.flush()
        db.session.add(
            AppointmentShare(appointment_id=self.appointment.id, volunteer=users["volunteer"])
        )
        location = OfficeLocation(municipality=county.town_a, name="Rathaus", room="1")
        db.session.add(location)
        db.session.flush()
        db.session.add(
            QueueEntry(
                location_id=location.id,
                day=today(),
                person_id=self.samira2.id,
                household_id=self.other.id,
            )
        )
        run = ImportRun(organisation_id=county.county.id, file_hash="f" * 64)
        db.session.add(run)
        db.session.flush()
        db.session.add(
            ImportedRow(
                organisation_id=county.county.id,
                run_id=run.id,
                row_key="k" * 64,
                household_id=self.other.id,
                person_id=self.samira2.id,
            )
        )
        db.session.commit()


@pytest.fixture
def dup(county, make) -> Dup:
    return Dup(county, make)


def _count(model, **where) -> int:
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return db.session.scalar(stmt)


def _refers_to(kind: str, record_id: int) -> dict[str, int]:
    """Rows anywhere in the schema (rollups included) that still point at the record."""
    table = (Person if kind == "person" else Household).__table__
    found = {}
    for t in db.metadata.sorted_tables:
        for column in t.columns:
            if any(fk.column.table is table for fk in column.foreign_keys):
                n = db.session.scalar(
                    select(func.count()).select_from(t).where(column == record_id)
                )
                if n:
                    found[f"{t.name}.{column.name}"] = n
    return found


# --- service: households ------------------------------------------------------------------------
def test_household_merge_moves_every_linked_row(dup, ctx):
    keep, other = dup.keep, dup.other
    other_id = other.id
    before = {
        "contacts": _count(Contact, household_id=keep.id) + _count(Contact, household_id=other_id),
        "tasks": _count(Task, household_id=keep.id) + _count(Task, household_id=other_id),
    }
    fields = merge.household_fields(keep, other)
    picked = merge.default_choices(fields)
    assert picked["counselling_started_on"] == merge.OTHER  # the earlier start wins by default
    picked["phone"] = merge.OTHER
    result = merge.merge_households(dup.county.users["lead"], keep, other, picked)
    db.session.commit()

    assert db.session.get(Household, other_id) is None
    assert _refers_to("household", other_id) == {}
    keep = db.session.get(Household, dup.keep.id)
    assert keep.phone == "07161 12345" and keep.counselling_started_on == date(2023, 4, 1)
    # an empty field takes the other record's value by default
    assert keep.street == "Lindenweg 3" and keep.manager_id == dup.county.users["manager"].id
    assert {p.full_name for p in keep.members} == {"Samira Haddad", "Samira Hadad", "Omar Hadad"}
    assert _count(Contact, household_id=keep.id) == before["contacts"] == 5
    assert _count(Task, household_id=keep.id) == before["tasks"] == 3
    assert _count(IndicatorValue, household_id=keep.id) == 1
    assert _count(IntegrationPlan, household_id=keep.id) == 1
    assert _count(Referral, household_id=keep.id) == 1
    assert _count(CounsellingExtension, household_id=keep.id) == 1
    assert _count(Appointment, household_id=keep.id) == 1
    assert _count(AppointmentShare, appointment_id=dup.appointment.id) == 1
    assert _count(QueueEntry, household_id=keep.id) == 1
    assert _count(ImportedRow, household_id=keep.id) == 1
    # the pointer, and what it says moved
    assert result.kind == "household" and result.merged_id == other_id
    assert result.survivor_id == keep.id
    assert result.moved["contact"] == 3 and result.moved["person"] == 2
    assert result.fields == "counselling_started_on, phone, street"
    assert merge.merged_ids("household", keep.id) == [keep.id, other_id]
    # the rollups of the survivor hold all five contacts, the merged household has none
    h = rollups.household_rollup
    rows = db.session.execute(select(h).where(h.c.household_id.in_((keep.id, other_id)))).all()
    assert {r.household_id for r in rows} == {keep.id}
    assert sum(sum(r._mapping[f"n{m}"] for m in rollups.MONTHS) for r in rows) == 5
    # audited on both records, without personal data
    details = db.session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "merge").order_by(AuditEvent.id)
    ).all()
    assert details == [
        f"household {other_id} merged into {keep.id}; fields from {other_id}: "
        f"counselling_started_on, phone, street; moved: {_summary(result.moved)}",
        f"merged into household {keep.id}",
    ]
    assert not any("Hadad" in d or "07161" in d for d in details)


def _summary(moved: dict) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(moved.items()))


def test_household_merge_keeps_the_survivors_extension(dup, ctx):
    db.session.add(
        CounsellingExtension(household_id=dup.keep.id, extended_on=today(), reason="Eigene")
    )
    db.session.commit()
    merge.merge_households(
        None,
        dup.keep,
        dup.other,
        merge.default_choices(merge.household_fields(dup.keep, dup.other)),
    )
    db.session.commit()
    reasons = db.session.scalars(select(CounsellingExtension.reason)).all()
    assert reasons == ["Eigene"]


# --- service: persons ---------------------------------------------------------------------------
def test_person_merge_within_a_household(dup, ctx):
    keep_h = dup.keep
    merge.merge_households(
        None, keep_h, dup.other, merge.default_choices(merge.household_fields(keep_h, dup.other))
    )
    db.session.commit()
    samira = db.session.get(Person, dup.samira.id)
    samira2 = db.session.get(Person, dup.samira2.id)
    other_id = samira2.id
    # both Samiras took part in one contact of the merged household? make one now
    both = make_contact(
        samira.household, dup.county.users["manager"], participants=[samira, samira2]
    )
    consents_before = _count(ConsentRecord, person_id=samira.id) + _count(
        ConsentRecord, person_id=other_id
    )
    fields = merge.person_fields(samira, samira2)
    differing = {f.name for f in fields if f.differs}
    assert differing == {"family_name", "native_name", "phone", "languages"}
    picked = merge.default_choices(fields)
    assert picked == {
        "family_name": "keep",
        "native_name": "keep",
        "phone": "other",
        "languages": "other",
    }
    result = merge.merge_persons(dup.county.users["manager"], samira, samira2, picked)
    db.session.commit()

    assert db.session.get(Person, other_id) is None
    assert _refers_to("person", other_id) == {}
    samira = db.session.get(Person, dup.samira.id)
    assert (samira.full_name, samira.phone, samira.languages) == (
        "Samira Haddad",
        "0176 555",
        "Arabisch",
    )
    assert samira.search_latin  # keys refreshed
    # one participant row for the contact both took part in
    participants = db.session.scalars(
        select(contact_participant.c.person_id).where(contact_participant.c.contact_id == both.id)
    ).all()
    assert participants == [samira.id]
    assert _count(ConsentRecord, person_id=samira.id) == consents_before
    assert _count(IndicatorValue, person_id=samira.id) == 1
    assert _count(IntegrationPlan, person_id=samira.id) == 1
    assert _count(QueueEntry, person_id=samira.id) == 1
    assert _count(ImportedRow, person_id=samira.id) == 1
    persons_on_appointment = db.session.scalars(
        select(appointment_person.c.person_id).where(
            appointment_person.c.appointment_id == dup.appointment.id
        )
    ).all()
    assert sorted(persons_on_appointment) == sorted([samira.id, dup.omar.id])
    # rectification history: the survivor's old values, with the reason
    corrections = {
        c.field: (c.old_value, c.new_value, c.reason)
        for c in db.session.scalars(
            select(PersonCorrection).where(PersonCorrection.person_id == samira.id)
        )
    }
    assert corrections["phone"][:2] == ("", "0176 555")
    assert str(other_id) in corrections["phone"][2]
    assert result.fields == "languages, phone"
    # the merged record's audit history is the survivor's now, and the merge is in the
    # subject access
    events = access_events(samira)
    merged_events = [e for e in events if e.object_type == "person" and e.object_id == other_id]
    assert [e.detail for e in merged_events] == [f"merged into person {samira.id}"]
    sections = {s["key"]: s["data"] for s in subject_access(samira)["sections"]}
    assert [row["Frühere Nummer"] for row in sections["merges"]] == [dup.other.id, other_id]
    assert [row["Datensatz"] for row in sections["merges"]] == ["Haushalt", "Person"]


def test_a_lone_person_of_another_household_brings_it_along(county, make, ctx):
    seed_topics()
    alone = make.household(county.town_a, "Haddad", manager=county.users["manager"])
    samira2 = make.person(alone, "Samira", "Haddad")
    db.session.commit()
    make_contact(alone, county.users["manager"])
    alone_id = alone.id
    result = merge.merge_persons(None, county.person_a, samira2, {"native_name": "keep"})
    db.session.commit()
    assert db.session.get(Household, alone_id) is None
    household_merge = db.session.get(RecordMerge, result.moved["household_merge"])
    assert (household_merge.kind, household_merge.merged_id) == ("household", alone_id)
    assert _count(Contact, household_id=county.household_a.id) == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("same", "nicht mit sich selbst"),
        ("teams", "verschiedenen Teams (Team Nord, Team Süd)"),
        ("organisations", "verschiedener Träger"),
        ("family", "zuerst die Haushalte zusammenführen"),
        ("transfer", "Übertragung"),
    ],
)
def test_refusals(case, message, county, make, ctx):
    from app.transfers.models import Transfer

    samira = county.person_a
    if case == "same":
        other = samira
    elif case == "teams":
        other = db.session.scalar(select(Person).where(Person.given_name == "Farid"))
    elif case == "organisations":
        other = db.session.scalar(select(Person).where(Person.given_name == "Olena"))
    else:
        family = make.household(county.town_a, "Haddad")
        other = make.person(family, "Samira")
        make.person(family, "Yusuf")
        if case == "transfer":
            family.members[1].household = county.household_a  # Samira alone there now
            db.session.add(
                Transfer(
                    household=family,
                    from_org_id=county.county.id,
                    to_org_id=county.town.id,
                    to_municipality_id=county.own_town.id,
                    household_name="Haddad",
                    created_by_id=county.users["manager"].id,
                )
            )
        db.session.commit()
    persons_before = _count(Person)
    with pytest.raises(merge.MergeRefused, match=re.escape(message)):
        merge.merge_persons(None, samira, other, {})
    db.session.rollback()
    assert _count(Person) == persons_before and _count(RecordMerge) == 0


def test_household_refusals(county, ctx):
    for other, message in (
        (county.household_a, "nicht mit sich selbst"),
        (county.household_b, "verschiedenen Teams"),
        (county.household_town, "verschiedener Träger"),
    ):
        with pytest.raises(merge.MergeRefused, match=message):
            merge.merge_households(None, county.household_a, other, {})
        db.session.rollback()
    assert _count(Household) == 3


def test_a_merged_record_cannot_be_merged_again(dup, ctx):
    keep, other = dup.keep, dup.other
    choice = merge.default_choices(merge.household_fields(keep, other))
    stale = Household(id=other.id)  # what a replayed form still names
    merge.merge_households(None, keep, other, choice)
    db.session.commit()
    with pytest.raises(merge.AlreadyMerged) as refused:
        merge.merge_households(None, db.session.get(Household, keep.id), stale, choice)
    assert refused.value.pointer.survivor_id == keep.id
    db.session.rollback()
    assert _count(RecordMerge) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "merge")
        )
        == 2
    )


def test_pointers_follow_a_survivor_that_is_merged_in_turn(county, make, ctx):
    a = make.household(county.town_a, "Ali")
    b = make.household(county.town_a, "Ali")
    c = make.household(county.town_a, "Ali")
    db.session.commit()
    b_id, c_id = b.id, c.id
    merge.merge_households(None, b, c, {})
    merge.merge_households(
        None, db.session.get(Household, a.id), db.session.get(Household, b_id), {}
    )
    db.session.commit()
    assert merge.pointer("household", c_id).survivor_id == a.id
    assert merge.pointer("household", c_id).first_survivor_id == b_id
    assert sorted(merge.merged_ids("household", a.id)) == sorted([a.id, b_id, c_id])


def test_merged_ids_are_never_reused(county, make, ctx):
    newest = make.household(county.town_a, "Neu")
    db.session.commit()
    newest_id = newest.id
    fields = merge.household_fields(county.household_a, newest)
    merge.merge_households(None, county.household_a, newest, merge.default_choices(fields))
    db.session.commit()
    again = make.household(county.town_a, "Noch neuer")
    db.session.commit()
    assert again.id > newest_id


# --- through the forms --------------------------------------------------------------------------
def _merges() -> int:
    return db.session.scalar(select(func.count()).select_from(RecordMerge))


def _merge_events() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "merge")
    )


def test_person_merge_through_the_forms(dup, login, ctx):
    # the duplicate households were merged before: both Samiras live in household_a now
    merge.merge_households(
        None,
        dup.keep,
        dup.other,
        merge.default_choices(merge.household_fields(dup.keep, dup.other)),
    )
    db.session.commit()
    keep_id, other_id = dup.samira.id, dup.samira2.id
    b = login("manager")
    listed = b.get(f"/persons/{keep_id}/duplicates").get_data(as_text=True)
    assert f"/persons/{keep_id}/merge/{other_id}" in listed
    url = f"/persons/{keep_id}/merge/{other_id}"
    page = b.get(url).get_data(as_text=True)
    # side by side: a radio pair for each differing field, preset to the better value
    assert '<input checked id="pick_phone-1" name="pick_phone" type="radio" value="other">' in page
    assert "0176 555" in page and "Samira Haddad" in page and "Samira Hadad" in page
    assert 'name="pick_given_name"' not in page  # the same in both
    confirm = b.post(
        url,
        {
            "pick_family_name": "other",
            "pick_native_name": "keep",
            "pick_phone": "other",
            "pick_languages": "keep",
            "preview": "1",
        },
    )
    body = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Jetzt zusammenführen" in body
    assert _merges() == 1  # the confirmation page changes nothing
    form = {
        "pick_family_name": "other",
        "pick_native_name": "keep",
        "pick_phone": "other",
        "pick_languages": "keep",
        "confirm": "1",
    }
    done = b.post(url, form)
    assert done.status_code == 303
    result_url = done.headers["Location"]
    result = b.get(result_url).get_data(as_text=True)
    assert "Zusammengeführt" in result and "family_name, phone" in result
    db.session.expire_all()
    samira = db.session.get(Person, keep_id)
    assert (samira.family_name, samira.phone, samira.languages) == ("Hadad", "0176 555", "")
    assert db.session.get(Person, other_id) is None
    # old links lead to the survivor
    for old, new in (
        (f"/persons/{other_id}", f"/persons/{keep_id}"),
        (f"/persons/{other_id}/indicators", f"/persons/{keep_id}/indicators"),
    ):
        response = b.get(old)
        assert response.status_code == 302 and response.headers["Location"] == new, old
    assert b.post(f"/persons/{other_id}/edit", {}).status_code == 404  # never acts on it
    # a replayed confirmation does nothing twice
    merges, events = _merges(), _merge_events()
    replay = b.post(url, form)
    assert replay.status_code == 303 and replay.headers["Location"] == result_url
    assert "bereits zusammengeführt" in b.get(result_url).get_data(as_text=True)
    assert (_merges(), _merge_events()) == (merges, events)
    # the subject access shows the merge and the merged record's history
    report = login("lead").get(f"/persons/{keep_id}/subject-access.json").get_json()
    sections = {s["key"]: s["data"] for s in report["sections"]}
    assert other_id in [row["Frühere Nummer"] for row in sections["merges"]]
    assert any(
        f"person {other_id} merged into {keep_id}" in row["Details"] for row in sections["access"]
    )


def test_household_merge_through_the_forms_and_old_links(dup, login, ctx):
    keep_id, other_id = dup.keep.id, dup.other.id
    b = login("lead")
    listed = b.get(f"/households/{keep_id}/duplicates").get_data(as_text=True)
    assert f"/households/{keep_id}/merge/{other_id}" in listed
    url = f"/households/{keep_id}/merge/{other_id}"
    page = b.get(url).get_data(as_text=True)
    assert "Beratungskontakte: 3" in page and "Aufgaben: 2" in page
    picks = {
        "pick_name": "keep",
        "pick_street": "other",
        "pick_phone": "other",
        "pick_manager_id": "keep",
        "pick_counselling_started_on": "other",
        "confirm": "1",
    }
    done = b.post(url, picks)
    assert done.status_code == 303, done.get_data(as_text=True)
    db.session.expire_all()
    household = db.session.get(Household, keep_id)
    assert (household.street, household.phone) == ("Lindenweg 3", "07161 12345")
    assert len(household.members) == 3
    for old in (f"/households/{other_id}", f"/households/{other_id}/timeline?page=2"):
        response = b.get(old)
        assert response.status_code == 302
        assert response.headers["Location"] == old.replace(str(other_id), str(keep_id))
    # a user who may not see the survivor gets no redirect (and learns nothing)
    assert login("manager_b").get(f"/households/{other_id}").status_code == 404
    assert login("town_admin").get(f"/merges/{_last_merge_id()}").status_code == 404


def _last_merge_id() -> int:
    return db.session.scalar(select(func.max(RecordMerge.id)))


def test_a_missing_or_invalid_choice_is_shown_next_to_the_field(dup, login, ctx):
    url = f"/households/{dup.keep.id}/merge/{dup.other.id}"
    b = login("manager")
    response = b.post(url, {"pick_name": "x", "pick_street": "other", "confirm": "1"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count("Bitte einen der beiden Werte wählen.") == 4  # name, phone, manager, start
    assert 'id="pick_name-err"' in body
    assert _merges() == 0 and db.session.get(Household, dup.other.id) is not None


def test_refusals_through_the_forms(county, login, make, ctx):
    admin = login("admin")
    farid = db.session.scalar(select(Person).where(Person.given_name == "Farid"))
    olena = db.session.scalar(select(Person).where(Person.given_name == "Olena"))
    samira = county.person_a.id
    page = admin.get(f"/persons/{samira}/merge/{farid.id}").get_data(as_text=True)
    assert "verschiedenen Teams (Team Nord, Team Süd)" in page and "pick_" not in page
    refused = admin.post(f"/persons/{samira}/merge/{farid.id}", {"confirm": "1"})
    assert refused.status_code == 409
    assert "verschiedenen Teams" in refused.get_data(as_text=True)
    same = admin.get(f"/persons/{samira}/merge/{samira}").get_data(as_text=True)
    assert "nicht mit sich selbst" in same
    # another organisation's record: not even its existence is shown
    assert admin.get(f"/persons/{samira}/merge/{olena.id}").status_code == 404
    assert admin.post(f"/persons/{samira}/merge/{olena.id}", {"confirm": "1"}).status_code == 404
    households = f"/households/{county.household_a.id}/merge/{county.household_b.id}"
    assert "verschiedenen Teams" in admin.get(households).get_data(as_text=True)
    assert _merges() == 0 and _count(Person) == 3


def test_the_same_merge_confirmed_at_once_happens_once(dup, login, ctx):
    """Four colleagues confirm the same merge at the same moment (PostgreSQL: SQLite
    serialises writers with a file lock, so requests cannot race there)."""
    import threading

    from tests.conftest import is_postgres

    if not is_postgres():
        pytest.skip("needs PostgreSQL; run with TEST_DATABASE_URL=postgresql+psycopg://...")
    keep_id, other_id = dup.keep.id, dup.other.id
    url = f"/households/{keep_id}/merge/{other_id}"
    picks = merge.default_choices(merge.household_fields(dup.keep, dup.other))
    form = {f"pick_{name}": side for name, side in picks.items()} | {"confirm": "1"}
    browsers = [login(name) for name in ("admin", "lead", "manager", "colleague")]
    for b in browsers:
        b.get(url)  # each with its own form's CSRF token
    db.session.rollback()
    barrier = threading.Barrier(len(browsers))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def confirm(b) -> None:
        try:
            barrier.wait(timeout=20)
            statuses.append(b.post(url, form).status_code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and statuses == [303] * len(browsers)
    db.session.expire_all()
    assert _merges() == 1 and _merge_events() == 2
    assert db.session.get(Household, other_id) is None
    assert _count(Contact, household_id=keep_id) == 5
