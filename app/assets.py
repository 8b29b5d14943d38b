"""Static assets with fingerprinted names and long cache lifetimes; gzip for text responses.

`url_for('static', filename='app.css')` yields `/static/app.<hash>.css`. The hash changes with
the file's content, so browsers may cache it for a year; the service worker's cache version is
derived from the same hashes.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import mimetypes
import re
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory

_FINGERPRINT = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
ONE_YEAR = 365 * 24 * 3600
_COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "image/svg+xml",
    "application/manifest+json",
)
_MIN_COMPRESS = 512


@cache
def file_hash(static_folder: str, filename: str) -> str:
    path = Path(static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


@cache
def _read(static_folder: str, filename: str) -> bytes:
    return (Path(static_folder) / filename).read_bytes()


def fingerprinted(static_folder: str, filename: str) -> str:
    path = Path(filename)
    return str(path.with_name(f"{path.stem}.{file_hash(static_folder, filename)}{path.suffix}"))


def assets_version(static_folder: str, filenames: tuple[str, ...]) -> str:
    joined = "".join(file_hash(static_folder, f) for f in filenames)
    return hashlib.sha256(joined.encode()).hexdigest()[:10]


def init_assets(app: Flask) -> None:
    static_folder = app.static_folder
    assert static_folder is not None

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            with contextlib.suppress(OSError):  # a missing file 404s when requested
                values["filename"] = fingerprinted(static_folder, values["filename"])

    def static(filename: str) -> Response:
        match = _FINGERPRINT.match(filename)
        if not match:
            return send_from_directory(static_folder, filename, max_age=0)
        real = match["stem"] + match["ext"]
        try:
            current = file_hash(static_folder, real)
        except OSError:
            abort(404)
        if current != match["hash"]:
            abort(404)  # an old fingerprint: never serve new content under an old name
        # Assets are small: serve them from memory, so compression needs no file handles.
        response = Response(
            _read(static_folder, real), mimetype=mimetypes.guess_type(real)[0] or "text/plain"
        )
        response.set_etag(current)
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        return response.make_conditional(request)

    app.view_functions["static"] = static

    @app.after_request
    def compress(response: Response) -> Response:
        if (
            response.status_code < 200
            or response.status_code in (204, 304)
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in response.headers
            or not (response.mimetype or "").startswith(_COMPRESSIBLE)
        ):
            return response
        response.direct_passthrough = False
        data = response.get_data()
        if len(data) < _MIN_COMPRESS:
            return response
        response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        etag, weak = response.get_etag()
        if etag and not weak:
            response.set_etag(etag, weak=True)  # the bytes differ from the identity encoding
        response.vary.add("Accept-Encoding")
        return response
