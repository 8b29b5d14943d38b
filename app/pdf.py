"""PDF rendering with WeasyPrint, shared by every feature that prints.

Rendering never touches the network: the URL fetcher only serves files below the app's static
folder and refuses everything else (http, https, data, other files). Fonts come from the
system (fontconfig).

Usage: ``render_pdf(render_template("x/pdf.html", ...), stylesheets=["pdf.css"])``. Named
stylesheets (relative to the static folder) are parsed once per worker thread and reused
together with one font configuration, which saves a good part of the time of a small
document; a ``<link rel=stylesheet href="pdf.css">`` in the HTML works as well (base_url is
the static folder) but is parsed on every render."""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    """Serves file: URLs inside `root` and inline data: images; raises for anything else
    (WeasyPrint then skips it)."""

    def __init__(self, root: str | Path) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = Path(root).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:image/"):
            return super().fetch(url, headers)  # self-contained (e.g. a QR code), no I/O
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if (
            path is None
            or parts.netloc not in ("", "localhost")
            or not path.is_relative_to(self.root)
        ):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: only static files may be used")
        if not path.is_file():
            self.refused.append(url)
            raise ValueError(f"no such static file: {path.name}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime})


def static_base_url(app: Flask | None = None) -> str:
    """Base URL for PDF templates: relative links resolve into the static folder."""
    app = app or current_app
    return Path(app.static_folder).resolve().as_uri() + "/"


_cache = threading.local()


def _font_config() -> FontConfiguration:
    config = getattr(_cache, "font_config", None)
    if config is None:
        config = _cache.font_config = FontConfiguration()
        _cache.sheets = {}
    return config


def _stylesheet(path: Path, fetcher: StaticOnlyFetcher) -> CSS:
    font_config = _font_config()
    key = (str(path), path.stat().st_mtime_ns)
    sheet = _cache.sheets.get(key)
    if sheet is None:
        sheet = CSS(
            string=path.read_text(encoding="utf-8"),
            base_url=path.as_uri(),
            url_fetcher=fetcher,
            font_config=font_config,
        )
        _cache.sheets[key] = sheet
    return sheet


def render_pdf(
    html: str,
    base_url: str | None = None,
    stylesheets: Sequence[str] = (),
    root: str | Path | None = None,
) -> bytes:
    """Render an HTML string to PDF bytes.

    `base_url` defaults to the static folder, which is also the only place the fetcher reads
    from (unless `root` says otherwise). `stylesheets` are file names below that folder."""
    root = Path(root or current_app.static_folder).resolve()
    base_url = base_url or root.as_uri() + "/"
    fetcher = StaticOnlyFetcher(root)
    sheets = []
    for name in stylesheets:
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise ValueError(f"stylesheet {name!r} is not a static file")
        sheets.append(_stylesheet(path, fetcher))
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=sheets, font_config=_font_config())


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
