"""Indicator sheet of a person, one-value edits (htmx or plain form), group confirmation,
the worklist, the catalogue for admins, and the count sheet."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import admin_required, case_data_required, person_or_404
from app.accounts import roles
from app.audit.refusals import record_refusal
from app.audit.services import record
from app.extensions import db, htmx
from app.forms import HideForm
from app.indicators import countsheet, countsheet_check, countsheet_layout, services
from app.indicators.catalogue import GROUP_LABELS, TOPIC_GROUPS
from app.indicators.forms import (
    CountSheetForm,
    IndicatorForm,
    OptionForm,
    OptionLabelForm,
    value_form_class,
)
from app.indicators.models import (
    Indicator,
    IndicatorOption,
    IndicatorValue,
    group_label,
    indicator_hidden,
)
from app.organisations import ownership
from app.timeutil import today, utcnow

bp = Blueprint("indicators", __name__)


def _indicator_for(person, indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or not ownership.may_see(current_user, indicator.organisation_id):
        abort(404)  # another organisation's own indicator does not exist here
    if indicator.restricted:
        if not services.may_see_restricted(current_user, person.household):
            abort(404)
        record("view_restricted", "person", person.id, f"Kennzahl {indicator.key}")  # i18n: not UI
    return indicator


@bp.get("/persons/<int:person_id>/indicators")
@case_data_required
def sheet(person_id: int):
    """The whole sheet; or, for htmx from the contact form, the groups that match the chosen
    topics, so that recording a contact and updating indicators is one flow."""
    person = person_or_404(current_user, person_id)
    record("view", "person", person.id, "Kennzahlen")
    db.session.commit()
    # after the commit, which expires loaded objects: rendering then sends no query per row
    groups = services.sheet(current_user, person, today())
    if htmx and "for_topics" in request.args:
        wanted = {g for t in request.args.getlist("topics") for g in TOPIC_GROUPS.get(t, ())}
        groups = [g for g in groups if g.key in wanted]
        return render_template("indicators/_topic_groups.html", person=person, groups=groups)
    return render_template("indicators/sheet.html", person=person, groups=groups)


@bp.get("/persons/<int:person_id>/indicators/<int:indicator_id>")
@case_data_required
def row(person_id: int, indicator_id: int):
    """The history of one indicator; for htmx the sheet row (e.g. after "Abbrechen")."""
    person = person_or_404(current_user, person_id)
    indicator = _indicator_for(person, indicator_id)
    db.session.commit()
    if htmx:
        current = services.row_for(current_user, person, indicator, today())
        return render_template("indicators/_row.html", person=person, row=current)
    values = services.history(person, indicator)
    return render_template(
        "indicators/history.html",
        person=person,
        indicator=indicator,
        values=values,
        current=services.as_of(values, today()),
        display=services.display,
    )


@bp.route("/persons/<int:person_id>/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@case_data_required
def edit(person_id: int, indicator_id: int):
    person = person_or_404(current_user, person_id)
    indicator = _indicator_for(person, indicator_id)
    on = today()
    current = services.row_for(current_user, person, indicator, on).current
    form = value_form_class(indicator)()
    if request.method == "GET":
        form.valid_from.data = on
        if current is not None:
            form.value.data = (
                json.loads(current.value) if indicator.type == "multi" else current.value
            )
    error = None
    if indicator.is_retired:
        error = _("Diese Kennzahl ist stillgelegt und kann nicht mehr geändert werden.")
    elif form.validate_on_submit():
        corrects = None
        if form.kind_.data == "correction":
            if current is None:
                form.kind_.errors = [_("Es gibt noch keinen Wert, der korrigiert werden könnte.")]
            else:
                corrects = current
        if not form.kind_.errors:
            raw = request.form.getlist("value") if indicator.type == "multi" else form.value.data
            valid_from = form.valid_from.data
            if corrects is not None and valid_from == on:
                # A correction keeps the date of the entry it corrects unless another is given.
                valid_from = corrects.valid_from
            try:
                services.record_value(
                    current_user, person, indicator, raw, valid_from, corrects=corrects
                )
            except services.InvalidValue as exc:
                db.session.rollback()
                form.value.errors = [str(exc)]
            else:
                db.session.commit()
                if htmx:
                    row = services.row_for(current_user, person, indicator, on)
                    return render_template(
                        "indicators/_row.html", person=person, row=row, row_saved=True
                    )
                flash(_("%(indicator)s gespeichert.", indicator=indicator.label), "success")
                return redirect(
                    url_for(".sheet", person_id=person.id, _anchor=f"g-{indicator.group}")
                )
    db.session.commit()  # audit of restricted access
    # htmx swaps only 2xx answers: the inline form with its messages comes back as 200.
    status = 422 if request.method == "POST" and not htmx else 200
    template = "indicators/_edit.html" if htmx else "indicators/edit.html"
    return (
        render_template(
            template,
            person=person,
            indicator=indicator,
            form=form,
            current=current,
            error=error,
            display=services.display,
        ),
        status,
    )


@bp.post("/persons/<int:person_id>/indicators/confirm/<group>")
@case_data_required
def confirm(person_id: int, group: str):
    person = person_or_404(current_user, person_id)
    if group not in GROUP_LABELS:
        abort(404)
    services.confirm_group(current_user, person, group, today())
    db.session.commit()
    if htmx:
        groups = services.sheet(current_user, person, today())
        db.session.commit()
        match = next((g for g in groups if g.key == group), None)
        if match is None:
            abort(404)
        return render_template("indicators/_group.html", person=person, group=match, saved=True)
    flash(_("%(group)s: alles noch aktuell – bestätigt.", group=group_label(group)), "success")
    return redirect(url_for(".sheet", person_id=person.id, _anchor=f"g-{group}"))


@bp.get("/worklist")
@case_data_required
def worklist():
    items = services.worklist(current_user, today())
    return render_template("indicators/worklist.html", items=items)


# --- catalogue (admins) ----------------------------------------------------------------------
INDICATOR_FIELDS = (
    "label_de",
    "label_en",
    "group",
    "type",
    "min_value",
    "max_value",
    "applies_to",
    "age_min",
    "age_max",
    "required",
    "stale_after_days",
    "restricted",
)


@bp.get("/admin/indicators")
@admin_required
def catalogue():
    indicators = services.catalogue(
        current_user.organisation_id, include_retired=True, include_hidden=True
    )
    hidden = set(db.session.scalars(services.hidden_indicator_ids(current_user.organisation_id)))
    groups = {key: group_label(key) for key in GROUP_LABELS}
    return render_template(
        "indicators/catalogue.html",
        defaults=[i for i in indicators if i.organisation_id is None],
        own=[i for i in indicators if i.organisation_id is not None],
        hidden=hidden,
        groups=groups,
        steward=ownership.stewards_defaults(current_user),
    )


def _visible_or_404(indicator_id: int) -> Indicator:
    """Another organisation's own indicator does not exist for this admin."""
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or not ownership.may_see(current_user, indicator.organisation_id):
        abort(404)
    return indicator


