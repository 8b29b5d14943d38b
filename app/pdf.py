"""PDF rendering with WeasyPrint, shared by every feature that prints.

Rendering never touches the network: the URL fetcher only serves files below the app's static
folder and refuses everything else (http, https, data, other files). Fonts come from the
system (fontconfig)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    """Serves file: URLs inside `root`; raises for anything else (WeasyPrint then skips it)."""

    def __init__(self, root: str | Path) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = Path(root).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
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


def render_pdf(html: str, base_url: str | None = None, root: str | Path | None = None) -> bytes:
    """Render an HTML string to PDF bytes. `base_url` defaults to the static folder, which is
    also the only place the fetcher reads from (unless `root` says otherwise)."""
    base_url = base_url or static_base_url()
    root = root or current_app.static_folder
    fetcher = StaticOnlyFetcher(root)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
