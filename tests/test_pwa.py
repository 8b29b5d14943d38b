"""Installable app: manifest, service worker, fingerprinted and compressed assets, page weight."""

from __future__ import annotations

import gzip
import io
import json
import re

from PIL import Image

from app.assets import ONE_YEAR

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_manifest_is_complete_and_icons_exist(browser):
    response = browser.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] and manifest["short_name"] == "Wegbegleiter"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = set()
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(browser.get(icon["src"]).get_data()))
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert sizes == {"192x192", "512x512"}


def test_every_page_links_the_manifest(login, county, browser):
    for b, url in (
        (browser, "/login"),
        (browser, "/offline"),
        (login("manager"), "/"),
        (login("manager"), f"/households/{county.household_a.id}"),
    ):
        assert 'rel="manifest" href="/manifest.webmanifest"' in b.get(url).get_data(as_text=True)


def test_service_worker_is_served_from_root_uncached(browser):
    response = browser.get("/sw.js")
    assert response.mimetype == "application/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    settings = json.loads(body.split("\n", 1)[0].removeprefix("const SETTINGS = ").rstrip(";"))
    assert settings["pagesLimit"] == 30 and settings["idleSeconds"] == 1800
    assert all(browser.get(url).status_code == 200 for url in settings["precache"])


def test_static_files_are_fingerprinted_and_cached_for_a_year(browser):
    page = browser.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/app\.[0-9a-f]{10}\.css)"', page).group(1)
    response = browser.get(css)
    assert response.status_code == 200
    assert response.cache_control.max_age == ONE_YEAR and response.cache_control.immutable
    assert browser.get("/static/app.0123456789.css").status_code == 404  # stale fingerprint


def test_text_responses_are_gzip_compressed(browser):
    response = browser.get("/login", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Anmelden" in gzip.decompress(response.get_data()).decode()
    assert "Content-Encoding" not in browser.get("/login").headers  # client without gzip


def test_household_page_may_be_kept_offline_for_staff_only(login, county):
    response = login("manager").get(f"/households/{county.household_a.id}")
    assert response.headers["X-Offline-Copy"] == "allowed"
    assert "X-Offline-Copy" not in login("volunteer").get("/").headers


def test_fresh_csrf_token_for_outbox_replay(browser, county):
    signed_out = browser.get("/session/csrf")
    assert signed_out.status_code == 401 and signed_out.json == {"error": "signed_out"}
    browser.login("manager")
    response = browser.get("/session/csrf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = response.json["token"]
    # The token is accepted by an ordinary form post.
    assert (
        browser.post(
            f"/households/{county.household_a.id}/reopen", {"csrf_token": token}
        ).status_code
        == 302
    )
