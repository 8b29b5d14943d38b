"""Helpers shared by the data-protection tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page(response) -> str:
    return response.get_data(as_text=True)
