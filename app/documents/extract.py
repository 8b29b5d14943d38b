"""The msgids of the `documents` domain, read from the client-document templates.

Templates mark their texts by the call itself: ``bi("Terminkarte", "h1")`` (bilingual block,
templates/documents/_bilingual.html) and ``t("...")`` (the consent form's block macro); the
first string argument is the msgid. Labels from option lists come from
`app.documents.labels.dynamic_msgids()`.

    python -m app.documents.extract > /tmp/documents.pot   # template for a new language
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from jinja2 import Environment
from jinja2.ext import extract_from_ast

from app.documents.labels import dynamic_msgids

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = (
    "templates/documents/_bilingual.html",
    "templates/appointments/card_pdf.html",
    "templates/appointments/card_preview.html",
    "templates/consent/form_pdf.html",
    "templates/plans/pdf.html",
    "templates/contacts/next_steps_pdf.html",
)
KEYWORDS = ("bi", "t")


def template_msgids() -> dict[str, list[str]]:
    """msgid -> ['path:line', ...] in template order."""
    env = Environment()
    found: dict[str, list[str]] = {}
    for name in TEMPLATES:
        source = (ROOT / name).read_text(encoding="utf-8")
        for lineno, _func, message in extract_from_ast(env.parse(source), KEYWORDS):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, []).append(f"{name}:{lineno}")
    return found


def all_msgids() -> set[str]:
    return set(template_msgids()) | dynamic_msgids()


def template_catalog() -> Catalog:
    catalog = Catalog(domain="documents", project="Wegbegleiter client documents")
    for msgid, places in template_msgids().items():
        locations = [(path, int(line)) for path, line in (p.rsplit(":", 1) for p in places)]
        catalog.add(msgid, locations=locations)
    for msgid in sorted(dynamic_msgids()):
        if msgid not in catalog:
            catalog.add(msgid, locations=[("app/documents/labels.py", 0)])
    return catalog


if __name__ == "__main__":
    write_po(sys.stdout.buffer, template_catalog(), width=100)
