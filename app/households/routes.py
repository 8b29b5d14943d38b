"""Household and person pages, the household list and the live search."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import case_data_required, household_or_404, person_or_404
from app.audit.services import record
from app.extensions import db, htmx
from app.households import rules, services
from app.households.forms import CloseHouseholdForm, HouseholdForm, ListFilterForm, PersonForm
from app.households.labels import distinct_labels
from app.households.models import Household
from app.households.services import PERSON_FIELDS
from app.timeutil import today
from app.urls import page_arg

bp = Blueprint("households", __name__)

HOUSEHOLD_FIELDS = ("name", "municipality_id", "street", "postcode", "phone", "accommodation")


def _data(form, fields: tuple[str, ...]) -> dict:
    return {name: getattr(form, name).data for name in fields}


def _household_form(household: Household | None = None) -> HouseholdForm:
    form = HouseholdForm(obj=household)
    form.municipality_id.choices = [
        (m.id, m.name) for m in services.municipalities_for(current_user)
    ]
    team_id = household.team_id if household else None
    form.manager_id.choices = [(0, _("— niemand —"))] + [
        (u.id, u.display_name) for u in services.managers_for(current_user, team_id)
    ]
    if request.method == "GET" and household is None:
        form.manager_id.data = current_user.id
    if request.method == "GET" and household is not None:
        form.manager_id.data = household.manager_id or 0
    return form


@bp.get("/households")
@case_data_required
def index():
    form = ListFilterForm(request.args)
    form.municipality_id.choices = [(0, _("alle"))] + [
        (m.id, m.name) for m in services.municipalities_for(current_user)
    ]
    filters = services.ListFilters()
    if form.validate():
        filters = services.ListFilters(
            status=form.status.data,
            eligibility=form.eligibility.data,
            prospect=form.prospect.data,
            municipality_id=form.municipality_id.data or 0,
            manager_id=current_user.id if form.mine.data else None,
        )
    page = db.paginate(
        services.household_list_query(current_user, filters, today()),
        page=page_arg(),
        per_page=25,
        error_out=False,
        max_per_page=25,
    )
    template = (
        "households/_list.html"
        if htmx and htmx.target == "household-list"
        else ("households/index.html")
    )
    return render_template(template, page=page, labels=distinct_labels(page.items), form=form)


@bp.route("/households/new", methods=["GET", "POST"])
@case_data_required
def new():
    form = _household_form()
    if form.validate_on_submit():
        data = _data(form, HOUSEHOLD_FIELDS) | {"manager_id": form.manager_id.data or None}
        household = services.create_household(current_user, data)
        db.session.commit()
        flash(_("Haushalt angelegt. Jetzt die erste Person erfassen."), "success")
        return redirect(url_for(".new_person", household_id=household.id))
    return render_template("households/form.html", form=form, household=None)


@bp.get("/households/<int:household_id>")
@case_data_required
def show(household_id: int):
    household = household_or_404(current_user, household_id)
    record("view", "household", household.id)
    db.session.commit()
    on = today()
    members = [(p, rules.person_eligibility(p, on)) for p in household.members]
    from app.contacts.routes import timeline_context

    response = make_response(
        render_template("households/show.html", members=members, **timeline_context(household))
    )
    # The service worker keeps such pages for offline reading (staff only; see static/sw.js).
    response.headers["X-Offline-Copy"] = "allowed"
    return response


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@case_data_required
def edit(household_id: int):
    household = household_or_404(current_user, household_id)
    form = _household_form(household)
    if form.validate_on_submit():
        data = _data(form, HOUSEHOLD_FIELDS) | {"manager_id": form.manager_id.data or None}
        services.update_household(household, data)
        db.session.commit()
        flash(_("Änderungen gespeichert."), "success")
        return redirect(url_for(".show", household_id=household.id))
    return render_template("households/form.html", form=form, household=household)


@bp.route("/households/<int:household_id>/close", methods=["GET", "POST"])
@case_data_required
def close(household_id: int):
    household = household_or_404(current_user, household_id)
    form = CloseHouseholdForm()
    if request.method == "GET":
        form.closed_on.data = today()
    if household.status == "closed":
        flash(_("Dieser Haushalt ist bereits abgeschlossen."), "info")
        return redirect(url_for(".show", household_id=household.id))
    if form.validate_on_submit():
        services.close_household(household, form.reason.data, form.closed_on.data)
        db.session.commit()
        flash(_("Beratung abgeschlossen."), "success")
        return redirect(url_for(".show", household_id=household.id))
    return render_template("households/close.html", form=form, household=household)


@bp.post("/households/<int:household_id>/reopen")
@case_data_required
def reopen(household_id: int):
    household = household_or_404(current_user, household_id)
    if household.status == "closed":
        services.reopen_household(household)
        db.session.commit()
        flash(_("Beratung wieder aufgenommen."), "success")
    return redirect(url_for(".show", household_id=household.id))


@bp.route("/households/<int:household_id>/persons/new", methods=["GET", "POST"])
@case_data_required
def new_person(household_id: int):
    household = household_or_404(current_user, household_id)
    form = PersonForm()
    if request.method == "GET" and household.members:
        form.family_name.data = household.members[0].family_name
    duplicates = []
    if form.validate_on_submit():
        duplicates = services.possible_duplicates(
            current_user, form.given_name.data, form.family_name.data, form.birth_year.data
        )
        if not duplicates or form.confirm_not_duplicate.data:
            person = services.create_person(household, _data(form, PERSON_FIELDS))
            db.session.commit()
            flash(_("%(name)s wurde erfasst.", name=person.full_name), "success")
            return redirect(url_for(".show", household_id=household.id))
    return render_template(
        "households/person_form.html",
        form=form,
        household=household,
        person=None,
        duplicates=duplicates,
    )


@bp.get("/persons/<int:person_id>")
@case_data_required
def show_person(person_id: int):
    person = person_or_404(current_user, person_id)
    record("view", "person", person.id)
    db.session.commit()
    return render_template(
        "households/person.html",
        person=person,
        eligibility=rules.person_eligibility(person, today()),
    )


@bp.route("/persons/<int:person_id>/edit", methods=["GET", "POST"])
@case_data_required
def edit_person(person_id: int):
    person = person_or_404(current_user, person_id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        services.update_person(
            person, _data(form, PERSON_FIELDS), form.correction_reason.data or ""
        )
        db.session.commit()
        flash(_("Änderungen gespeichert."), "success")
        return redirect(url_for(".show_person", person_id=person.id))
    return render_template(
        "households/person_form.html",
        form=form,
        household=person.household,
        person=person,
        duplicates=[],
    )


@bp.route("/search", methods=["GET", "POST"])
@case_data_required
def search():
    # The query is personal data: it travels in the POST body only, never in the URL (where
    # access logs, browser history and Referer headers would keep it) and is not audited.
    if request.method == "GET" and "q" in request.args:
        return redirect(url_for(".search"), 303)
    query = request.form.get("q", "")[:100] if request.method == "POST" else ""
    results = services.search_persons(current_user, query) if query.strip() else []
    on = today()
    rows = [(p, rules.person_eligibility(p, on)) for p in results]
    template = "households/_results.html" if htmx else "households/search.html"
    # rendered before the commit below, which would expire the results (one query per row)
    page = render_template(template, rows=rows, query=query)
    if query.strip():
        # The query may itself be personal data, so only its size is audited.
        record("search", "person", None, f"{len(results)} Treffer")
        db.session.commit()
    return page
