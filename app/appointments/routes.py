"""Appointments: day/week views, team calendar, form, card PDF, shares, volunteer view, feeds."""

from __future__ import annotations

from datetime import date, timedelta

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.access import case_data_required, household_or_404, role_required
from app.accounts import roles
from app.appointments import services
from app.appointments.forms import AppointmentForm, EmptyForm, ShareForm, StatusForm
from app.appointments.models import Appointment, AppointmentShare
from app.audit.services import record
from app.documents.web import STYLESHEETS, chosen, selector_options
from app.extensions import db, htmx
from app.timeutil import to_local, today

bp = Blueprint("appointments", __name__)

volunteer_required = role_required(roles.VOLUNTEER)
calendar_roles = role_required(roles.ADMIN, roles.TEAM_LEAD, roles.MANAGER, roles.VOLUNTEER)
team_calendar_required = role_required(roles.ADMIN, roles.TEAM_LEAD)


def _appointment_or_404(appointment_id: int) -> Appointment:
    appointment = services.appointment_or_none(current_user, appointment_id)
    if appointment is None:
        abort(404)
    return appointment


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else today()
    except ValueError:
        return today()


def _group_by_day(items: list[Appointment], start: date, days: int) -> list[tuple[date, list]]:
    groups: dict[date, list] = {start + timedelta(days=i): [] for i in range(days)}
    for item in items:
        groups.setdefault(services.local_day(item.starts_at), []).append(item)
    return sorted(groups.items())


@bp.get("/appointments")
@case_data_required
def day():
    on = _parse_day(request.args.get("day"))
    items = services.appointments_between(current_user, on, 1)
    template = "appointments/_day.html" if htmx else "appointments/day.html"
    return render_template(
        template, on=on, items=items, prev=on - timedelta(days=1), next=on + timedelta(days=1)
    )


@bp.get("/appointments/week")
@case_data_required
def week():
    on = _parse_day(request.args.get("start"))
    start = on - timedelta(days=on.weekday())
    items = services.appointments_between(current_user, start, 7)
    return render_template(
        "appointments/week.html",
        start=start,
        groups=_group_by_day(items, start, 7),
        prev=start - timedelta(days=7),
        next=start + timedelta(days=7),
        team=False,
    )


@bp.get("/appointments/team")
@team_calendar_required
def team():
    on = _parse_day(request.args.get("start"))
    start = on - timedelta(days=on.weekday())
    items = services.appointments_between(current_user, start, 7, team=True)
    return render_template(
        "appointments/week.html",
        start=start,
        groups=_group_by_day(items, start, 7),
        prev=start - timedelta(days=7),
        next=start + timedelta(days=7),
        team=True,
    )


def _form(household, appointment: Appointment | None = None) -> AppointmentForm:
    form = AppointmentForm(obj=appointment)
    form.person_ids.choices = [(p.id, p.full_name) for p in household.members]
    form.manager_id.choices = [(u.id, u.display_name) for u in services.managers_for(current_user)]
    if appointment is not None and appointment.manager_id not in {
        c.value for c in form.manager_id.choices
    }:
        form.manager_id.choices.append((appointment.manager_id, appointment.manager.display_name))
    if request.method == "GET":
        if appointment is None:
            form.manager_id.data = household.manager_id or current_user.id
            form.person_ids.data = [p.id for p in household.members]
            form.day.data = today()
            form.place.data = f"{household.street}, {household.postcode} " + (
                household.municipality.name
            )
            first = household.members[0] if household.members else None
            if first is not None:
                form.language.data = first.languages
                form.interpreter.data = first.interpreter_needed
        else:
            start, end = to_local(appointment.starts_at), to_local(appointment.ends_at)
            form.day.data = start.date()
            form.start_time.data = start.time()
            form.end_time.data = end.time()
            form.person_ids.data = [p.id for p in appointment.persons]
    return form


