"""Issue 17's rough edges at 360 px: figures on the first screen, a header that never breaks a
word (also with the outbox badge), a finder that fits the phone. One browser context each."""

from __future__ import annotations

from app.extensions import db
from tests.browser.conftest import PHONE, sign_in
from tests.browser.layout import BROKEN_WORDS_JS
from tests.conftest import PASSWORD


def test_report_figures_start_on_the_first_screen(phone, county):
    sign_in(phone, "admin", PASSWORD)
    phone.goto("/reports")
    first = phone.evaluate("document.querySelector('.stats li').getBoundingClientRect().bottom")
    assert first < PHONE["height"] - 60  # above the bottom bar
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.click(".filter-box > summary")  # the collapsed filter opens and still works
    phone.fill("#date_from", "2025-01-01")
    phone.fill("#date_to", "2025-06-30")
    phone.click(".filter-box button[type=submit]")
    phone.wait_for_selector("#filter-summary:has-text('30.06.2025')")


def test_header_and_bottom_bar_break_no_word(phone, county):
    sign_in(phone, "manager", PASSWORD)
    assert phone.evaluate(BROKEN_WORDS_JS, "header.top, nav.bottom") == []
    phone.evaluate(
        "(() => { const b = document.getElementById('outbox-count');"
        " b.hidden = false; b.textContent = '2 wartet auf Senden'; })()"
    )
    assert phone.evaluate(BROKEN_WORDS_JS, "header.top, nav.bottom") == []
    assert phone.evaluate("document.querySelector('header.top').offsetHeight") < 110


def test_english_bottom_bar_breaks_no_word(chromium, live_server, county):
    context = chromium.new_context(viewport=PHONE, base_url=live_server, locale="en-GB")
    page = context.new_page()
    sign_in(page, "admin", PASSWORD)
    assert page.evaluate(BROKEN_WORDS_JS, "header.top, nav.bottom") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_finder_fits_a_phone_with_a_long_email_address(phone, county):
    county.county.email = "integrationsmanagement-landkreis@kreissozialamt.example.org"
    county.county.phone = "07161 202-0"
    db.session.commit()
    phone.goto(f"/zustaendigkeit?municipality_id={county.town_a.id}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    height = phone.evaluate("document.querySelector('a[href^=\"mailto:\"]').offsetHeight")
    assert height >= 44