def _is_hidden(indicator: Indicator) -> bool:
    return indicator.organisation_id is None and bool(
        db.session.scalar(
            services.hidden_indicator_ids(current_user.organisation_id).where(
                indicator_hidden.c.indicator_id == indicator.id
            )
        )
    )


def _read_only(indicator: Indicator):
    """A default the admin does not maintain: shown read-only; a change posted anyway is
    refused with the reason and audited as a refusal."""
    attempted = request.method == "POST"
    if attempted:
        record_refusal(403)
    return (
        render_template(
            "indicators/indicator_readonly.html",
            indicator=indicator,
            group=group_label(indicator.group),
            refused=ownership.refusal("indicator"),
            attempted=attempted,
            hidden=_is_hidden(indicator),
        ),
        403 if attempted else 200,
    )


@bp.route("/admin/indicators/new", methods=["GET", "POST"])
@bp.route("/admin/indicators/<int:indicator_id>", methods=["GET", "POST"])
@admin_required
def edit_indicator(indicator_id: int | None = None):
    indicator = _visible_or_404(indicator_id) if indicator_id else None
    if indicator is not None and not ownership.may_change(current_user, indicator.organisation_id):
        return _read_only(indicator)
    form = IndicatorForm(obj=indicator)
    steward = ownership.stewards_defaults(current_user)
    if indicator is not None or not steward:
        del form.shared
    option_form = OptionForm(prefix="option")
    if indicator is not None:
        form.key.render_kw = {"readonly": True}
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in INDICATOR_FIELDS}
        if indicator is None:
            if db.session.scalar(select(Indicator.id).where(Indicator.key == form.key.data)):
                form.key.errors = [_("Diesen Schlüssel gibt es schon.")]
            else:
                shared = steward and form.shared.data
                owner = ownership.new_owner(current_user, shared)
                indicator = Indicator(
                    key=form.key.data, position=1000, organisation_id=owner, **data
                )
                db.session.add(indicator)
                db.session.flush()
                record("create", "indicator", indicator.id, "default" if owner is None else "own")
                db.session.commit()
                flash(_("Kennzahl angelegt."), "success")
                return redirect(url_for(".edit_indicator", indicator_id=indicator.id))
        else:
            if indicator.type != data["type"] and db.session.scalar(
                select(IndicatorValue.id).where(IndicatorValue.indicator_id == indicator.id)
            ):
                form.type.errors = [
                    _("Es gibt schon Werte: Die Art des Werts lässt sich nicht mehr ändern.")
                ]
            else:
                changed = [k for k, v in data.items() if getattr(indicator, k) != v]
                for name in changed:
                    setattr(indicator, name, data[name])
                if changed:
                    record("update", "indicator", indicator.id, ", ".join(changed))
                db.session.commit()
                flash(_("Änderungen gespeichert."), "success")
                return redirect(url_for(".catalogue"))
    return render_template(
        "indicators/indicator_form.html",
        form=form,
        indicator=indicator,
        option_form=option_form,
        hidden=indicator is not None and _is_hidden(indicator),
    )