def _save(form: AppointmentForm, household, appointment: Appointment | None):
    """Validate, warn about overlaps, save. Returns the appointment or None (re-render)."""
    if not form.validate_on_submit():
        return None, []
    starts_at = services.local_to_utc(form.day.data, form.start_time.data)
    ends_at = services.local_to_utc(form.day.data, form.end_time.data)
    try:
        services.check_times(starts_at, ends_at)
    except services.AppointmentError as error:
        getattr(form, error.field).errors.append(error.message)
        return None, []
    clashes = []
    if form.status.data == "planned":
        clashes = services.overlapping(
            form.manager_id.data, starts_at, ends_at, appointment.id if appointment else None
        )
    if clashes and not form.confirm_overlap.data:
        return None, clashes
    data = {
        "kind": form.kind.data,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": form.place.data,
        "manager_id": form.manager_id.data,
        "language": form.language.data,
        "interpreter": form.interpreter.data,
        "bring": form.bring.data,
        "note": form.note.data or "",
        "status": form.status.data,
    }
    try:
        saved = services.save_appointment(
            current_user, household, data, form.person_ids.data or [], appointment
        )
    except services.AppointmentError as error:  # an office-hour slot taken meanwhile
        form.start_time.errors.append(error.message)
        return None, []
    db.session.commit()
    return saved, []


@bp.route("/households/<int:household_id>/appointments/new", methods=["GET", "POST"])
@case_data_required
def new(household_id: int):
    household = household_or_404(current_user, household_id)
    form = _form(household)
    saved, clashes = _save(form, household, None)
    if saved:
        flash(_("Termin angelegt."), "success")
        return redirect(url_for(".show", appointment_id=saved.id))
    return render_template(
        "appointments/form.html", form=form, household=household, appointment=None, clashes=clashes
    )


