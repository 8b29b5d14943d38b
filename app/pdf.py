"""HTML to PDF with WeasyPrint; resources only from data: URLs and the app's static folder."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class StaticOnlyFetcher(URLFetcher):
    """Never reaches the network or files outside static/: a PDF cannot leak or fetch."""

    def __init__(self, static_folder: str) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = Path(static_folder).resolve()

    def fetch(self, url: str, headers: dict | None = None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                raise ValueError(f"resource outside the static folder: {url}")
        elif parts.scheme != "data":
            raise ValueError(f"resource not allowed: {url}")
        return super().fetch(url, headers)


def render_pdf(html: str) -> bytes:
    static = current_app.static_folder
    assert static is not None
    return HTML(
        string=html,
        base_url=Path(static).resolve().as_uri() + "/",
        url_fetcher=StaticOnlyFetcher(static),
    ).write_pdf()
