"""Phones first: at 360 px no page scrolls sideways and every tap target is at least 44 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

MIN_TARGET = 44
# Interactive elements a finger must hit; inline links inside running text are exempt (WCAG).
TARGETS_JS = """
() => [...document.querySelectorAll('a, button, input, select, textarea, label.check')]
  .filter(el => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden'
      && el.type !== 'hidden' && !el.closest('p, td, small, dd, .flash')
      && !(el.tagName === 'INPUT' && (el.type === 'checkbox' || el.type === 'radio'));
  })
  .map(el => ({tag: el.tagName, text: (el.innerText || el.name || el.id || '').slice(0, 30),
               h: el.getBoundingClientRect().height, w: el.getBoundingClientRect().width}))
"""


def pages(county) -> list[str]:
    return [
        "/",
        "/search",
        "/households",
        "/households/new",
        f"/households/{county.household_a.id}",
        f"/households/{county.household_a.id}/persons/new",
        f"/households/{county.household_a.id}/close",
        f"/persons/{county.person_a.id}",
        f"/persons/{county.person_a.id}/edit",
        "/admin/users/",
        "/admin/users/new",
        "/admin/audit/",
    ]


@pytest.mark.parametrize("username", ["admin"])
def test_pages_fit_a_360px_phone(phone, county, username):
    phone.goto("/login")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    sign_in(phone, username, PASSWORD)
    problems = []
    for url in pages(county):
        response = phone.goto(url)
        assert response.status == 200, url
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            problems.append(f"{url}: page is {width}px wide")
        for target in phone.evaluate(TARGETS_JS):
            if target["h"] < MIN_TARGET - 0.5:
                problems.append(f"{url}: {target['tag']} '{target['text']}' is {target['h']}px")
    assert problems == []


def test_live_search_updates_without_reload(phone, county):
    sign_in(phone, "manager", PASSWORD)
    phone.goto("/search")
    phone.fill("#q", "hadad")
    phone.wait_for_selector("#results >> text=Samira Haddad")
    assert "hadad" not in phone.url  # a name is personal data: never in the URL