@bp.route("/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
@case_data_required
def edit(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = _form(appointment.household, appointment)
    saved, clashes = _save(form, appointment.household, appointment)
    if saved:
        flash(_("Termin gespeichert."), "success")
        return redirect(url_for(".show", appointment_id=saved.id))
    return render_template(
        "appointments/form.html",
        form=form,
        household=appointment.household,
        appointment=appointment,
        clashes=clashes,
    )


@bp.get("/appointments/<int:appointment_id>")
@case_data_required
def show(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    record("view", "appointment", appointment.id)
    db.session.commit()
    return render_template(
        "appointments/show.html",
        appointment=appointment,
        status_form=StatusForm(status=appointment.status),
        contact_url=services.contact_link(appointment) if appointment.status == "done" else None,
        clashes=services.overlapping(
            appointment.manager_id, appointment.starts_at, appointment.ends_at, appointment.id
        )
        if appointment.status == "planned"
        else [],
        doc=_card_context(appointment)["doc"],
        language_options=selector_options(),
    )


@bp.post("/appointments/<int:appointment_id>/status")
@case_data_required
def status(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Der Status konnte nicht geändert werden."), "error")
        return redirect(url_for(".show", appointment_id=appointment.id))
    try:
        services.set_status(current_user, appointment, form.status.data)
    except services.AppointmentError as error:  # e.g. un-cancelling a slot booked since
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Status: %(status)s.", status=appointment.status_label), "success")
    return redirect(url_for(".show", appointment_id=appointment.id))


def qr_data_uri(code: str) -> str:
    return segno.make(code, error="m").svg_data_uri(scale=4, border=2)


def _card_context(appointment: Appointment) -> dict:
    first = appointment.persons[0] if appointment.persons else None
    return {
        "appointment": appointment,
        "start": to_local(appointment.starts_at),
        "end": to_local(appointment.ends_at),
        "doc": chosen(first.languages if first else ""),
    }


@bp.get("/appointments/<int:appointment_id>/card")
@case_data_required
def card_preview(appointment_id: int):
    """The card as a web page in German and the client's language, with the selector."""
    appointment = _appointment_or_404(appointment_id)
    record("view", "appointment", appointment.id, "card preview")
    db.session.commit()
    return render_template(
        "appointments/card_preview.html",
        language_options=selector_options(),
        **_card_context(appointment),
    )


@bp.get("/appointments/<int:appointment_id>/card.pdf")
@case_data_required
def card(appointment_id: int):
    from app.pdf import render_pdf

    appointment = _appointment_or_404(appointment_id)
    context = _card_context(appointment)
    record("print", "appointment", appointment.id, f"card {context['doc'].code}")
    db.session.commit()
    html = render_template(
        "appointments/card_pdf.html", qr=qr_data_uri(appointment.short_code), **context
    )
    response = Response(render_pdf(html, stylesheets=STYLESHEETS), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'inline; filename="termin-{appointment.short_code}-{context["doc"].code}.pdf"'
    )
    return response


# --- shares with volunteers -------------------------------------------------------------------


@bp.route("/appointments/<int:appointment_id>/share", methods=["GET", "POST"])
@case_data_required
def share(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    form = ShareForm()
    volunteers = services.volunteers_for(current_user)
    form.volunteer_ids.choices = [(v.id, v.display_name) for v in volunteers]
    first = appointment.persons[0] if appointment.persons else None
    phone_allowed = services.volunteer_sharing_allowed(first)
    if request.method == "GET":
        form.meeting_point.data = appointment.place
    if form.validate_on_submit():
        if not form.volunteer_ids.data:
            form.volunteer_ids.errors.append(_("Bitte mindestens eine Person auswählen."))
        elif not services.sharing_consented(appointment):
            form.volunteer_ids.errors.append(services.no_sharing_consent_message())
        else:
            by_id = {v.id: v for v in volunteers}
            options = {
                "show_first_name": form.show_first_name.data,
                "show_language": form.show_language.data,
                "show_meeting_point": form.show_meeting_point.data,
                "meeting_point": form.meeting_point.data,
                "show_phone": form.show_phone.data and phone_allowed,
            }
            for volunteer_id in form.volunteer_ids.data:
                services.share(current_user, appointment, by_id[volunteer_id], options)
            db.session.commit()
            flash(_("Termin geteilt."), "success")
            return redirect(url_for(".show", appointment_id=appointment.id))
    return render_template(
        "appointments/share.html",
        appointment=appointment,
        form=form,
        phone_allowed=phone_allowed,
        revoke_form=EmptyForm(),
    )


@bp.post("/appointments/<int:appointment_id>/shares/<int:share_id>/revoke")
@case_data_required
def unshare(appointment_id: int, share_id: int):
    appointment = _appointment_or_404(appointment_id)
    item = db.session.get(AppointmentShare, share_id)
    if item is None or item.appointment_id != appointment.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.revoke_share(current_user, item)
        db.session.commit()
        flash(_("Teilen beendet."), "success")
    return redirect(url_for(".share", appointment_id=appointment.id))


@bp.get("/volunteer")
@volunteer_required
def volunteer_index():
    views = [services.volunteer_view(s) for s in services.shares_for(current_user)]
    return render_template("appointments/volunteer.html", views=views, form=EmptyForm())


@bp.post("/volunteer/shares/<int:share_id>/answer")
@volunteer_required
def volunteer_answer(share_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.answer_share(current_user, share_id, request.form.get("answer", ""))
    except services.AppointmentError as error:
        db.session.commit()  # keep the audit event of a refused answer
        views = [services.volunteer_view(s) for s in services.shares_for(current_user)]
        known = services.share_for_volunteer(current_user, share_id) is not None
        return render_template(
            "appointments/volunteer.html", views=views, form=form, error=error.message
        ), (400 if known else 404)
    db.session.commit()
    flash(_("Danke, Ihre Antwort ist gespeichert."), "success")
    return redirect(url_for(".volunteer_index"))


# --- calendar feeds ---------------------------------------------------------------------------


@bp.get("/calendar")
@calendar_roles
def calendar():
    return render_template(
        "appointments/calendar.html",
        has_token=services.has_calendar_token(current_user),
        feed_url=None,
        form=EmptyForm(),
    )


@bp.post("/calendar/new")
@calendar_roles
def calendar_issue():
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    raw = services.issue_calendar_token(current_user)
    db.session.commit()
    return render_template(
        "appointments/calendar.html",
        has_token=True,
        feed_url=url_for(".feed", token=raw, _external=True),
        form=form,
    )


@bp.post("/calendar/revoke")
@calendar_roles
def calendar_revoke():
    if EmptyForm().validate_on_submit():
        services.revoke_calendar_tokens(current_user)
        db.session.commit()
        flash(_("Kalender-Link widerrufen."), "success")
    return redirect(url_for(".calendar"))


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    user = services.user_for_calendar_token(token)
    if user is None:
        abort(404)
    response = Response(services.ical_feed(user), mimetype="text/calendar")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = 'inline; filename="wegbegleiter.ics"'
    return response
