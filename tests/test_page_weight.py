"""Page weight budget: phones on bad signal pay for every byte."""

from __future__ import annotations

from app.pageweight import FIRST_ROUND_TRIP, measure

HTML_BUDGET = FIRST_ROUND_TRIP  # each page's HTML fits in the first round trip
FIRST_LOAD_BUDGET = 40 * 1024  # HTML + CSS + JS + icon, compressed


def test_main_pages_stay_within_budget(login, consented):
    county = consented
    b = login("manager")
    get = b.client.get
    pages = [
        "/",
        "/search",
        f"/households/{county.household_a.id}",
        f"/households/{county.household_a.id}/persons/new",
        f"/households/{county.household_a.id}/contacts/new",
    ]
    for url in pages:
        weight = measure(get, url)
        assert weight.html_bytes < weight.html_raw_bytes  # really compressed
        assert weight.html_bytes <= HTML_BUDGET, (url, weight.html_bytes)
        assert weight.first_load_bytes <= FIRST_LOAD_BUDGET, (url, weight.first_load_bytes)
        assert any(a.endswith(".css") for a in weight.asset_bytes)
