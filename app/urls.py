"""Numbers taken from URLs and query strings: database ids and small counters, bounded.

Python's int() reads any script's digits ("３", "٣") and any size; SQLite and PostgreSQL
store 64-bit integers, so 2^63 in a query raises OverflowError (a 500). Every id in a path
goes through IdConverter (registered as the `int` converter), every numeric query argument
through int_arg()."""

from __future__ import annotations

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1  # largest BIGINT
MAX_PAGE = 100_000  # an offset of page × per-page rows stays far below MAX_ID
_MAX_DIGITS = len(str(MAX_ID))


class IdConverter(IntegerConverter):
    """`<int:x>` in every route: ASCII digits only, 1 … 2^63−1; anything else does not match
    the route (404)."""

    regex = rf"[0-9]{{1,{_MAX_DIGITS}}}"

    def __init__(self, map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def parse_int(raw: str | None, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """ASCII digits within low … high, else None (no sign, no spaces, no other scripts)."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > _MAX_DIGITS:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def int_arg(
    name: str,
    default: int | None = None,
    *,
    low: int = 1,
    high: int = MAX_ID,
    values: MultiDict | None = None,
) -> int | None:
    """A numeric query argument (or `values`, e.g. request.form), bounded; `default` for
    anything missing, malformed or out of range."""
    value = parse_int((request.args if values is None else values).get(name), low=low, high=high)
    return default if value is None else value


def page_arg(name: str = "page") -> int:
    return int_arg(name, 1, high=MAX_PAGE)
