"""Import of households and persons from a spreadsheet: upload -> columns -> preview -> import.

Admins (their organisation) and team leads (into their own team). The uploaded file waits in
the instance folder under a token carried by the forms (app/imports/storage.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.access import leads_required
from app.accounts.models import User
from app.collation import sorted_by_name
from app.extensions import db
from app.households.services import managers_for
from app.imports import parsing, services, storage, template
from app.imports.forms import UNKNOWN_COLUMN, ConfirmForm, UploadForm, mapping_form
from app.imports.parsing import ImportFileError
from app.organisations.models import Municipality
from app.timeutil import today

bp = Blueprint("imports", __name__, url_prefix="/admin/import")

GONE = _l("Die hochgeladene Datei ist nicht mehr vorhanden (sie wird nach einer Stunde gelöscht).")


def max_bytes() -> int:
    """The import's limit, never above what the server accepts for a whole request."""
    limit = int(current_app.config.get("IMPORT_MAX_BYTES", 2 * 1024 * 1024))
    request_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request_limit:
        limit = min(limit, int(request_limit) - 4096)  # room for the other form fields
    return max(limit, 1024)


def too_big_message() -> str:
    return _(
        "Die Datei ist zu groß (höchstens %(kb)d KB). Bitte die Liste aufteilen.",
        kb=max_bytes() // 1024,
    )


@bp.errorhandler(413)
def too_big(_error):
    form = UploadForm(formdata=None)
    form.file.errors = [too_big_message()]
    return render_template("imports/upload.html", form=form, limit=max_bytes()), 413


def _upload_page(form: UploadForm, status: int = 200):
    return render_template("imports/upload.html", form=form, limit=max_bytes()), status


@bp.route("/", methods=["GET", "POST"])
@leads_required
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 422 if form.errors else 200)
    data = form.file.data.read(max_bytes() + 1)
    filename = (form.file.data.filename or "")[:200]
    if len(data) > max_bytes():
        form.file.errors.append(too_big_message())
        return _upload_page(form, 422)
    try:
        table = parsing.read_table(data, filename)
    except ImportFileError as error:
        form.file.errors.append(str(error))
        return _upload_page(form, 422)
    meta = {
        "user_id": current_user.id,
        "organisation_id": current_user.organisation_id,
        "filename": filename,
        "hash": parsing.file_hash(data),
    }
    token = storage.save(data, meta)
    mapping = services.remembered_mapping(current_user.organisation_id, table.headers)
    remembered = mapping is not None
    if mapping is None:
        mapping = parsing.suggest_mapping(table.headers)
    form = _mapping_form(table, formdata=None, token=token)
    for i, code in enumerate(mapping):
        getattr(form, f"col_{i}").data = code
    return _mapping_page(form, table, meta, remembered=remembered)


def _mapping_form(table: parsing.Table, **kwargs):
    form = mapping_form(table.headers, **kwargs)
    form.team_id.choices = services.team_choices(current_user)
    team_id = form.team_id.data if isinstance(form.team_id.data, int) else 0
    managers = managers_for(current_user, team_id or None)
    form.manager_id.choices = [(0, _("noch niemand")), *((m.id, m.display_name) for m in managers)]
    towns = sorted_by_name(
        db.session.scalars(
            db.select(Municipality).where(
                Municipality.organisation_id == current_user.organisation_id
            )
        )
    )
    form.municipality_id.choices = [(0, _("laut Datei")), *((m.id, m.name) for m in towns)]
    return form


def _columns(form, table: parsing.Table) -> list:
    return [getattr(form, f"col_{i}") for i in range(len(table.headers))]


def _mapping_page(form, table, meta, remembered=False, problems=(), status=200):
    samples = [[cells[i] for _n, cells in table.rows[:3]] for i in range(len(table.headers))]
    return (
        render_template(
            "imports/mapping.html",
            form=form,
            columns=list(zip(_columns(form, table), samples, strict=True)),
            meta=meta,
            rows=len(table.rows),
            remembered=remembered,
            problems=problems,
        ),
        status,
    )


def _load(token: str | None):
    """The waiting file, its notes and its table; None (with a message) when gone."""
    loaded = storage.load(token, current_user.id)
    if loaded is None:
        return None
    data, meta = loaded
    try:
        table = parsing.read_table(data, meta.get("filename", ""))
    except ImportFileError:
        return None
    return data, meta, table


