"""HTML to PDF with WeasyPrint. Resources load only from the app's static folder: no network,
no other files (a template must not be able to pull in /etc/passwd or an internal URL)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: str | Path) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=False)
        self.root = Path(static_folder).resolve()

    def resolve(self, url: str) -> Path:
        """The file inside the static folder that `url` names; ValueError for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused: {url}")
        path = unquote(parts.path)
        if path.startswith("/static/"):  # url_for('static', ...) against the static base
            candidate = (self.root / path.removeprefix("/static/")).resolve()
        else:
            candidate = Path(path).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            raise ValueError(f"refused: {url}")
        return candidate

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.resolve(url)
        mime = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}.get(
            path.suffix, "application/octet-stream"
        )
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime})


def render_pdf(html: str) -> bytes:
    static = Path(current_app.static_folder)
    fetcher = StaticOnlyFetcher(static)
    return HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher).write_pdf()