def _changeable_or_refused(indicator: Indicator):
    """None when the admin may change `indicator`, else the refusal page."""
    if ownership.may_change(current_user, indicator.organisation_id):
        return None
    return _read_only(indicator)


@bp.post("/admin/indicators/<int:indicator_id>/retire")
@admin_required
def retire(indicator_id: int):
    indicator = _visible_or_404(indicator_id)
    if (refused := _changeable_or_refused(indicator)) is not None:
        return refused
    indicator.retired_at = None if indicator.retired_at else utcnow()
    record("retire" if indicator.retired_at else "reopen", "indicator", indicator.id)
    db.session.commit()
    flash(
        _("Kennzahl stillgelegt.") if indicator.retired_at else _("Kennzahl wieder aktiv."),
        "success",
    )
    return redirect(url_for(".catalogue"))


@bp.post("/admin/indicators/<int:indicator_id>/hidden")
@admin_required
def hide_indicator(indicator_id: int):
    """Hide a default for the admin's organisation (or use it again); own indicators are
    retired instead."""
    indicator = _visible_or_404(indicator_id)
    if indicator.organisation_id is not None:
        abort(404)
    form = HideForm()
    if form.validate_on_submit():
        hidden = form.hidden.data == "1"
        services.set_indicator_hidden(current_user, indicator, hidden)
        db.session.commit()
        flash(
            _("Kennzahl für Ihren Träger ausgeblendet.")
            if hidden
            else _("Kennzahl wird für Ihren Träger wieder geführt."),
            "success",
        )
    return redirect(url_for(".catalogue"))


@bp.post("/admin/indicators/<int:indicator_id>/options")
@admin_required
def add_option(indicator_id: int):
    indicator = _visible_or_404(indicator_id)
    if (refused := _changeable_or_refused(indicator)) is not None:
        return refused
    form = IndicatorForm(obj=indicator, formdata=None)
    del form.shared
    option_form = OptionForm(prefix="option")
    if option_form.validate_on_submit():
        if any(o.code == option_form.code.data for o in indicator.options):
            option_form.code.errors = [_("Diesen Code gibt es schon.")]
        else:
            option = IndicatorOption(
                indicator_id=indicator.id,
                code=option_form.code.data,
                label_de=option_form.label_de.data,
                label_en=option_form.label_en.data,
                position=len(indicator.options),
            )
            db.session.add(option)
            db.session.flush()
            record("create", "indicator_option", option.id)
            db.session.commit()
            flash(_("Auswahlwert hinzugefügt."), "success")
            return redirect(url_for(".edit_indicator", indicator_id=indicator.id))
    return (
        render_template(
            "indicators/indicator_form.html",
            form=form,
            indicator=indicator,
            option_form=option_form,
            hidden=_is_hidden(indicator),
        ),
        422,
    )


def _option_or_404(option_id: int) -> IndicatorOption:
    option = db.session.get(IndicatorOption, option_id)
    if option is None or not ownership.may_see(current_user, option.indicator.organisation_id):
        abort(404)
    return option


@bp.route("/admin/indicator-options/<int:option_id>", methods=["GET", "POST"])
@admin_required
def edit_option(option_id: int):
    option = _option_or_404(option_id)
    if (refused := _changeable_or_refused(option.indicator)) is not None:
        return refused
    form = OptionLabelForm(obj=option)
    if form.validate_on_submit():
        data = {"label_de": form.label_de.data, "label_en": form.label_en.data}
        changed = [k for k, v in data.items() if getattr(option, k) != v]
        for name in changed:
            setattr(option, name, data[name])
        if changed:
            record("update", "indicator_option", option.id, ", ".join(changed))
        db.session.commit()
        flash(_("Auswahlwert gespeichert."), "success")
        return redirect(url_for(".edit_indicator", indicator_id=option.indicator_id))
    return render_template("indicators/option_form.html", form=form, option=option)


