"""The one check for redirect targets taken from a request (`next`): only paths on this site."""

from __future__ import annotations

import unicodedata
from typing import overload
from urllib.parse import unquote, urlsplit

MAX_TARGET_LENGTH = 2000


def _is_local_path(target: str) -> bool:
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    # Browsers drop tabs and line breaks inside a URL ("/\t/evil" becomes "//evil") and
    # headers cannot carry them: any control or format character disqualifies the target.
    if any(unicodedata.category(ch).startswith("C") for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@overload
def safe_next(target: str | None, default: str) -> str: ...
@overload
def safe_next(target: str | None, default: None = None) -> str | None: ...
def safe_next(target: str | None, default: str | None = None) -> str | None:
    """`target` when it is a path on this site, else `default`.

    The check holds for the target as given and for every decoding of it, so that encoded
    slashes, backslashes and control characters (%2F%2F, %5C, %09, %0D%0A, %00) cannot smuggle
    in another host."""
    if not target or len(target) > MAX_TARGET_LENGTH:
        return default
    candidate = target
    for _round in range(4):
        if not _is_local_path(candidate):
            return default
        decoded = unquote(candidate)
        if decoded == candidate:
            return target
        candidate = decoded
    return default  # encoded more deeply than any link of ours
