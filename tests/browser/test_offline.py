"""Service worker in a real browser: installable, household pages readable offline, purged on
logout."""

from __future__ import annotations

from tests.browser.conftest import sign_in, wait_until
from tests.conftest import PASSWORD

CACHE_KEYS_JS = "async () => (await caches.keys()).sort()"
PAGES_JS = """async () => {
  if (!(await caches.has('wb-pages'))) return [];
  const cache = await caches.open('wb-pages');
  return (await cache.keys()).map(r => new URL(r.url).pathname);
}"""


def wait_for_service_worker(page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()  # the first page load is not controlled yet
    page.wait_for_function("!!navigator.serviceWorker.controller")


def test_app_is_installable(phone, county):
    phone.goto("/login")
    wait_for_service_worker(phone)
    session = phone.context.new_cdp_session(phone)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's browser contexts are incognito, where Chromium never offers installation;
    # every other installability check (manifest, icons, worker, start URL) must pass.
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == [] and "Wegbegleiter" in manifest["data"]


def test_household_page_readable_offline_then_purged_on_logout(phone, county):
    household = f"/households/{county.household_a.id}"
    sign_in(phone, "manager", PASSWORD)
    wait_for_service_worker(phone)
    phone.goto(household)
    wait_until(phone, f"({PAGES_JS})().then(p => p.includes('{household}'))")

    phone.context.set_offline(True)
    phone.goto(household)
    assert phone.locator(".offline-copy").inner_text().startswith("Offline-Kopie vom")
    assert "Samira Haddad" in phone.content()
    phone.goto("/households")  # never opened: the offline page, not an error
    assert "Keine Verbindung" in phone.content()
    phone.context.set_offline(False)

    phone.goto("/")
    phone.click("form[data-logout] button")
    phone.wait_for_url("**/login")
    assert phone.evaluate(PAGES_JS) == []
    assert not any(k in ("wb-pages", "wb-meta") for k in phone.evaluate(CACHE_KEYS_JS))
    phone.context.set_offline(True)
    phone.goto(household)
    assert "Samira Haddad" not in phone.content()
    phone.context.set_offline(False)


def test_volunteer_pages_are_never_kept(phone, county):
    sign_in(phone, "volunteer", PASSWORD)
    wait_for_service_worker(phone)
    phone.goto("/")
    phone.goto(f"/households/{county.household_a.id}")  # 403 for volunteers
    assert phone.evaluate(PAGES_JS) == []
