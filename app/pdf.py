"""PDF output via WeasyPrint. The fetcher serves only files from the app's static folder: a
name like <img src="http://..."> in user text can never make the server fetch anything."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: str) -> None:
        super().__init__(allowed_protocols=("file",))
        self.static = Path(static_folder).resolve()

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve()
        if parsed.scheme != "file" or not path.is_relative_to(self.static) or not path.is_file():
            raise ValueError("Only files from the static folder may be used in PDFs.")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def render_pdf(html: str) -> bytes:
    static = current_app.static_folder or "static"
    return HTML(
        string=html, base_url=Path(static).as_uri() + "/", url_fetcher=StaticOnlyFetcher(static)
    ).write_pdf()
