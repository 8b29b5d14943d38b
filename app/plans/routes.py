"""Integration plans, goals, steps, reviews, agreed versions (PDF), referrals, networking,
and the counselling period of a household."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import case_data_required, household_or_404, household_scope
from app.audit.services import record
from app.documents import labels as document_labels
from app.documents.web import STYLESHEETS, chosen, selector_options
from app.extensions import db, htmx
from app.households.models import Household
from app.indicators import services as indicator_services
from app.pdf import render_pdf
from app.plans import choices, services
from app.plans.forms import (
    AgreeForm,
    CloseForm,
    ExtensionForm,
    GoalForm,
    GoalStatusForm,
    NetworkingForm,
    PlanForm,
    ReferralForm,
    ReviewForm,
    StepForm,
    areas_form_class,
)
from app.plans.models import Goal, IntegrationPlan, NetworkingContact, Referral
from app.timeutil import today
from app.urls import int_arg

bp = Blueprint("plans", __name__)


def plan_or_404(plan_id: int) -> IntegrationPlan:
    plan = db.session.scalar(
        household_scope(
            current_user,
            select(IntegrationPlan)
            .join(Household, Household.id == IntegrationPlan.household_id)
            .where(IntegrationPlan.id == plan_id),
        )
    )
    if plan is None:
        abort(404)
    return plan


def goal_or_404(goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None:
        abort(404)
    plan_or_404(goal.plan_id)
    return goal


def _person_choices(household: Household) -> list[tuple[int, str]]:
    return [(0, _("den ganzen Haushalt"))] + [(p.id, p.full_name) for p in household.members]


def _person(household: Household, person_id: int | None):
    if not person_id:
        return None
    person = next((p for p in household.members if p.id == person_id), None)
    if person is None:
        abort(404)
    return person


@bp.get("/households/<int:household_id>/casework")
@case_data_required
def overview(household_id: int):
    household = household_or_404(current_user, household_id)
    record("view", "household", household.id, "Pläne und Verweisungen")  # i18n: not UI
    db.session.commit()
    extension = services.extension_of(household)
    start = indicator_services.counselling_start(household)
    return render_template(
        "plans/overview.html",
        household=household,
        plans=services.plans_of(household),
        referrals=services.referrals_of(household),
        extension=extension,
        start=start,
        end=indicator_services.counselling_end(start, extension is not None),
        choices_=choices,
    )


@bp.route("/households/<int:household_id>/plans/new", methods=["GET", "POST"])
@case_data_required
def new_plan(household_id: int):
    household = household_or_404(current_user, household_id)
    form = PlanForm()
    form.person_id.choices = _person_choices(household)
    if request.method == "GET":
        form.started_on.data = today()
        form.person_id.data = int_arg("person_id", 0)
    if form.validate_on_submit():
        plan = services.create_plan(
            current_user,
            household,
            _person(household, form.person_id.data),
            form.started_on.data,
            form.language.data,
            form.interpreter.data,
        )
        db.session.commit()
        flash(_("Integrationsplan angelegt."), "success")
        return redirect(url_for(".show", plan_id=plan.id))
    return render_template("plans/plan_form.html", form=form, household=household)


@bp.get("/plans/<int:plan_id>")
@case_data_required
def show(plan_id: int):
    plan = plan_or_404(plan_id)
    record("view", "integration_plan", plan.id)
    db.session.commit()
    context = _plan_context(plan)
    return render_template(
        "plans/show.html",
        plan=plan,
        doc=chosen(_plan_language(plan, context["person"])),
        language_options=selector_options(),
        **context,
    )


def _plan_context(plan: IntegrationPlan) -> dict:
    household = db.session.get(Household, plan.household_id)
    person = _person(household, plan.person_id)
    return {
        "household": household,
        "person": person,
        "choices_": choices,
        "status_form": GoalStatusForm(formdata=None),
    }


@bp.route("/plans/<int:plan_id>/areas", methods=["GET", "POST"])
@case_data_required
def areas(plan_id: int):
    plan = plan_or_404(plan_id)
    form = areas_form_class()()
    if request.method == "GET":
        for area in plan.areas:
            getattr(form, f"{area.field}_needs").data = area.needs
            getattr(form, f"{area.field}_resources").data = area.resources
    if form.validate_on_submit():
        data = {
            code: (
                (getattr(form, f"{code}_needs").data or "").strip(),
                (getattr(form, f"{code}_resources").data or "").strip(),
            )
            for code in choices.FIELDS
        }
        services.save_areas(plan, data)
        db.session.commit()
        flash(_("Bedarfe und Ressourcen gespeichert."), "success")
        return redirect(url_for(".show", plan_id=plan.id))
    return render_template("plans/areas.html", form=form, plan=plan, choices_=choices)


@bp.route("/plans/<int:plan_id>/goals/new", methods=["GET", "POST"])
@case_data_required
def new_goal(plan_id: int):
    plan = plan_or_404(plan_id)
    form = GoalForm()
    if request.method == "GET" and request.args.get("field") in choices.FIELDS:
        form.field.data = request.args["field"]
    if form.validate_on_submit():
        try:
            services.add_goal(current_user, plan, form.field.data, form.title.data, today())
        except services.PlanError as exc:
            db.session.rollback()
            form.title.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Ziel angelegt."), "success")
            return redirect(url_for(".show", plan_id=plan.id))
    return render_template("plans/goal_form.html", form=form, plan=plan)


@bp.post("/goals/<int:goal_id>/status")
@case_data_required
def goal_status(goal_id: int):
    goal = goal_or_404(goal_id)
    form = GoalStatusForm()
    error = None
    if form.validate_on_submit():
        try:
            services.set_goal_status(current_user, goal, form.status.data, today())
        except services.PlanError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
    else:
        error = _("Bitte einen Status aus der Liste wählen.")
    if htmx:  # htmx swaps only 2xx answers; the message is part of the fragment
        return render_template(
            "plans/_goal.html", goal=goal, error=error, choices_=choices, plan=goal.plan
        )
    if error:
        plan = goal.plan
        return (
            render_template(
                "plans/show.html", plan=plan, goal_error=(goal.id, error), **_plan_context(plan)
            ),
            422,
        )
    flash(_("Status gespeichert."), "success")
    return redirect(url_for(".show", plan_id=goal.plan_id, _anchor=f"goal-{goal.id}"))


@bp.route("/goals/<int:goal_id>/steps/new", methods=["GET", "POST"])
@case_data_required
def new_step(goal_id: int):
    goal = goal_or_404(goal_id)
    form = StepForm()
    if form.validate_on_submit():
        services.add_step(
            goal,
            form.description.data,
            form.responsible.data,
            form.due_on.data,
            form.review_on.data,
        )
        db.session.commit()
        flash(_("Schritt angelegt."), "success")
        return redirect(url_for(".show", plan_id=goal.plan_id, _anchor=f"goal-{goal.id}"))
    return render_template("plans/step_form.html", form=form, goal=goal)


@bp.route("/plans/<int:plan_id>/review", methods=["GET", "POST"])
@case_data_required
def review(plan_id: int):
    plan = plan_or_404(plan_id)
    form = ReviewForm()
    if request.method == "GET":
        form.reviewed_on.data = today()
    if form.validate_on_submit():
        services.add_review(current_user, plan, form.reviewed_on.data, form.note.data.strip())
        db.session.commit()
        flash(_("Überprüfung festgehalten."), "success")
        return redirect(url_for(".show", plan_id=plan.id))
    return render_template(
        "plans/simple_form.html", form=form, plan=plan, title=_("Plan überprüfen")
    )


@bp.route("/plans/<int:plan_id>/agree", methods=["GET", "POST"])
@case_data_required
def agree(plan_id: int):
    plan = plan_or_404(plan_id)
    form = AgreeForm()
    if request.method == "GET":
        form.agreed_on.data = today()
    if form.validate_on_submit():
        try:
            version = services.agree(current_user, plan, form.agreed_on.data, form.signed_by.data)
        except services.PlanError as exc:
            db.session.rollback()
            form.signed_by.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Version %(n)s vereinbart und unterschrieben.", n=version.version), "success")
            return redirect(url_for(".show", plan_id=plan.id))
    return render_template(
        "plans/simple_form.html", form=form, plan=plan, title=_("Plan vereinbaren")
    )


@bp.post("/plans/<int:plan_id>/close")
@case_data_required
def close(plan_id: int):
    plan = plan_or_404(plan_id)
    form = CloseForm()
    if not form.is_submitted() or not request.form.get("closed_on"):
        form.closed_on.data = today()
        form.closed_on.raw_data = [today().isoformat()]
    if form.validate():
        try:
            services.close_plan(plan, form.closed_on.data)
        except services.PlanError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(_("Plan abgeschlossen."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for(".show", plan_id=plan.id))


def _plan_language(plan: IntegrationPlan, person) -> str:
    """Languages to preselect from: the plan's conversation language, then the person's."""
    return ", ".join(x for x in (plan.language, person.languages if person else "") if x)


@bp.get("/plans/<int:plan_id>/pdf")
@case_data_required
def pdf(plan_id: int):
    plan = plan_or_404(plan_id)
    context = _plan_context(plan)
    doc = chosen(_plan_language(plan, context["person"]))
    record("export", "integration_plan", plan.id, f"PDF {doc.code}")
    db.session.commit()
    html = render_template(
        "plans/pdf.html",
        plan=plan,
        today=today(),
        doc=doc,
        labels=document_labels.plan_labels(),
        **context,
    )
    response = make_response(render_pdf(html, stylesheets=[*STYLESHEETS, "plan-pdf.css"]))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="integrationsplan-{plan.id}-{doc.code}.pdf"'
    )
    return response


# --- referrals ---------------------------------------------------------------------------
REFERRAL_FIELDS = ("service", "referred_on", "reason", "outcome", "outcome_note")


@bp.route("/households/<int:household_id>/referrals/new", methods=["GET", "POST"])
@case_data_required
def new_referral(household_id: int):
    household = household_or_404(current_user, household_id)
    form = ReferralForm()
    form.person_id.choices = _person_choices(household)
    if request.method == "GET":
        form.referred_on.data = today()
        form.person_id.data = int_arg("person_id", 0)
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in REFERRAL_FIELDS}
        services.add_referral(
            current_user, household, _person(household, form.person_id.data), data
        )
        db.session.commit()
        flash(_("Verweisung festgehalten."), "success")
        return redirect(url_for(".overview", household_id=household.id))
    return render_template(
        "plans/referral_form.html", form=form, household=household, referral=None
    )


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
@case_data_required
def edit_referral(referral_id: int):
    referral = db.session.get(Referral, referral_id)
    if referral is None:
        abort(404)
    household = household_or_404(current_user, referral.household_id)
    form = ReferralForm(obj=referral)
    form.person_id.choices = _person_choices(household)
    if request.method == "GET":
        form.person_id.data = referral.person_id or 0
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in REFERRAL_FIELDS}
        person = _person(household, form.person_id.data)
        data["person_id"] = person.id if person else None
        services.update_referral(referral, data)
        db.session.commit()
        flash(_("Verweisung gespeichert."), "success")
        return redirect(url_for(".overview", household_id=household.id))
    return render_template(
        "plans/referral_form.html", form=form, household=household, referral=referral
    )


# --- counselling period ------------------------------------------------------------------
@bp.route("/households/<int:household_id>/extend", methods=["GET", "POST"])
@case_data_required
def extend(household_id: int):
    household = household_or_404(current_user, household_id)
    form = ExtensionForm()
    if request.method == "GET":
        form.extended_on.data = today()
    if form.validate_on_submit():
        try:
            services.extend_counselling(
                current_user, household, form.extended_on.data, form.reason.data.strip()
            )
        except services.PlanError as exc:
            db.session.rollback()
            form.reason.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Beratung auf vier Jahre verlängert."), "success")
            return redirect(url_for(".overview", household_id=household.id))
    return render_template("plans/extend.html", form=form, household=household)


# --- networking --------------------------------------------------------------------------
@bp.route("/networking", methods=["GET", "POST"])
@case_data_required
def networking():
    form = NetworkingForm()
    if request.method == "GET":
        form.contacted_on.data = today()
    if form.validate_on_submit():
        data = {
            name: getattr(form, name).data
            for name in ("group", "institution", "contacted_on", "topic")
        }
        services.add_networking(current_user, data)
        db.session.commit()
        flash(_("Netzwerkkontakt festgehalten."), "success")
        return redirect(url_for(".networking"))
    contacts = db.session.scalars(
        select(NetworkingContact)
        .where(NetworkingContact.user_id == current_user.id)
        .order_by(NetworkingContact.contacted_on.desc(), NetworkingContact.id.desc())
        .limit(100)
    ).all()
    status = 422 if form.errors else 200
    return (
        render_template("plans/networking.html", form=form, contacts=contacts, choices_=choices),
        status,
    )
