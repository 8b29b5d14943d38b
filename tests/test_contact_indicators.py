"""Recording a contact and updating indicators is one flow: the contact form offers the
indicator groups that match the chosen topics, inline (htmx), next to the form."""

from __future__ import annotations

import pytest

from app.indicators.catalogue import seed_catalogue
from tests.contacts_helpers import seed_topics

pytestmark = pytest.mark.usefixtures("consented")


def test_contact_form_links_indicator_groups_of_chosen_topics(login, county, ctx):
    from app.extensions import db

    seed_topics()
    seed_catalogue()
    db.session.commit()
    b = login("manager")
    person = county.person_a.id
    form = b.get(f"/households/{county.household_a.id}/contacts/new").text
    assert f'hx-get="/persons/{person}/indicators?for_topics=1"' in form
    assert 'hx-include="#contact-form input[name=topics]"' in form
    assert 'id="contact-indicators"' in form

    fragment = b.client.get(
        f"/persons/{person}/indicators?for_topics=1&topics=housing&topics=language",
        headers={"HX-Request": "true"},
    ).text
    assert 'id="g-housing"' in fragment and 'id="g-language"' in fragment
    assert 'id="g-residence"' not in fragment and "<html" not in fragment
    # Each group keeps its one-tap confirmation and inline edits.
    assert (
        f"/persons/{person}/indicators/confirm/housing" in fragment
        or "Alles noch aktuell" in fragment
    )

    none = b.client.get(
        f"/persons/{person}/indicators?for_topics=1&topics=other", headers={"HX-Request": "true"}
    ).text
    assert "keine Kennzahlen" in none
    # Without JavaScript the link is the whole indicator sheet.
    assert "<html" in b.get(f"/persons/{person}/indicators").text
