"""The subject-access report (Art. 15) as print lines for the PDF.

Flat on purpose (docs/benchmarks.md, subject-access PDF): WeasyPrint's cost grows with the
number of boxes, not of characters. Every element and every inline element (a styled label,
a `<bdi>`) gets its own style, line splitting and drawing, so a label in a `<span>` doubled the
time of the whole PDF. Each record (a contact, an access-log entry …) is therefore ONE paragraph
of plain text, "Datum: … · Art: … · Notiz: …"; only a value in right-to-left script gets a
`<bdi>`, which it needs to read in the right order next to Latin text. Nested records (the
goals of a plan) follow indented under a label line. Nothing is left out or shortened: the PDF
shows exactly the data of the JSON report."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
EMPTY = "—"
FIELD_SEPARATOR = " · "
ITEM_SEPARATOR = "; "


@dataclass(frozen=True)
class Line:
    """One paragraph of the PDF. kind: "field" (one labelled value), "record" (one entry of
    a list, all its simple fields on one line) or "label" (heads nested entries)."""

    html: Markup
    kind: str
    depth: int = 0


def _is_block(value: Any) -> bool:
    """A value that needs lines of its own: a mapping or a list holding mappings."""
    if isinstance(value, Mapping):
        return True
    return isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value)


def inline(value: Any) -> Markup:
    """A value as text on one line (escaped; right-to-left text isolated)."""
    if isinstance(value, Mapping):
        return Markup(FIELD_SEPARATOR).join(
            Markup("{}: {}").format(key, inline(v)) for key, v in value.items()
        )
    if isinstance(value, list | tuple):
        if not value:
            return Markup(EMPTY)
        return Markup(ITEM_SEPARATOR).join(inline(v) for v in value)
    if value is None or value == "":
        return Markup(EMPTY)
    if value is True:
        return escape(_("ja"))
    if value is False:
        return escape(_("nein"))
    text = str(value)
    if RTL.search(text):
        return Markup("<bdi>{}</bdi>").format(text)
    return escape(text)


def _record(item: Mapping, depth: int) -> list[Line]:
    simple = {k: v for k, v in item.items() if not _is_block(v)}
    out = [Line(inline(simple) if simple else Markup(EMPTY), "record", depth)]
    for key, value in item.items():
        if _is_block(value):
            out.append(Line(Markup("{}:").format(key), "label", depth + 1))
            out.extend(lines(value, depth + 1))
    return out


def lines(data: Any, depth: int = 0) -> list[Line]:
    """The print lines of one section's data (a mapping, a list or a single value)."""
    if isinstance(data, Mapping):
        out: list[Line] = []
        for key, value in data.items():
            if _is_block(value):
                out.append(Line(Markup("{}:").format(key), "label", depth))
                out.extend(lines(value, depth + 1))
            else:
                out.append(Line(Markup("{}: {}").format(key, inline(value)), "field", depth))
        return out
    if isinstance(data, list | tuple) and any(isinstance(v, Mapping) for v in data):
        out = []
        for item in data:
            if isinstance(item, Mapping):
                out.extend(_record(item, depth))
            else:
                out.append(Line(inline(item), "record", depth))
        return out
    return [Line(inline(data), "field", depth)]


def printable(report: dict) -> list[dict]:
    """The sections of a `services.subject_access` report with their print lines."""
    return [
        {"key": s["key"], "title": s["title"], "lines": lines(s["data"])}
        for s in report["sections"]
    ]
