from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.assets import assets_version
from app.i18n import current_locale

bp = Blueprint("pwa", __name__)

# Files the service worker precaches; their fingerprints make up the cache version.
PRECACHE = ("app.css", "app.js", "outbox.js", "vendor/htmx-2.0.11.min.js", "icons/icon-192.png")
THEME = "#0b5cad"


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    data = {
        "name": _("Wegbegleiter – Integrationsmanagement"),
        "short_name": "Wegbegleiter",
        "lang": current_locale(),
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": THEME,
        "icons": [
            {
                "src": url_for("static", filename=f"icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    response = Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")
    response.cache_control.max_age = 3600
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    static_folder = current_app.static_folder or ""
    settings = {
        "version": assets_version(static_folder, PRECACHE),
        "precache": [url_for("static", filename=f) for f in PRECACHE] + [url_for(".offline")],
        "offline": url_for(".offline"),
        "pagesLimit": current_app.config["OFFLINE_PAGES"],
        "idleSeconds": int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()),
        # The worker cannot call gettext: its texts come along, in the interface language.
        "locale": current_locale(),
        "texts": {"offlineCopy": _("Offline-Kopie vom %(when)s")},
    }
    source = (Path(static_folder) / "sw.js").read_text(encoding="utf-8")
    body = f"const SETTINGS = {json.dumps(settings)};\n{source}"
    response = Response(body, mimetype="application/javascript")
    # The browser must always check for a new worker; the root scope needs this path.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/session/csrf")
def csrf_token() -> Response:
    """A fresh CSRF token for the outbox's replay; 401 (not a redirect) when signed out, so
    the phone keeps its entries and asks the user to sign in."""
    if not current_user.is_authenticated:
        return Response('{"error": "signed_out"}', status=401, mimetype="application/json")
    response = Response(json.dumps({"token": generate_csrf()}), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/offline")
def offline() -> str:
    return render_template("pwa/offline.html")
