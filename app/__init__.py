"""Wegbegleiter: documentation for municipal integration management teams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as config_module
from app.extensions import csrf, db, htmx, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config_module.from_environment(Path(app.instance_path)))
    app.config.from_pyfile("settings.py", silent=True)  # optional instance overrides
    if config:
        app.config.update(config)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind the reverse proxy every request comes from the proxy's address: take the
        # client's address (login throttle, audit) and scheme from the headers it sets.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)

    from app.i18n import init_i18n

    init_i18n(app)

    from app import models  # noqa: F401  - register every model with the metadata
    from app.web import register_web

    register_web(app)

    from app.cli import register_cli

    register_cli(app)
    return app