def _gone():
    form = UploadForm(formdata=None)
    form.file.errors = [str(GONE) + " " + _("Bitte die Datei erneut hochladen.")]
    return _upload_page(form, 422)


def _options(meta: dict) -> services.Options:
    return services.Options(**meta.get("options", {}))


@bp.post("/mapping")
@leads_required
def mapping():
    token = request.form.get("token")
    loaded = _load(token)
    if loaded is None:
        return _gone()
    _data, meta, table = loaded
    if request.form.get("action") == "cancel":
        storage.delete(token)
        flash(_("Import abgebrochen; die Datei ist gelöscht."), "info")
        return redirect(url_for(".upload"))
    form = _mapping_form(table)
    valid = form.validate_on_submit()
    columns = _columns(form, table)
    for column in columns:
        if not column.data:
            column.errors = [*column.errors, str(UNKNOWN_COLUMN)]
            valid = False
    mapping = [column.data or "" for column in columns]
    problems = parsing.mapping_problems(mapping)
    if valid and form.team_id.data and form.manager_id.data:
        manager = db.session.get(User, form.manager_id.data)
        if manager is None or manager.team_id != form.team_id.data:
            form.manager_id.errors = [_("Diese Person gehört nicht zum gewählten Team.")]
            valid = False
    if not valid or problems:
        return _mapping_page(form, table, meta, problems=problems, status=422)
    services.remember_mapping(current_user.organisation_id, table.headers, mapping)
    db.session.commit()
    meta["mapping"] = mapping
    meta["options"] = {
        "team_id": form.team_id.data or 0,
        "manager_id": form.manager_id.data or 0,
        "municipality_id": form.municipality_id.data or 0,
        "accommodation": form.accommodation.data,
    }
    storage.update(token, meta)
    return _preview_page(ConfirmForm(formdata=None, token=token), meta, table)


def _preview(meta: dict, table: parsing.Table) -> services.Preview:
    return services.build_preview(
        current_user, table, meta["mapping"], _options(meta), meta["hash"], today()
    )


def _preview_page(form, meta, table, preview=None, message="", dry_run=None, status=200):
    preview = preview or _preview(meta, table)
    return (
        render_template(
            "imports/preview.html",
            form=form,
            meta=meta,
            preview=preview,
            message=message,
            dry_run=dry_run,
            include=bool(form.include_duplicates.data),
        ),
        status,
    )


@bp.post("/confirm")
@leads_required
def confirm():
    token = request.form.get("token")
    loaded = _load(token)
    if loaded is None or "mapping" not in loaded[1]:
        already = _("Falls sie gerade importiert wurde: siehe Haushaltsliste.")
        form = UploadForm(formdata=None)
        form.file.errors = [str(GONE) + " " + already]
        return _upload_page(form, 422)
    _data, meta, table = loaded
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _preview_page(form, meta, table, status=422)
    preview = _preview(meta, table)
    include = bool(form.include_duplicates.data)
    options = _options(meta)
    dry = request.form.get("action") != "import"
    try:
        run = services.run_import(
            current_user, preview, options, meta["hash"], meta.get("filename", ""), include
        )
        counts = (run.households, run.persons)
        if dry:
            db.session.rollback()
        else:
            db.session.commit()
    except services.ImportRefused as refused:
        db.session.rollback()
        return _preview_page(form, meta, table, preview, message=str(refused), status=422)
    except IntegrityError:
        db.session.rollback()
        message = _("Diese Datei wurde bereits importiert; es wurde nichts angelegt.")
        return _preview_page(form, meta, table, message=message, status=409)
    if dry:
        return _preview_page(form, meta, table, preview, dry_run=counts)
    storage.delete(token)
    flash(
        _(
            "Import abgeschlossen: %(h)d Haushalte und %(p)d Personen angelegt.",
            h=counts[0],
            p=counts[1],
        ),
        "success",
    )
    return redirect(url_for(".upload"))


@bp.get("/vorlage.xlsx")
@leads_required
def template_file():
    towns = sorted_by_name(
        db.session.scalars(
            db.select(Municipality.name).where(
                Municipality.organisation_id == current_user.organisation_id
            )
        ),
        lambda name: name,
    )
    response = current_app.response_class(
        template.workbook(list(towns)),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="import-vorlage.xlsx"'
    return response
