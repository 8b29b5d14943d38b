"""The layout of the state count sheet ("Auswertung Zeitraum"): which figures in which order
with which wording, read from a data file that an admin can adapt without code.

The file is CSV (`;`-separated, UTF-8) with the columns `key;order;label_de;label_en`. A key
is a heading (`section.<anything>`) or one of the sheet's figures (countsheet.figure_keys); the row
`contacts.topic.*` stands for every topic of the catalogue (its labels contain `{topic}`).
Figures left out of the file are not on the sheet. The default file is
app/indicators/countsheet_layout.csv; `COUNT_SHEET_LAYOUT` (or instance/countsheet_layout.csv)
replaces it. A broken file raises LayoutError naming the line and the problem.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

DEFAULT_FILE = Path(__file__).with_name("countsheet_layout.csv")
INSTANCE_FILE = "countsheet_layout.csv"
COLUMNS = ["key", "order", "label_de", "label_en"]
TOPIC_ROW = "contacts.topic.*"
HEADING = "section."


class LayoutError(ValueError):
    """The layout file cannot be used; the message says where and why (for the admin)."""


@dataclass(frozen=True)
class LayoutRow:
    key: str
    order: int
    label_de: str
    label_en: str

    @property
    def heading(self) -> bool:
        return self.key.startswith(HEADING)

    def label(self, locale: str) -> str:
        return self.label_en if locale == "en" and self.label_en else self.label_de


def parse(text: str, known: set[str], source: str = "layout") -> list[LayoutRow]:
    """The rows of a layout file in their order; LayoutError on any problem."""
    reader = csv.reader(text.lstrip("\ufeff").splitlines(), delimiter=";")
    header = [c.strip() for c in next(reader, [])]
    if header != COLUMNS:
        raise LayoutError(f"{source}, line 1: columns must be {';'.join(COLUMNS)}, not {header}")
    rows: list[LayoutRow] = []
    seen_keys: dict[str, int] = {}
    seen_orders: dict[int, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        where = f"{source}, line {line}"
        if len(cells) != len(COLUMNS):
            raise LayoutError(f"{where}: {len(COLUMNS)} cells expected, found {len(cells)}")
        key, order, label_de, label_en = (c.strip() for c in cells)
        if key not in known and key != TOPIC_ROW and not key.startswith(HEADING):
            raise LayoutError(f"{where}: unknown key {key!r}")
        if key in seen_keys:
            raise LayoutError(f"{where}: key {key!r} already on line {seen_keys[key]}")
        try:
            number = int(order)
        except ValueError:
            raise LayoutError(f"{where}: order {order!r} is not a whole number") from None
        if number in seen_orders:
            raise LayoutError(f"{where}: order {number} already on line {seen_orders[number]}")
        if not label_de:
            raise LayoutError(f"{where}: German wording (label_de) is empty")
        if key == TOPIC_ROW and "{topic}" not in label_de + label_en:
            raise LayoutError(f"{where}: the topic row's wording must contain {{topic}}")
        seen_keys[key], seen_orders[number] = line, line
        rows.append(LayoutRow(key, number, label_de, label_en))
    if not any(not r.heading for r in rows):
        raise LayoutError(f"{source}: the layout has no figures")
    return sorted(rows, key=lambda r: r.order)


def layout_path() -> Path:
    configured = current_app.config.get("COUNT_SHEET_LAYOUT")
    if configured:
        return Path(configured)
    instance = Path(current_app.instance_path) / INSTANCE_FILE
    return instance if instance.exists() else DEFAULT_FILE


_cache: dict[tuple[str, float], list[LayoutRow]] = {}


def current_layout(known: set[str]) -> list[LayoutRow]:
    """The layout in use, read again when the file changes."""
    path = layout_path()
    try:
        stamp = (str(path), path.stat().st_mtime)
        if stamp not in _cache:
            _cache.clear()
            _cache[stamp] = parse(path.read_text(encoding="utf-8"), known, str(path))
    except OSError as exc:
        raise LayoutError(f"{path}: cannot be read ({exc.strerror})") from None
    return _cache[stamp]
