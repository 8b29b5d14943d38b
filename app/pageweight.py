"""Transferred bytes of a page as a phone fetches it: gzip HTML plus the assets it links.

Shared by the page-weight test (budgets) and bench/page_weight.py (figures for the docs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

FIRST_ROUND_TRIP = 14 * 1024  # what fits in the first round trip of a new TCP connection
_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@dataclass
class PageWeight:
    url: str
    html_bytes: int  # compressed, as transferred
    html_raw_bytes: int
    asset_bytes: dict[str, int]

    @property
    def first_load_bytes(self) -> int:
        return self.html_bytes + sum(self.asset_bytes.values())


def measure(get, url: str) -> PageWeight:
    """`get(url, headers=...)` returns a response; assets are fetched once each."""
    headers = {"Accept-Encoding": "gzip"}
    page = get(url, headers=headers)
    assert page.status_code == 200, (url, page.status_code)
    raw = get(url).get_data()
    assets = {}
    for asset in sorted(set(_ASSET.findall(raw.decode()))):
        response = get(asset, headers=headers)
        assets[asset] = len(response.get_data())
    return PageWeight(url, len(page.get_data()), len(raw), assets)
