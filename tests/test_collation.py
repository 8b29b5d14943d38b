"""German name order (DIN 5007-1) without ICU: app/collation.py, and the stored sort keys that
let paginated lists sort the same way in SQL."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from app import collation, create_app
from app.collation import primary, sort_key, sort_text, sorted_by_name
from app.extensions import db
from app.households.models import Household, Person
from tests.test_migrations import empty_database_url  # noqa: F401 (fixture)

# Towns of the county of Göppingen in the order a German reader expects them.
TOWNS = [
    "Adelberg",
    "Bad Boll",
    "Bad Ditzenbach",
    "Bad Überkingen",
    "Böhmenkirch",
    "Börtlingen",
    "Donzdorf",
    "Ebersbach an der Fils",
    "Eislingen/Fils",
    "Eschenbach",
    "Gammelshausen",
    "Geislingen an der Steige",
    "Gingen an der Fils",
    "Göppingen",
    "Gruibingen",
    "Hattenhofen",
    "Heiningen",
    "Ottenbach",
    "Süßen",
    "Uhingen",
    "Wäschenbeuren",
    "Zell unter Aichelberg",
]


def test_umlauts_sort_as_their_base_letter():
    assert sorted(["Gruibingen", "Göppingen"]) == ["Gruibingen", "Göppingen"]  # code points
    assert sorted_by_name(["Gruibingen", "Göppingen"], lambda n: n) == ["Göppingen", "Gruibingen"]
    assert primary("Bad Überkingen") == "bad uberkingen"
    assert primary("Süßen") == "sussen"
    assert primary("ÖZTÜRK") == primary("öztürk") == "ozturk"


def test_the_county_towns_in_german_order_from_any_starting_order():
    shuffled = TOWNS[:]
    random.Random(17).shuffle(shuffled)
    assert sorted_by_name(shuffled, lambda n: n) == TOWNS


def test_case_and_accents_do_not_matter_at_the_first_level():
    names = ["müller", "Mueller", "Muller", "MÜLLER", "Mahler", "Möller"]
    # Möller is "moller", before "mueller"; the three Müller/Muller are equal at first and
    # are then told apart: unaccented first, lower case before upper case.
    assert sorted_by_name(names, lambda n: n) == [
        "Mahler",
        "Möller",
        "Mueller",
        "Muller",
        "müller",
        "MÜLLER",
    ]


def test_equal_names_have_a_stable_tie_break():
    names = ["MÜLLER", "Müller", "müller", "Muller", "muller"]
    orders = {
        tuple(sorted_by_name(random.Random(seed).sample(names, len(names)), lambda n: n))
        for seed in range(20)
    }
    assert orders == {("muller", "Muller", "müller", "Müller", "MÜLLER")}


def test_words_one_after_the_other_and_punctuation_ignored():
    assert sorted_by_name(["Badberg", "Bad Boll"], lambda n: n) == ["Bad Boll", "Badberg"]
    assert primary("Eislingen/Fils") == "eislingen fils"
    assert primary("  Al-Hassan ") == "al hassan"


def test_other_letters_and_scripts():
    assert primary("Çelik") == "celik"
    assert primary("Łukasz") == "lukasz"
    assert primary("Şahin") == "sahin"
    # Arabic names keep their letters; they sort after the Latin ones, not in between
    assert sorted_by_name(["سميرة", "Zahra", "Ali"], lambda n: n) == ["Ali", "Zahra", "سميرة"]


def test_several_parts_compare_part_by_part():
    people = [("Ahmadi", "Zahra"), ("Ahmad", "Zaki"), ("Ahmadi", "Ali"), ("Ähmadi", "Bilal")]
    ordered = sorted(people, key=lambda p: sort_key(*p))
    assert ordered == [
        ("Ahmad", "Zaki"),
        ("Ahmadi", "Ali"),
        ("Ähmadi", "Bilal"),
        ("Ahmadi", "Zahra"),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_sort_text_orders_as_sort_key(seed):
    rng = random.Random(seed)
    alphabet = "aäbcoöuüßsz AÄOÖUÜ-é"
    parts = [
        ("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))), rng.choice(TOWNS))
        for _ in range(200)
    ]
    by_key = sorted(parts, key=lambda p: (sort_key(*p)[:2], p))
    by_text = sorted(parts, key=lambda p: (sort_text(*p), p))
    assert by_text == by_key


def test_sorted_by_name_uses_the_name_attribute_and_keeps_equal_items_in_order():
    a, b, c = (SimpleNamespace(name=n) for n in ("Süßen", "Suessen", "Süßen"))
    assert sorted_by_name([a, b, c]) == [b, a, c]  # "suessen" < "sussen"; a stays before c
    assert collation.sort_text(None) == collation.sort_text("")


def _names_in_sql_order(model, column_order):
    return list(db.session.scalars(select(model).order_by(*column_order)))


def test_sql_order_of_the_stored_keys_is_the_german_order(make, county):
    """The stored sort keys order rows in SQL as sorted_by_name does (SQLite and PostgreSQL)."""
    names = ["Gruibingen", "Göppingen", "Öztürk", "Ozturk", "Oz", "Abel", "Zoller", "van Dijk"]
    households = [make.household(county.town_a, name) for name in names]
    for h in households:
        make.person(h, "Ali")
    db.session.commit()
    in_sql = [
        h.name
        for h in db.session.scalars(
            select(Household)
            .where(Household.id.in_([h.id for h in households]))
            .order_by(Household.sort_key, Household.id)
        )
    ]
    assert in_sql == sorted_by_name(names, lambda n: n)
    assert in_sql.index("Göppingen") < in_sql.index("Gruibingen")
    persons = db.session.scalars(
        select(Person)
        .where(Person.household_id.in_([h.id for h in households]))
        .order_by(Person.sort_key, Person.id)
    )
    assert [p.family_name for p in persons] == in_sql


def test_sort_keys_follow_every_change_of_a_name(make, county):
    household = make.household(county.town_a, "Gruibinger")
    person = make.person(household, "Zoe", family="Gruibinger")
    db.session.commit()
    household.name = "Öztürk"
    person.family_name = "Öztürk"
    person.given_name = "Ümran"
    db.session.commit()
    row = db.session.execute(
        text(
            "SELECT h.sort_key, p.sort_key FROM household h JOIN person p ON p.household_id = h.id "
            "WHERE p.id = :id"
        ),
        {"id": person.id},
    ).one()
    assert row[0] == sort_text("Öztürk", length=400)
    assert row[1] == sort_text("Öztürk", "Ümran", length=400)
    assert row[1].startswith("ozturk\x1fumran")


def test_migration_fills_the_keys_of_existing_rows(empty_database_url):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        from tests.conftest import Factory

        make = Factory()
        from app.organisations.models import Municipality, Organisation, Team

        org = Organisation(name="Kreis", kind="county")
        team = Team(organisation=org, name="Team")
        town = Municipality(name="Göppingen", organisation=org, team=team, population=1)
        db.session.add_all([org, team, town])
        household = make.household(town, "Öztürk")
        make.person(household, "Ümran")
        db.session.commit()
        # as if the rows had been written before the keys existed
        downgrade(revision="0016_merge")
        upgrade()
        keys = db.session.execute(
            text("SELECT (SELECT sort_key FROM household), (SELECT sort_key FROM person)")
        ).one()
        if db.engine.dialect.name == "postgresql":  # byte order whatever the database's locale
            collations = db.session.scalars(
                text(
                    "SELECT collation_name FROM information_schema.columns"
                    " WHERE column_name = 'sort_key' AND table_name IN ('household', 'person')"
                )
            ).all()
            assert collations == ["C", "C"]
        db.session.remove()
        db.engine.dispose()
    assert keys[0] == sort_text("Öztürk", length=400)
    assert keys[1] == sort_text("Öztürk", "Ümran", length=400)
