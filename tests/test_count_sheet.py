"""The state count sheet ("Auswertung Zeitraum") against a small hand-built world with known
figures: author-based counting, the dashboard's "reached", the batch workbook, the check page
and the layout file; through the functions and the real routes."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app.contacts.models import Topic
from app.extensions import db
from app.indicators import countsheet
from app.indicators import countsheet_layout as layout
from app.indicators.catalogue import seed_catalogue
from app.indicators.models import Indicator, IndicatorValue
from app.plans.models import (
    Goal,
    GoalStatusChange,
    IntegrationPlan,
    NetworkingContact,
    PlanVersion,
    Referral,
)
from tests.contacts_helpers import make_contact, seed_topics

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
Q2025 = "date_from=2025-01-01&date_to=2025-12-31"


@pytest.fixture
def world(county, make):
    """2025: `manager` wrote four contacts — two in household A (once with Samira alone), one
    with Otto (alone in his household, no topic) and one in manager_b's household B of the
    other team; `colleague` one in household A; manager_b one in B. Household A was handed
    to the colleague afterwards. Plus plans, a goal, referrals and networking contacts."""
    seed_topics()
    manager, colleague, manager_b = (county.users[k] for k in ("manager", "colleague", "manager_b"))
    ha, hb = county.household_a, county.household_b
    samira = county.person_a
    samira.sex = "f"
    adam = make.person(ha, "Adam", sex="m", birth_year=2018)
    single = make.household(county.town_a, "Alleinig", manager=manager)
    otto = make.person(
        single,
        "Otto",
        sex="m",
        birth_year=1960,
        residence_status="asylum_applicant",
        prospect="secure",
    )
    farid = hb.members[0]
    farid.sex = "m"
    db.session.commit()
    at = datetime
    make_contact(ha, manager, when=at(2025, 2, 3, 10), participants=[samira], topics=["housing"])
    make_contact(ha, manager, when=at(2025, 4, 3, 10), setting="phone", topics=["language"])
    make_contact(single, manager, when=at(2025, 5, 5, 10), setting="video", topics=[])
    make_contact(hb, manager, when=at(2025, 6, 6, 10), setting="office", topics=["housing"])
    make_contact(
        ha, colleague, when=at(2025, 7, 7, 10), setting="office_hour", participants=[samira]
    )
    make_contact(hb, manager_b, when=at(2025, 8, 8, 10), setting="accompaniment")
    deleted = make_contact(ha, manager, when=at(2025, 9, 9, 10))
    deleted.deleted_at, deleted.deleted_reason = at(2025, 9, 10), "doppelt"
    make_contact(ha, manager, when=at(2024, 12, 30, 10))  # the year before
    plan = IntegrationPlan(
        household_id=ha.id,
        started_on=date(2025, 3, 1),
        closed_on=date(2025, 10, 1),
        status="closed",
        created_by_id=manager.id,
    )
    db.session.add(plan)
    db.session.flush()
    signed = {"signed_by": "Samira Haddad", "snapshot": "{}"}
    db.session.add(PlanVersion(plan_id=plan.id, version=1, agreed_on=date(2025, 3, 1), **signed))
    db.session.add(
        PlanVersion(
            plan_id=plan.id,
            version=2,
            agreed_on=date(2025, 6, 1),
            recorded_by_id=colleague.id,
            **signed,
        )
    )
    goal = Goal(plan_id=plan.id, field="german", title="B1", status="achieved")
    db.session.add(goal)
    db.session.flush()
    db.session.add(
        GoalStatusChange(
            goal_id=goal.id,
            from_status="agreed",
            to_status="achieved",
            changed_on=date(2025, 9, 1),
            changed_by_id=manager.id,
        )
    )
    referral = {"household_id": ha.id}
    db.session.add_all(
        [
            Referral(
                **referral,
                service="job_centre",
                referred_on=date(2025, 4, 1),
                recorded_by_id=manager.id,
            ),
            Referral(
                **referral, service="jmd", referred_on=date(2024, 4, 1), recorded_by_id=manager.id
            ),
            Referral(
                **referral, service="mbe", referred_on=date(2025, 7, 1), recorded_by_id=colleague.id
            ),
        ]
    )
    org = county.county.id
    for user, group, day in (
        (manager, "churches", date(2025, 2, 1)),
        (manager, "welfare", date(2024, 9, 1)),
        (colleague, "welfare", date(2025, 10, 1)),
    ):
        db.session.add(
            NetworkingContact(
                organisation_id=org, user_id=user.id, group=group, institution="X", contacted_on=day
            )
        )
    db.session.commit()
    ha.manager = colleague  # handed over later: the manager's counts must not move
    db.session.commit()
    county.people = {"samira": samira, "adam": adam, "otto": otto, "farid": farid}
    county.single = single
    return county


def topic_id(key: str) -> int:
    return db.session.scalar(db.select(Topic.id).where(Topic.key == key))


def test_a_managers_sheet_counts_the_contacts_that_manager_wrote(world):
    manager = world.users["manager"]
    sheet = countsheet.one(world.users["admin"], YEAR, manager)
    f = sheet.figure
    # the contact in manager_b's household counts; household A now being the colleague's does not
    # move anything; the deleted contact and the one of 2024 do not count
    assert f("contacts.total") == 4
    assert f("contacts.setting.home_visit") == 1
    assert f("contacts.setting.office") == 1
    assert f("contacts.setting.phone_video") == 2  # phone and video together
    assert f("contacts.setting.office_hour") == 0
    assert f(countsheet.topic_key(topic_id("housing"))) == 2
    assert f(countsheet.topic_key(topic_id("language"))) == 1
    assert f("contacts.no_topic") == 1
    # reached: the participants (Samira, Adam, Otto, Farid) and their households
    assert f("persons.total") == 4
    assert (f("persons.single"), f("persons.family")) == (2, 2)  # Otto, Farid / Samira, Adam
    assert (f("households.total"), f("households.single"), f("households.family")) == (3, 2, 1)
    assert (f("persons.sex.f"), f("persons.sex.m")) == (1, 3)
    assert (f("persons.age.6-17"), f("persons.age.27-64"), f("persons.age.65+")) == (1, 2, 1)
    assert (f("persons.status.asylum_applicant"), f("persons.status.residence_permit")) == (1, 3)
    assert (f("persons.prospect.secure"), f("persons.prospect.unclear")) == (1, 3)
    # recorded by the manager
    assert (f("plans.started"), f("plans.closed"), f("plans.updated")) == (1, 1, 0)
    assert (f("goals.achieved"), f("goals.achieved.german"), f("goals.not_achieved")) == (1, 1, 0)
    assert (f("referrals.total"), f("referrals.job_centre"), f("referrals.jmd")) == (1, 1, 0)
    assert (f("networking.total"), f("networking.churches"), f("networking.welfare")) == (1, 1, 0)

    colleague = countsheet.one(world.users["admin"], YEAR, world.users["colleague"]).figure
    assert (colleague("contacts.total"), colleague("contacts.setting.office_hour")) == (1, 1)
    assert (colleague("persons.total"), colleague("households.family")) == (1, 1)
    assert (colleague("plans.updated"), colleague("plans.started")) == (1, 0)
    assert (colleague("referrals.mbe"), colleague("networking.welfare")) == (1, 1)


def test_the_sheet_follows_the_layout_order_and_wording(world):
    sheet = countsheet.one(world.users["admin"], YEAR, world.users["manager"])
    labels = [r.label for r in sheet.rows]
    assert labels[:4] == [
        "Erreichte Personen und Haushalte",
        "Erreichte Haushalte insgesamt",
        "davon Einpersonenhaushalte (Alleinstehende)",
        "davon Familien (ab zwei Personen)",
    ]
    numbers = [r.number for r in sheet.rows]
    assert numbers == sorted(numbers)
    figures = sheet.labelled()
    assert figures["Telefon- oder Videoberatung"] == 2
    housing = db.session.scalar(db.select(Topic.label).where(Topic.key == "housing"))
    assert figures[housing] == 2 and figures["ohne Thema"] == 1
    assert figures["Bleibeperspektive sicher"] == 1


def test_batch_workbook_has_a_sheet_per_manager_and_their_sum(world, login):
    response = login("admin").get(f"/reports/count-sheet/all.xlsx?{Q2025}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["Colleague", "Lead", "Manager", "Manager_B", "Summe Testkreis"]

    def read(ws) -> dict[str, int]:
        return {r[1]: r[2] for r in ws.iter_rows(min_row=4, values_only=True) if r[2] is not None}

    sheets = {name: read(workbook[name]) for name in workbook.sheetnames}
    manager = sheets["Manager"]
    assert workbook["Manager"]["B2"].value == "Manager"
    assert manager["Beratungskontakte insgesamt"] == 4
    assert manager["Erreichte Personen insgesamt"] == 4
    assert manager["Erreichte Haushalte insgesamt"] == 3
    assert sheets["Manager_B"]["Begleitung (z. B. zu Behörden)"] == 1
    assert sheets["Lead"]["Beratungskontakte insgesamt"] == 0
    total = sheets["Summe Testkreis"]
    managers = workbook.sheetnames[:-1]
    rows = layout.parse(layout.DEFAULT_FILE.read_text("utf-8"), countsheet.figure_keys())
    reach = {r.label_de for r in rows if r.key.startswith(countsheet.REACH_KEYS)}
    # contacts, plans, referrals, networking: the sum of the managers' sheets; each contact has
    # exactly one author, so the sum holds every contact of the year once
    for label, value in total.items():
        if label not in reach:
            assert value == sum(sheets[n][label] for n in managers), label
    assert total["Beratungskontakte insgesamt"] == 6
    assert total["Vermittlungen insgesamt"] == 2
    # persons and households reached: each once, though Samira was met by manager and
    # colleague, Farid by manager and manager_b (the managers' sheets hold 6 and 5)
    assert sum(sheets[n]["Erreichte Personen insgesamt"] for n in managers) == 6
    assert total["Erreichte Personen insgesamt"] == 4
    assert total["Erreichte Haushalte insgesamt"] == 3
    assert (total["davon alleinstehend"], total["davon in Familien"]) == (2, 2)
    assert (total["weiblich"], total["männlich"]) == (1, 3)
    assert "Haddad" not in str(sheets) and "Samira" not in str(sheets)


def test_batch_is_scoped_by_role(world, login, make):
    lead = load_workbook(
        io.BytesIO(login("lead").get(f"/reports/count-sheet/all.xlsx?{Q2025}").data)
    )
    assert lead.sheetnames == ["Colleague", "Lead", "Manager", "Summe Team Nord"]
    own = load_workbook(
        io.BytesIO(login("manager").get(f"/reports/count-sheet/all.xlsx?{Q2025}").data)
    )
    assert own.sheetnames == ["Manager"]
    assert login("volunteer").get(f"/reports/count-sheet/all.xlsx?{Q2025}").status_code == 403
    assert login("frontdesk").get(f"/reports/count-sheet?{Q2025}").status_code == 403
    # the town's own IM is another organisation: none of the county's managers
    town = load_workbook(
        io.BytesIO(login("town_admin").get(f"/reports/count-sheet/all.xlsx?{Q2025}").data)
    )
    assert town.sheetnames == ["Town_Manager", "Summe Stadt Eigenstadt"]


def row_value(html: str, label: str) -> int:
    match = re.search(rf"<td>{re.escape(label)}</td><td class=\"num\">(\d+)</td>", html)
    assert match, label
    return int(match.group(1))


def test_manager_sees_only_the_own_sheet(world, login):
    b = login("manager")
    colleague = world.users["colleague"]
    page = b.get(f"/reports/count-sheet?{Q2025}&manager_id={colleague.id}")
    assert page.status_code == 200
    assert row_value(page.text, "Beratungskontakte insgesamt") == 4  # own, not the colleague's
    assert 'name="manager_id"' not in page.text
    lead = login("lead")
    chosen = lead.get(f"/reports/count-sheet?{Q2025}&manager_id={colleague.id}").text
    assert row_value(chosen, "Beratungskontakte insgesamt") == 1
    # another team's manager is not the lead's: the team's sum instead
    other = lead.get(f"/reports/count-sheet?{Q2025}&manager_id={world.users['manager_b'].id}")
    assert row_value(other.text, "Beratungskontakte insgesamt") == 5  # manager 4 + colleague 1
    assert "Summe Team Nord" in other.text


def test_dashboard_and_count_sheet_agree_on_reached(county, make, login):
    """Where the old definitions differed — a household with only an indicator value (the old
    sheet counted it), a household where one of two members took part (the old sheet counted
    both) — the dashboard and the count sheet now show the same persons and households."""
    seed_catalogue()
    seed_topics()
    manager, colleague = county.users["manager"], county.users["colleague"]
    ha = county.household_a  # Samira; Adam joins, but only Samira takes part
    make.person(ha, "Adam", birth_year=2015)
    lone = make.household(county.town_a, "Einzeln", manager=colleague)
    make.person(lone, "Lou")
    quiet = make.household(county.town_a, "Still", manager=manager)
    quiet_person = make.person(quiet, "Quinn")
    db.session.commit()
    level = db.session.scalar(db.select(Indicator).where(Indicator.key == "german_level"))
    db.session.add(
        IndicatorValue(
            indicator_id=level.id,
            household_id=quiet.id,
            person_id=quiet_person.id,
            value="A2",
            valid_from=date(2025, 3, 1),
            recorded_at=datetime(2025, 3, 3, 10),
            recorded_by_id=manager.id,
        )
    )
    make_contact(ha, manager, when=datetime(2025, 3, 1, 10), participants=[county.person_a])
    make_contact(lone, colleague, when=datetime(2025, 4, 1, 10))
    # the colleague meets Samira too: still one person, one household on both pages
    make_contact(ha, colleague, when=datetime(2025, 5, 1, 10), participants=[county.person_a])
    db.session.commit()

    b = login("lead")
    dashboard = b.get(f"/reports?{Q2025}").text

    def stat(label: str) -> int:
        match = re.search(
            rf"<strong>(\d+)[^<]*</strong> <span>{re.escape(label)}</span>", dashboard
        )
        assert match, label
        return int(match.group(1))

    sheet = b.get(f"/reports/count-sheet?{Q2025}").text
    assert stat("Personen in Kontakt") == row_value(sheet, "Erreichte Personen insgesamt") == 2
    assert stat("Haushalte in Kontakt") == row_value(sheet, "Erreichte Haushalte insgesamt") == 2
    assert stat("davon Einzelpersonen") == row_value(sheet, "davon alleinstehend") == 1
    assert stat("Beratungskontakte") == row_value(sheet, "Beratungskontakte insgesamt") == 3
    # the same for the whole organisation (admin)
    admin = login("admin")
    dashboard = admin.get(f"/reports?{Q2025}").text
    sheet = admin.get(f"/reports/count-sheet?{Q2025}").text
    assert stat("Personen in Kontakt") == row_value(sheet, "Erreichte Personen insgesamt") == 2
    assert stat("Haushalte in Kontakt") == row_value(sheet, "Erreichte Haushalte insgesamt") == 2


def test_check_page_lists_what_is_missing_with_links(world, login):
    seed_catalogue()  # its required indicators: nobody of the world has them
    db.session.commit()
    b = login("manager")
    page = b.get(f"/reports/count-sheet/check?{Q2025}")
    assert page.status_code == 200
    text = page.text
    # Otto's video contact has no topic: one item, linked to its edit form
    assert "Kontakte ohne Thema (1)" in text
    assert re.search(r'href="/contacts/\d+/edit"', text)
    # the persons reached lack their required indicators: each linked to the indicator sheet
    otto = world.people["otto"]
    assert f'href="/persons/{otto.id}/indicators"' in text
    farid = world.people["farid"]  # manager_b's household in team B: not the manager's to open
    assert f'href="/persons/{farid.id}/indicators"' not in text
    assert "außerhalb Ihres Zugriffs" in text
    # the lead's team check includes the colleague's contact; still the same untopical one
    lead = login("lead").get(f"/reports/count-sheet/check?{Q2025}").text
    assert "Kontakte ohne Thema (1)" in lead
    assert login("volunteer").get("/reports/count-sheet/check").status_code == 403


def test_check_page_is_clean_when_nothing_is_missing(county, make, login):
    seed_topics()  # no required indicators in the catalogue, every contact with a topic
    make_contact(county.household_a, county.users["manager"], when=datetime(2025, 2, 2, 10))
    db.session.commit()
    text = login("manager").get(f"/reports/count-sheet/check?{Q2025}").text
    assert "Nichts fehlt" in text and "Kontakte ohne Thema (0)" in text


def test_csv_and_xlsx_of_one_sheet(world, login):
    b = login("manager")
    response = b.get("/reports/count-sheet.csv?year=2025")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Auswertung Zeitraum", "01.01.2025–31.12.2025", ""]
    assert rows[1][:2] == ["Integrationsmanager:in", "Manager"]
    assert rows[2] == ["Nr.", "Merkmal", "Anzahl"]
    values = {r[1]: r[2] for r in rows[3:]}
    assert values["Erreichte Haushalte insgesamt"] == "3"
    assert values["Erreichte Personen und Haushalte"] == ""  # a heading
    assert "Haddad" not in response.data.decode("utf-8-sig")
    xlsx = load_workbook(io.BytesIO(b.get(f"/reports/count-sheet.xlsx?{Q2025}").data))
    assert xlsx.sheetnames == ["Manager"]
    cells = {r[1]: r[2] for r in xlsx.active.iter_rows(min_row=4, values_only=True)}
    assert cells["Beratungskontakte insgesamt"] == 4


def test_page_bad_period_and_unknown_format(world, login):
    b = login("manager")
    page = b.get("/reports/count-sheet?year=2025")
    assert page.status_code == 200 and "Erreichte Haushalte insgesamt" in page.text
    assert "Kontakt-Modul" not in page.text
    bad = b.get("/reports/count-sheet?date_from=2025-05-01&date_to=2025-01-01")
    assert "„Bis“ liegt vor „Von“." in bad.text
    assert b.get("/reports/count-sheet.pdf").status_code == 404


def test_english_interface_uses_the_layouts_english_wording(world, login):
    english = {"Accept-Language": "en"}
    b = login("admin")
    page = b.get(f"/reports/count-sheet?{Q2025}", headers=english).text
    assert "Households reached in total" in page and "Erreichte Haushalte" not in page
    response = b.get(f"/reports/count-sheet/all.xlsx?{Q2025}", headers=english)
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[-1] == "Total Testkreis"
    ws = workbook["Manager"]
    assert [c.value for c in ws[3]] == ["No.", "Characteristic", "Count"]
    cells = {r[1]: r[2] for r in ws.iter_rows(min_row=4, values_only=True)}
    assert cells["Counselling by phone or video"] == 2


LAYOUT = """key;order;label_de;label_en
section.x;5;Kontakte;Contacts
contacts.total;1;Alle Kontakte;All contacts
persons.total;7;Menschen erreicht;People reached
contacts.topic.*;9;Thema {topic};Topic {topic}
"""


def test_a_changed_layout_file_changes_the_sheet(world, login, app, tmp_path, monkeypatch):
    path = tmp_path / "layout.csv"
    path.write_text(LAYOUT, encoding="utf-8")
    monkeypatch.setitem(app.config, "COUNT_SHEET_LAYOUT", str(path))
    text = login("manager").get(f"/reports/count-sheet?{Q2025}").text
    assert "Erreichte Haushalte insgesamt" not in text  # left out of the layout
    first, heading, people = (
        text.index("Alle Kontakte"),
        text.index('<th colspan="3" scope="colgroup">Kontakte'),
        text.index("Menschen erreicht"),
    )
    assert first < heading < people  # the file's order
    assert row_value(text, "Alle Kontakte") == 4
    assert row_value(text, "Menschen erreicht") == 4
    housing = db.session.scalar(db.select(Topic.label).where(Topic.key == "housing"))
    assert row_value(text, f"Thema {housing}") == 2
    # a broken edit: a clear message naming the line, not a bare error page
    path.write_text(LAYOUT + "persons.totl;11;Tippfehler;Typo\n", encoding="utf-8")
    broken = login("manager").get(f"/reports/count-sheet?{Q2025}")
    assert broken.status_code == 500
    assert (
        "Layout-Datei" in broken.text
        and "line 6: unknown key &#39;persons.totl&#39;" in broken.text
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key;order;label\n", "line 1: columns must be key;order;label_de;label_en"),
        ("key;order;label_de;label_en\nfoo;1;A;B\n", "line 2: unknown key 'foo'"),
        ("key;order;label_de;label_en\ncontacts.total;x;A;B\n", "order 'x' is not a whole number"),
        (
            "key;order;label_de;label_en\ncontacts.total;1;A;B\npersons.total;1;C;D\n",
            "line 3: order 1 already on line 2",
        ),
        (
            "key;order;label_de;label_en\ncontacts.total;1;A;B\ncontacts.total;2;C;D\n",
            "line 3: key 'contacts.total' already on line 2",
        ),
        (
            "key;order;label_de;label_en\ncontacts.total;1;;B\n",
            "German wording (label_de) is empty",
        ),
        ("key;order;label_de;label_en\ncontacts.topic.*;1;Thema;Topic\n", "must contain {topic}"),
        ("key;order;label_de;label_en\ncontacts.total;1;A\n", "4 cells expected, found 3"),
        ("key;order;label_de;label_en\nsection.a;1;A;B\n", "the layout has no figures"),
    ],
)
def test_layout_validation(text, message):
    with pytest.raises(layout.LayoutError, match=re.escape(message)):
        layout.parse(text, countsheet.figure_keys(), "test.csv")


def test_default_layout_is_valid_and_names_every_setting():
    rows = layout.parse(layout.DEFAULT_FILE.read_text(encoding="utf-8"), countsheet.figure_keys())
    keys = {r.key for r in rows}
    assert {f"contacts.setting.{k}" for k in countsheet.SETTING_KEYS} <= keys
    from app.contacts.choices import SETTINGS

    # every setting of the contact form lands in one line of the sheet
    assert sorted(c for codes in countsheet.SETTING_KEYS.values() for c in codes) == sorted(
        SETTINGS
    )
    assert all(r.label_en for r in rows)


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    names = [countsheet.sheet_name(t, taken) for t in ("A/B", "x" * 40, "x" * 40, "a/b")]
    assert names[0] == "A_B" and len(names[1]) == 31 and names[2].endswith(" (2)")
    assert names[3] == "a_b (2)" and all(len(n) <= 31 for n in names)


def test_count_sheet_uses_a_fixed_number_of_queries_per_manager(world, make):
    def count(fn) -> int:
        statements = []

        def before(*args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        return len(statements)

    manager = world.users["manager"]
    admin = world.users["admin"]
    small = count(lambda: countsheet.one(admin, YEAR, manager))
    for n in range(10):
        h = make.household(world.town_a, f"More{n}", manager=manager)
        make.person(h, "X")
        db.session.flush()
        make_contact(h, manager, when=datetime(2025, 5, 5, 10))
        db.session.add(
            Referral(
                household_id=h.id,
                service="jmd",
                referred_on=date(2025, 5, 5),
                recorded_by_id=manager.id,
            )
        )
    db.session.commit()
    assert count(lambda: countsheet.one(admin, YEAR, manager)) == small


def test_figure_functions_honour_an_author_scope(world):
    """Any figure function asked for an author's scope counts that author's contacts (from the
    contacts: the rollups know no authors), as the count sheet does."""
    from app.reports import figures

    manager = world.users["manager"]
    scope = figures.ReportScope(
        organisation_id=world.county.id, author_id=manager.id, start=YEAR[0], end=YEAR[1]
    )
    settings = figures.contacts_by_setting(scope)
    assert (settings.total, settings.get("phone"), settings.get("video")) == (4, 1, 1)
    topics = {t.key: t.count for t in figures.contacts_by_topic(scope)}
    assert (topics["housing"], topics["language"]) == (2, 1)
    reach = figures.reach(scope)
    assert (reach.persons, reach.households, reach.single_persons) == (4, 3, 2)
    # a period across two years: counted per year
    both = figures.ReportScope(
        organisation_id=world.county.id,
        author_id=manager.id,
        start=date(2024, 12, 1),
        end=date(2025, 12, 31),
    )
    assert figures.contacts_by_setting(both).total == 5


def test_cli_checks_the_layout_file(app, tmp_path, monkeypatch):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["reports", "check-layout"])
    assert ok.exit_code == 0 and "valid" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_text("key;order;label_de;label_en\nfoo;1;a;b\n", encoding="utf-8")
    monkeypatch.setitem(app.config, "COUNT_SHEET_LAYOUT", str(bad))
    broken = runner.invoke(args=["reports", "check-layout"])
    assert broken.exit_code == 1 and "line 2: unknown key 'foo'" in broken.output
