"""A state-sized synthetic data set on PostgreSQL for bench/scale_reports.py.

.venv/bin/python bench/scale_data.py [--reuse] [--factor 1.0] [--url postgresql+psycopg://...]

One organisation (a state, "Land Beispiel") with 100 teams, 988 municipalities (the 38 towns of
app/data/municipalities-goeppingen.csv, each repeated with district suffixes), 1,200 staff
(1 admin, 100 team leads, 1,000 managers, 99 front desks) plus 100 volunteers, and at factor 1:
100,000 persons in ~50,000 households (families hold ~2/3 of persons), 1,000,000 contacts over
the last 365 days (~1/3 home visits) with participants and topics, ~400,000 next-step tasks,
5,000,000 indicator values with history, appointments, office-hour check-ins, referrals and
networking contacts. Everything is invented from the demo name pools (app/demo/names.py); no
real person is described.

The schema is built by the Alembic migrations (what `flask db upgrade` runs), so the indexes the
benchmark measures are the real ones; the rows go in with COPY (psycopg 3 `cursor.copy`), with
foreign-key triggers off for the load (`session_replication_role = replica`; the generator keeps
the references consistent). `--reuse` keeps an existing data set of the same size.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app import create_app
from app.demo import names
from app.demo.contacts import AUTHORITIES, DURATIONS, NOTES, SETTINGS, STEPS, TOPIC_WEIGHTS
from app.demo.generator import DEMO_PASSWORD, load_municipalities
from app.extensions import db
from app.households.search import search_keys
from app.plans import choices as plan_choices
from app.timeutil import today as local_today

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/wb_scale"
ORG_NAME = "Land Beispiel – Integrationsmanagement (synthetisch)"
TEAMS = 100
MANAGERS_PER_TEAM = 10
FRONT_DESKS = 99
VOLUNTEERS = 100
SUFFIXES = ["", "-Nord", "-Süd", "-Ost", "-West", "-Mitte"] + [f" {i}" for i in range(2, 22)]
HASH = "pbkdf2:sha256:1000"
INDICATOR_VALUES = 5_000_000
CONTACTS = 1_000_000
PERSONS = 100_000


def database_url() -> str:
    return os.environ.get("SCALE_DATABASE_URL") or DEFAULT_URL


def make_app(url: str):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": HASH,
            "ENFORCE_2FA": False,
        }
    )


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- COPY helpers ---------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Loader:
    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self.counts: dict[str, int] = {}

    def copy(self, table: str, columns: list[str], rows) -> int:
        """COPY rows (iterables of values; no tabs, newlines or backslashes in the text)."""
        n = 0
        started = time.perf_counter()
        with self.conn.cursor() as cur:
            quoted = ", ".join(f'"{c}"' for c in columns)
            sql = f'COPY "{table}" ({quoted}) '
            with cur.copy(sql + "FROM STDIN") as copy:
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(map(_cell, row)))
                    buffer.write("\n")
                    n += 1
                    if n % 50_000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
        self.counts[table] = self.counts.get(table, 0) + n
        print(f"  {table}: {n:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        return n


# --- the generator --------------------------------------------------------------------------
class Scale:
    def __init__(self, factor: float, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.today = local_today()
        self.start = self.today - timedelta(days=365)
        self.now = datetime.combine(self.today, datetime.min.time()) + timedelta(hours=7)
        self.persons_target = int(PERSONS * factor)
        self.contacts_target = int(CONTACTS * factor)
        self.values_target = int(INDICATOR_VALUES * factor)
        self._keys: dict[tuple[str, str, str], tuple[str, ...]] = {}

    # organisation, teams, towns, staff: small, through plain INSERTs
    def organisation(self, load: Loader) -> None:
        from werkzeug.security import generate_password_hash

        cur = load.conn.cursor()
        cur.execute(
            "INSERT INTO organisation (id, name, kind, address, phone, email, enforce_2fa_all) "
            "VALUES (1, %s, 'county', 'Musterstraße 1, 70000 Beispielstadt', '0711 000-0', "
            "'im@example.org', false)",
            (ORG_NAME,),
        )
        self.teams = list(range(1, TEAMS + 1))
        load.copy(
            "team",
            ["id", "organisation_id", "name"],
            ((t, 1, f"Team {t:03d}") for t in self.teams),
        )
        rows = load_municipalities()
        towns = []
        for suffix in SUFFIXES:
            for row in rows:
                towns.append((f"{row['municipality']}{suffix}", int(row["population_approx"])))
        self.towns = []  # (id, team_id, name, population)
        for index, (name, population) in enumerate(towns, start=1):
            self.towns.append((index, self.teams[(index - 1) % TEAMS], name, population))
        load.copy(
            "municipality",
            ["id", "name", "population", "organisation_id", "team_id"],
            ((i, n, p, 1, t) for i, t, n, p in self.towns),
        )
        password = generate_password_hash(DEMO_PASSWORD, method=HASH)
        users = []
        uid = 0
        staff_names = names.STAFF_NAMES

        def user(username, role, team, fte, qualification):
            nonlocal uid
            uid += 1
            users.append(
                (
                    uid,
                    username,
                    f"{staff_names[uid % len(staff_names)]} ({uid})",
                    f"{username}@example.org",
                    password,
                    role,
                    1,
                    team,
                    fte,
                    qualification,
                    True,
                    self.now,
                    None,
                )
            )
            return uid

        self.admin_id = user("admin", "admin", None, "0", None)
        self.leads: dict[int, int] = {}
        self.managers: dict[int, list[int]] = {}
        for team in self.teams:
            self.leads[team] = user(f"lead-{team:03d}", "team_lead", team, "1.00", "university")
            self.managers[team] = [
                user(
                    f"im-{team:03d}-{m:02d}",
                    "manager",
                    team,
                    self.rng.choice(["1.00", "1.00", "0.75", "0.50"]),
                    self.rng.choice(["university", "university", "vocational"]),
                )
                for m in range(1, MANAGERS_PER_TEAM + 1)
            ]
        for desk in range(1, FRONT_DESKS + 1):
            user(f"empfang-{desk:03d}", "front_desk", self.teams[desk % TEAMS], "0", None)
        self.volunteers = [
            user(f"ehrenamt-{v:03d}", "volunteer", self.teams[v % TEAMS], "0", None)
            for v in range(1, VOLUNTEERS + 1)
        ]
        load.copy(
            "app_user",
            [
                "id",
                "username",
                "display_name",
                "email",
                "password_hash",
                "role",
                "organisation_id",
                "team_id",
                "fte",
                "qualification",
                "is_active_account",
                "created_at",
                "deactivated_at",
            ],
            users,
        )

    # households and persons
    def _keys_for(self, given: str, family: str, native: str) -> tuple[str, ...]:
        key = (given, family, native)
        if key not in self._keys:
            self._keys[key] = tuple(search_keys(given, family, native))
        return self._keys[key]

    def _birth(self, low: int, high: int) -> tuple[int, int | None, int | None]:
        born = self.today - timedelta(days=self.rng.randint(low * 365, high * 365 + 364))
        if self.rng.random() < 0.08:
            return born.year, None, None
        return born.year, born.month, born.day

    def people(self, load: Loader) -> None:
        rng = self.rng
        origins = list(names.ORIGINS)
        weights = [names.ORIGINS[o][0] for o in origins]
        town_weights = [t[3] for t in self.towns]
        households, persons = [], []
        self.household_rows = []  # (id, team_id, manager_id, town_name, closed_on, members)
        pid = 0
        hid = 0
        statuses = [
            ("residence_permit", "§ 25 Abs. 2 AufenthG", "secure"),
            ("toleration", "§ 60a AufenthG", "unclear"),
            ("asylum_applicant", "", "unclear"),
            ("settlement_permit", "§ 26 Abs. 3 AufenthG", "secure"),
            ("other", "", "unclear"),
        ]
        while pid < self.persons_target:
            hid += 1
            origin = rng.choices(origins, weights)[0]
            _, male, female, families, languages = names.ORIGINS[origin]
            native_family, family = rng.choice(families)
            town_id, team, town_name, _ = rng.choices(self.towns, town_weights)[0]
            single = rng.random() < 0.68
            size = 1 if single else rng.choices([2, 3, 4, 5, 6, 7], [10, 18, 24, 22, 14, 8])[0]
            entry = self.today - timedelta(days=rng.randint(200, 3800))
            status, basis, prospect = rng.choices(statuses, [55, 17, 20, 5, 3])[0]
            closed = rng.random() < 0.08
            closed_on = self.today - timedelta(days=rng.randint(10, 400)) if closed else None
            manager = rng.choice(self.managers[team])
            created = datetime.combine(entry + timedelta(days=60), datetime.min.time())
            households.append(
                (
                    hid,
                    1,
                    team,
                    town_id,
                    family,
                    f"{rng.choice(names.STREETS)} {rng.randint(1, 80)}",
                    f"7{rng.randint(0, 9999):04d}",
                    "",
                    rng.choices(["follow_up", "collective", "own_tenancy"], [80, 15, 5])[0],
                    manager,
                    "closed" if closed else "active",
                    rng.choice(["moved_away", "goals_reached", "max_period"]) if closed else None,
                    closed_on,
                    self.today - timedelta(days=rng.randint(20, 1120)),
                    created,
                    created,
                )
            )
            members = []
            for index in range(size):
                if single:
                    sex, ages = rng.choices(["m", "f"], [70, 30])[0], (18, 62)
                elif index == 0:
                    sex, ages = rng.choice(["m", "f"]), (26, 52)
                elif index == 1 and rng.random() < 0.85:
                    sex, ages = rng.choice(["m", "f"]), (24, 50)
                else:
                    sex, ages = rng.choice(["m", "f"]), (0, 17)
                native_given, given = rng.choice(male if sex == "m" else female)
                native = f"{native_given} {native_family}".strip() if native_given else ""
                search_name, skeleton, latin, sound = self._keys_for(given, family, native)
                year, month, day = self._birth(*ages)
                pid += 1
                entry_date = entry if entry.year >= year else date(year, 12, 31)
                applied = entry_date + timedelta(days=20) if status != "other" else None
                decided = (
                    applied + timedelta(days=300)
                    if applied and status != "asylum_applicant"
                    else None
                )
                persons.append(
                    (
                        pid,
                        hid,
                        given,
                        family,
                        native,
                        search_name,
                        skeleton,
                        latin,
                        sound,
                        year,
                        month,
                        day,
                        sex,
                        origin,
                        languages,
                        rng.random() < 0.45,
                        status,
                        basis,
                        entry_date,
                        applied,
                        min(decided, self.today) if decided else None,
                        prospect,
                        f"0151 {rng.randint(1000000, 9999999)}" if ages[0] >= 18 else "",
                        created,
                        created,
                    )
                )
                members.append((pid, year, month or 7, day or 1, rng.random() < 0.45))
            self.household_rows.append((hid, team, manager, town_name, closed_on, members))
        load.copy(
            "household",
            [
                "id",
                "organisation_id",
                "team_id",
                "municipality_id",
                "name",
                "street",
                "postcode",
                "phone",
                "accommodation",
                "manager_id",
                "status",
                "closed_reason",
                "closed_on",
                "counselling_started_on",
                "created_at",
                "updated_at",
            ],
            households,
        )
        load.copy(
            "person",
            [
                "id",
                "household_id",
                "given_name",
                "family_name",
                "native_name",
                "search_name",
                "search_skeleton",
                "search_latin",
                "search_phonetic",
                "birth_year",
                "birth_month",
                "birth_day",
                "sex",
                "country_of_origin",
                "languages",
                "interpreter_needed",
                "residence_status",
                "residence_legal_basis",
                "entry_date",
                "asylum_application_date",
                "decision_date",
                "prospect",
                "phone",
                "created_at",
                "updated_at",
            ],
            persons,
        )
        # consent to counselling data for 97 % of persons, before the year of contacts
        self.consented = set()

        def consents():
            cid = 0
            for _, _, _, _, _, members in self.household_rows:
                for member in members:
                    if rng.random() < 0.03:
                        continue
                    cid += 1
                    self.consented.add(member[0])
                    yield (
                        cid,
                        member[0],
                        "given",
                        self.start - timedelta(days=rng.randint(5, 500)),
                        True,
                        rng.random() < 0.4,
                        "2024-01",
                        "de",
                        rng.choice(["paper", "screen_interpreter"]),
                        None,
                        self.now,
                    )

        load.copy(
            "consent_record",
            [
                "id",
                "person_id",
                "state",
                "effective_on",
                "counselling",
                "volunteer_sharing",
                "form_version",
                "language",
                "method",
                "recorded_by_id",
                "recorded_at",
            ],
            consents(),
        )

    # contacts, participants, topics, tasks
    def contacts(self, load: Loader, topic_ids: dict[str, int]) -> None:
        rng = self.rng
        singles = sum(1 for h in self.household_rows if len(h[5]) == 1)
        families = len(self.household_rows) - singles
        per_single = self.contacts_target / (singles + 4 * families)
        settings, setting_weights = list(SETTINGS), list(SETTINGS.values())
        topic_keys, topic_weights = list(TOPIC_WEIGHTS), list(TOPIC_WEIGHTS.values())
        participants: list[tuple[int, int]] = []
        links: list[tuple[int, int]] = []
        tasks: list[tuple] = []
        notes = {k: v[0] for k, v in NOTES.items()}
        today = self.today

        def rows():
            cid = 0
            tid = 0
            for hid, team, manager, town, closed_on, members in self.household_rows:
                present = [m for m in members if m[0] in self.consented]
                if not present:
                    continue
                mean = per_single * (1 if len(members) == 1 else 4)
                count = max(0, round(rng.gauss(mean, mean * 0.35)))
                span = ((closed_on or today) - self.start).days
                if span <= 0:
                    continue
                team_staff = self.managers[team]
                for _ in range(count):
                    cid += 1
                    day = self.start + timedelta(days=rng.randint(0, span))
                    if day.weekday() >= 5:
                        day -= timedelta(days=day.weekday() - 4)
                    occurred = datetime(
                        day.year, day.month, day.day, rng.randint(7, 15), rng.choice((0, 15, 30))
                    )
                    setting = rng.choices(settings, setting_weights)[0]
                    location = (
                        f"Rathaus {town}"
                        if setting == "office_hour"
                        else rng.choice(AUTHORITIES)
                        if setting == "accompaniment"
                        else ""
                    )
                    chosen = sorted(
                        set(rng.choices(topic_keys, topic_weights, k=rng.randint(1, 3)))
                    )
                    author = manager if rng.random() < 0.9 else rng.choice(team_staff)
                    created = occurred + timedelta(minutes=rng.randint(30, 600))
                    interpreter = rng.random() < 0.25
                    yield (
                        cid,
                        hid,
                        author,
                        f"00000000-0000-4000-8000-{cid:012x}",
                        occurred,
                        rng.choices(*DURATIONS)[0],
                        setting,
                        location,
                        "volunteer" if interpreter else "",
                        "Arabisch" if interpreter else "",
                        notes[chosen[0]],
                        created,
                        created,
                        None,
                        None,
                        "",
                    )
                    participants.append((cid, present[0][0]))
                    for other in present[1:]:
                        if rng.random() < 0.35:
                            participants.append((cid, other[0]))
                    for key in chosen:
                        links.append((cid, topic_ids[key]))
                    if rng.random() < 0.4:
                        tid += 1
                        due = (
                            day + timedelta(days=rng.randint(3, 35)) if rng.random() < 0.8 else None
                        )
                        reference = due or day + timedelta(days=14)
                        done = reference < today - timedelta(days=5) and rng.random() < 0.88
                        kind = rng.choices(
                            ["manager", "client", "colleague", "volunteer"], [55, 30, 5, 10]
                        )[0]
                        owner = (
                            None
                            if kind == "client"
                            else rng.choice(self.volunteers)
                            if kind == "volunteer"
                            else rng.choice(team_staff)
                            if kind == "colleague"
                            else author
                        )
                        tasks.append(
                            (
                                tid,
                                cid,
                                hid,
                                STEPS[chosen[0]],
                                kind,
                                owner,
                                due,
                                "done" if done else "open",
                                author,
                                created,
                                datetime.combine(reference, datetime.min.time()) if done else None,
                                author if done else None,
                            )
                        )

        load.copy(
            "contact",
            [
                "id",
                "household_id",
                "author_id",
                "idempotency_key",
                "occurred_at",
                "duration_minutes",
                "setting",
                "location",
                "interpreter_kind",
                "interpreter_language",
                "note",
                "created_at",
                "updated_at",
                "deleted_at",
                "deleted_by_id",
                "deleted_reason",
            ],
            rows(),
        )
        load.copy("contact_participant", ["contact_id", "person_id"], participants)
        load.copy("contact_topic_link", ["contact_id", "topic_id"], links)
        load.copy(
            "contact_task",
            [
                "id",
                "contact_id",
                "household_id",
                "description",
                "owner_kind",
                "owner_id",
                "due_on",
                "status",
                "created_by_id",
                "created_at",
                "done_at",
                "done_by_id",
            ],
            tasks,
        )

    # indicator values with history
    def indicator_values(self, load: Loader, indicators: list) -> None:
        rng = self.rng
        today = self.today
        pools = {}
        for ind in indicators:
            codes = [o.code for o in ind.options if o.retired_at is None]
            if ind.type == "choice":
                pool = codes
            elif ind.type == "multi":
                pool = [json.dumps(sorted(rng.sample(codes, min(2, len(codes))))) for _ in range(8)]
            elif ind.type == "bool":
                pool = ["true", "false"]
            elif ind.type == "number":
                low = int(ind.min_value or 0)
                high = int(ind.max_value or low + 40)
                pool = [str(rng.randint(low, high)) for _ in range(20)]
            elif ind.type == "date":
                pool = [
                    (today + timedelta(days=rng.randint(30, 900))).isoformat() for _ in range(30)
                ]
            else:
                pool = ["Pflege", "Gastronomie", "Logistik", "Reinigung", "Handwerk"]
            pools[ind.id] = pool or ["x"]
        person_level = [i for i in indicators if i.applies_to == "person"]
        household_level = [i for i in indicators if i.applies_to == "household"]

        def applicable(member):
            _, year, month, day, _ = member
            age = today.year - year - ((today.month, today.day) < (month, day))
            return [
                i
                for i in person_level
                if (i.age_min is None or age >= i.age_min)
                and (i.age_max is None or age <= i.age_max)
            ]

        pairs = 0
        for _, _, _, _, _, members in self.household_rows:
            pairs += len(household_level)
            for member in members:
                pairs += len(applicable(member))
        mean = self.values_target / pairs  # values per (subject, indicator)
        print(f"  {pairs:,} (subject, indicator) pairs, {mean:.2f} values each", flush=True)
        base = int(mean)
        frac = mean - base

        def rows():
            vid = 0
            for hid, _, manager, _, _, members in self.household_rows:
                subjects = [(None, household_level)] + [(m[0], applicable(m)) for m in members]
                for person_id, inds in subjects:
                    for ind in inds:
                        n = base + (rng.random() < frac)
                        if not n:
                            continue
                        pool = pools[ind.id]
                        first = rng.randint(60, 700)
                        step = max(first // n, 1)
                        previous = None
                        for k in range(n):
                            vid += 1
                            valid_from = today - timedelta(days=first - k * step)
                            correction = previous is not None and rng.random() < 0.02
                            yield (
                                vid,
                                ind.id,
                                hid,
                                person_id,
                                rng.choice(pool),
                                valid_from,
                                "correction" if correction else "change",
                                previous if correction else None,
                                manager,
                                datetime.combine(valid_from, datetime.min.time())
                                + timedelta(hours=9),
                                None,
                            )
                            previous = vid

        load.copy(
            "indicator_value",
            [
                "id",
                "indicator_id",
                "household_id",
                "person_id",
                "value",
                "valid_from",
                "kind",
                "corrects_id",
                "recorded_by_id",
                "recorded_at",
                "contact_id",
            ],
            rows(),
        )

        def reviews():
            rid = 0
            for hid, _, manager, _, _, members in self.household_rows:
                for member in members:
                    if rng.random() < 0.3:
                        rid += 1
                        yield (
                            rid,
                            hid,
                            member[0],
                            rng.choice(["residence", "language", "work"]),
                            today - timedelta(days=rng.randint(0, 90)),
                            manager,
                            self.now,
                            None,
                        )

        load.copy(
            "indicator_review",
            [
                "id",
                "household_id",
                "person_id",
                "group",
                "reviewed_on",
                "reviewed_by_id",
                "reviewed_at",
                "contact_id",
            ],
            reviews(),
        )

    # appointments, office hours and check-ins, referrals, networking
    def calendar(self, load: Loader) -> None:
        rng = self.rng
        today = self.today
        by_manager: dict[int, list] = {}
        for row in self.household_rows:
            if row[4] is None:
                by_manager.setdefault(row[2], []).append(row)
        locations = []
        for index, (town_id, _team, name, _) in enumerate(self.towns[::10], start=1):
            locations.append(
                (index, town_id, f"Rathaus {name}", "Zimmer 1", "Marktplatz 1", "70000", True)
            )
        load.copy(
            "office_location",
            ["id", "municipality_id", "name", "room", "street", "postcode", "active"],
            locations,
        )
        town_team = {t[0]: t[1] for t in self.towns}
        schedules, duty = [], []
        for loc in locations:
            sid = len(schedules) + 1
            schedules.append((sid, loc[0], loc[0] % 5, "09:00:00", "12:00:00", 30, None, None))
            for manager in self.managers[town_team[loc[1]]][:2]:
                duty.append((sid, manager))
        load.copy(
            "office_schedule",
            [
                "id",
                "location_id",
                "weekday",
                "start_time",
                "end_time",
                "slot_minutes",
                "valid_from",
                "valid_until",
            ],
            schedules,
        )
        load.copy("office_schedule_manager", ["schedule_id", "user_id"], duty)

        appointments, appointment_persons = [], []
        aid = 0
        kinds = ["home_visit", "office_hour", "office", "accompaniment", "other"]
        for manager, households in by_manager.items():
            # about 4 appointments a working day: 180 over the last 6 weeks and next 4 weeks
            for _ in range(180):
                household = rng.choice(households)
                aid += 1
                day = today + timedelta(days=rng.randint(-42, 28))
                if day.weekday() >= 5:
                    day -= timedelta(days=day.weekday() - 4)
                starts = datetime(
                    day.year, day.month, day.day, rng.randint(7, 15), rng.choice((0, 30))
                )
                past = day < today
                appointments.append(
                    (
                        aid,
                        household[0],
                        manager,
                        None,
                        rng.choice(kinds),
                        starts,
                        starts + timedelta(minutes=rng.choice((30, 60))),
                        "",
                        "",
                        False,
                        "",
                        "",
                        rng.choice(["done", "done", "done", "cancelled", "no_show"])
                        if past
                        else "planned",
                        f"{aid:08X}",
                        self.now,
                        self.now,
                    )
                )
                appointment_persons.append((aid, household[5][0][0]))
        load.copy(
            "appointment",
            [
                "id",
                "household_id",
                "manager_id",
                "location_id",
                "kind",
                "starts_at",
                "ends_at",
                "place",
                "language",
                "interpreter",
                "bring",
                "note",
                "status",
                "short_code",
                "created_at",
                "updated_at",
            ],
            appointments,
        )
        load.copy("appointment_person", ["appointment_id", "person_id"], appointment_persons)

        # check-ins: 20 a week per location over the year; today 12 per location
        by_town: dict[str, list] = {}
        for row in self.household_rows:
            by_town.setdefault(row[3], []).append(row)
        town_names = {t[0]: t[2] for t in self.towns}

        def queue():
            qid = 0
            for loc in locations:
                households = by_town.get(town_names[loc[1]]) or self.household_rows[:50]
                days = [today - timedelta(days=d) for d in range(0, 365, 7)]
                for day in days:
                    for slot in range(12 if day == today else 20):
                        household = rng.choice(households)
                        qid += 1
                        at = datetime(day.year, day.month, day.day, 8) + timedelta(minutes=9 * slot)
                        waiting = day == today and slot >= 6
                        yield (
                            qid,
                            loc[0],
                            day,
                            None,
                            household[5][0][0],
                            household[0],
                            "",
                            "",
                            "waiting" if waiting else "done",
                            at,
                            None,
                            None if waiting else at + timedelta(minutes=5),
                            None if waiting else at + timedelta(minutes=25),
                            None if waiting else household[2],
                            1,
                        )

        load.copy(
            "queue_entry",
            [
                "id",
                "location_id",
                "day",
                "appointment_id",
                "person_id",
                "household_id",
                "walk_in_name",
                "language",
                "status",
                "checked_in_at",
                "scheduled_at",
                "called_at",
                "finished_at",
                "taken_by_id",
                "version",
            ],
            queue(),
        )

        def referrals():
            rid = 0
            services = list(plan_choices.SERVICES)
            for hid, _, manager, _, _, members in self.household_rows:
                if rng.random() < 0.6:
                    for _ in range(rng.randint(1, 3)):
                        rid += 1
                        yield (
                            rid,
                            hid,
                            members[0][0],
                            rng.choice(services),
                            self.start + timedelta(days=rng.randint(0, 364)),
                            "",
                            rng.choice(list(plan_choices.REFERRAL_OUTCOMES)),
                            "",
                            manager,
                            self.now,
                            None,
                        )

        load.copy(
            "referral",
            [
                "id",
                "household_id",
                "person_id",
                "service",
                "referred_on",
                "reason",
                "outcome",
                "outcome_note",
                "recorded_by_id",
                "recorded_at",
                "contact_id",
            ],
            referrals(),
        )

        def networking():
            nid = 0
            for team in self.teams:
                for manager in self.managers[team]:
                    for _ in range(30):
                        nid += 1
                        yield (
                            nid,
                            1,
                            manager,
                            rng.choice(["welfare", "churches", "other_clubs", "private"]),
                            "Café International",
                            self.start + timedelta(days=rng.randint(0, 364)),
                            "",
                            self.now,
                        )

        load.copy(
            "networking_contact",
            [
                "id",
                "organisation_id",
                "user_id",
                "group",
                "institution",
                "contacted_on",
                "topic",
                "recorded_at",
            ],
            networking(),
        )


TABLES_WITH_ID = [
    "organisation",
    "team",
    "municipality",
    "app_user",
    "household",
    "person",
    "consent_record",
    "contact",
    "contact_task",
    "indicator_value",
    "indicator_review",
    "office_location",
    "office_schedule",
    "appointment",
    "queue_entry",
    "referral",
    "networking_contact",
]


def existing_persons(url: str) -> int:
    try:
        with psycopg.connect(libpq(url)) as conn:
            return conn.execute("SELECT count(*) FROM person").fetchone()[0]
    except psycopg.Error:
        return -1


def build(url: str, factor: float = 1.0, reuse: bool = False, upgrade_to: str = "heads") -> dict:
    """Build (or with reuse keep) the data set; returns the row counts and build time."""
    scale = Scale(factor)
    if reuse and existing_persons(url) >= scale.persons_target:
        print(f"reusing the data set in {make_url(url).database}; applying new migrations")
        app = make_app(url)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(revision=upgrade_to)  # e.g. the index migration under test
            db.engine.dispose()
        return {"reused": True}
    started = time.perf_counter()
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    app = make_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        from app.contacts.models import Topic
        from app.contacts.services import ensure_default_topics
        from app.indicators.catalogue import seed_catalogue
        from app.indicators.models import Indicator

        upgrade(revision=upgrade_to)  # what `flask db upgrade` runs
        print(f"schema by migrations: {time.perf_counter() - started:.1f} s", flush=True)
        with psycopg.connect(libpq(url)) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            load = Loader(conn)
            scale.organisation(load)
            conn.commit()
        seed_catalogue()
        ensure_default_topics()
        db.session.commit()
        topic_ids = dict(db.session.execute(select(Topic.key, Topic.id)).all())
        indicators = list(db.session.scalars(select(Indicator).order_by(Indicator.position)))
        for indicator in indicators:
            _ = indicator.options
        with psycopg.connect(libpq(url)) as conn:
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            load.conn = conn
            scale.people(load)
            scale.contacts(load, topic_ids)
            scale.indicator_values(load, indicators)
            scale.calendar(load)
            for table in TABLES_WITH_ID:
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
                )
            conn.commit()
        from app.reports import rollups

        rollups_started = time.perf_counter()
        with db.engine.begin() as conn:
            rollups.rebuild(conn)  # COPY bypasses the upkeep on flush
        print(f"report rollups: {time.perf_counter() - rollups_started:.0f} s", flush=True)
        db.engine.dispose()
    loaded = time.perf_counter() - started
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    total = time.perf_counter() - started
    print(f"loaded in {loaded:.0f} s, with VACUUM ANALYZE {total:.0f} s", flush=True)
    return {"reused": False, "load_s": loaded, "total_s": total, "counts": load.counts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=database_url())
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    result = build(args.url, args.factor, args.reuse)
    if not result["reused"]:
        print(json.dumps(result, default=str, indent=1))


if __name__ == "__main__":
    main()