@bp.post("/admin/indicator-options/<int:option_id>/retire")
@admin_required
def retire_option(option_id: int):
    option = _option_or_404(option_id)
    if (refused := _changeable_or_refused(option.indicator)) is not None:
        return refused
    option.retired_at = None if option.retired_at else utcnow()
    record("retire" if option.retired_at else "reopen", "indicator_option", option.id)
    db.session.commit()
    return redirect(url_for(".edit_indicator", indicator_id=option.indicator_id))


# --- count sheet -----------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.errorhandler(countsheet_layout.LayoutError)
def broken_layout(error: countsheet_layout.LayoutError):
    """An admin's edit broke the layout file: say so plainly instead of a bare error 500."""
    return render_template("indicators/count_sheet_layout_error.html", error=error), 500


def _count_sheet_request():
    """The filter form, the period and the managers the user may see (the chosen one or, with
    none chosen, all of them; a manager only ever themselves)."""
    form = CountSheetForm(request.args)
    period = countsheet.default_period(today())
    if form.validate():
        period = (
            countsheet.period_from(form.year.data, form.date_from.data, form.date_to.data) or period
        )
    managers = countsheet.sheet_managers(current_user, period)
    if current_user.role in (roles.ADMIN, roles.TEAM_LEAD):
        form.manager_id.choices = [(0, countsheet.sum_title(current_user))] + [
            (m.id, m.display_name) for m in managers
        ]
    else:
        form.manager_id.choices = []
    chosen = next((m for m in managers if m.id == form.manager_id.data), None)
    if chosen is None:
        form.manager_id.data = 0
    if current_user.role == roles.MANAGER:
        chosen = current_user
    return form, period, managers, chosen


def _sheet(period, chosen) -> countsheet.CountSheet:
    if chosen is not None:
        return countsheet.one(current_user, period, chosen)
    return countsheet.batch(current_user, period).total


def _download(body: bytes | str, name: str, mimetype: str):
    return (
        body,
        200,
        {"Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{name}"'},
    )


def _file_stem(period) -> str:
    return f"auswertung-zeitraum-{period[0]:%Y%m%d}-{period[1]:%Y%m%d}"


@bp.get("/reports/count-sheet")
@case_data_required
def count_sheet():
    form, period, managers, chosen = _count_sheet_request()
    sheet = _sheet(period, chosen)
    query = {
        "date_from": period[0].isoformat(),
        "date_to": period[1].isoformat(),
        "manager_id": chosen.id if chosen and current_user.role != roles.MANAGER else 0,
    }
    return render_template(
        "indicators/count_sheet.html",
        form=form,
        sheet=sheet,
        q=query,
        batch_size=len(managers),
        lead=current_user.role in (roles.ADMIN, roles.TEAM_LEAD),
    )


@bp.get("/reports/count-sheet.<fmt>")
@case_data_required
def count_sheet_download(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    _, period, _managers, chosen = _count_sheet_request()
    sheet = _sheet(period, chosen)
    detail = f"{fmt} " + (f"user {chosen.id}" if chosen else "sum")
    record("export", "count_sheet", None, detail)
    db.session.commit()
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows(countsheet.table_rows(sheet))
        body = "\ufeff" + buffer.getvalue()
        return _download(body, f"{_file_stem(period)}.csv", "text/csv; charset=utf-8")
    return _download(countsheet.to_xlsx([sheet]), f"{_file_stem(period)}.xlsx", XLSX)


@bp.get("/reports/count-sheet/all.xlsx")
@case_data_required
def count_sheet_batch():
    """Every sheet the user may see in one workbook, a worksheet per manager and the sum (a
    manager gets their own sheet only)."""
    _, period, _managers, _chosen = _count_sheet_request()
    if current_user.role == roles.MANAGER:
        sheets = [countsheet.one(current_user, period, current_user)]
    else:
        found = countsheet.batch(current_user, period)
        sheets = [*found.managers, found.total]
    record("export", "count_sheet", None, f"xlsx batch {len(sheets)} sheets")
    db.session.commit()
    name = f"{_file_stem(period)}-alle.xlsx"
    return _download(countsheet.to_xlsx(sheets), name, XLSX)


@bp.get("/reports/count-sheet/check")
@case_data_required
def count_sheet_check():
    form, period, managers, chosen = _count_sheet_request()
    authors = [chosen] if chosen is not None else managers
    found = countsheet_check.check(current_user, period, authors, today())
    return render_template(
        "indicators/count_sheet_check.html",
        form=form,
        period=period,
        check=found,
        lead=current_user.role in (roles.ADMIN, roles.TEAM_LEAD),
    )
