"""Office hours: locations, schedules, exceptions, booking, the front desk and the live queue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.access import (
    admin_required,
    case_data_required,
    household_or_404,
    leads_required,
    person_or_404,
)
from app.accounts import roles
from app.appointments.services import AppointmentError, contact_link, managers_for
from app.audit.services import record
from app.extensions import db, htmx
from app.households import services as household_services
from app.officehours import services
from app.officehours.forms import (
    BookForm,
    CodeForm,
    ExceptionForm,
    FinishForm,
    KioskForm,
    LocationForm,
    PersonCheckinForm,
    ScheduleForm,
    SearchForm,
    WalkInForm,
    WalkInPersonForm,
    WalkInSearchForm,
)
from app.officehours.labels import queue_names
from app.officehours.models import (
    KioskToken,
    OfficeException,
    OfficeLocation,
    OfficeSchedule,
    QueueEntry,
)
from app.security.services import redirect_to
from app.timeutil import to_local, today, utcnow
from app.urls import int_arg

bp = Blueprint("officehours", __name__)

POLL_SECONDS = 5


def _location_or_404(location_id: int) -> OfficeLocation:
    location = services.location_for(current_user, location_id)
    if location is None:
        abort(404)
    return location


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else today()
    except ValueError:
        return today()


# --- locations, schedules, exceptions, kiosks -------------------------------------------------


@bp.get("/officehours")
@case_data_required
def locations():
    items = services.locations_for(current_user)
    sessions = services.sessions_between(items, today(), 14)
    return render_template("officehours/locations.html", locations=items, sessions=sessions)


def _location_form(location: OfficeLocation | None = None) -> LocationForm:
    form = LocationForm(obj=location)
    form.municipality_id.choices = [
        (m.id, m.name) for m in services.municipalities_for(current_user)
    ]
    return form


@bp.route("/officehours/locations/new", methods=["GET", "POST"])
@leads_required
def location_new():
    form = _location_form()
    if form.validate_on_submit():
        location = OfficeLocation()
        form.populate_obj(location)
        db.session.add(location)
        db.session.flush()
        record("create", "office_location", location.id, "fields: " + ", ".join(_LOC_FIELDS))
        db.session.commit()
        flash(_("Ort angelegt. Jetzt die Sprechzeiten eintragen."), "success")
        return redirect(url_for(".location", location_id=location.id))
    return render_template("officehours/location_form.html", form=form, location=None)


_LOC_FIELDS = ("name", "room", "street", "postcode", "municipality_id", "active")


@bp.route("/officehours/locations/<int:location_id>/edit", methods=["GET", "POST"])
@leads_required
def location_edit(location_id: int):
    location = _location_or_404(location_id)
    form = _location_form(location)
    if form.validate_on_submit():
        changed = [f for f in _LOC_FIELDS if getattr(form, f).data != getattr(location, f)]
        form.populate_obj(location)
        record("update", "office_location", location.id, "fields: " + ", ".join(changed))
        db.session.commit()
        flash(_("Ort gespeichert."), "success")
        return redirect(url_for(".location", location_id=location.id))
    return render_template("officehours/location_form.html", form=form, location=location)


@bp.get("/officehours/locations/<int:location_id>")
@case_data_required
def location(location_id: int):
    location = _location_or_404(location_id)
    return render_template(
        "officehours/location.html", **location_view_args(location), kiosk_url=None
    )


@bp.route("/officehours/locations/<int:location_id>/schedules/new", methods=["GET", "POST"])
@leads_required
def schedule_new(location_id: int):
    location = _location_or_404(location_id)
    form = ScheduleForm()
    team_id = location.municipality.team_id
    candidates = managers_for(current_user, team_id)
    form.manager_ids.choices = [(u.id, u.display_name) for u in candidates]
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in _SCHEDULE_FIELDS}
        try:
            services.check_schedule(data)
        except AppointmentError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            chosen = set(form.manager_ids.data or [])
            schedule = OfficeSchedule(location=location, **data)
            schedule.managers = [u for u in candidates if u.id in chosen]
            db.session.add(schedule)
            db.session.flush()
            record(
                "create",
                "office_schedule",
                schedule.id,
                "fields: " + ", ".join((*_SCHEDULE_FIELDS, "managers")),
            )
            db.session.commit()
            flash(_("Sprechzeit eingetragen."), "success")
            return redirect(url_for(".location", location_id=location.id))
    return render_template("officehours/schedule_form.html", form=form, location=location)


_SCHEDULE_FIELDS = (
    "weekday",
    "start_time",
    "end_time",
    "slot_minutes",
    "valid_from",
    "valid_until",
)


@bp.post("/officehours/schedules/<int:schedule_id>/delete")
@leads_required
def schedule_delete(schedule_id: int):
    schedule = db.session.get(OfficeSchedule, schedule_id)
    if schedule is None or services.location_for(current_user, schedule.location_id) is None:
        abort(404)
    if FinishForm().validate_on_submit():
        location_id = schedule.location_id
        record("delete", "office_schedule", schedule.id, f"location {location_id}")
        db.session.delete(schedule)
        db.session.commit()
        flash(_("Sprechzeit entfernt."), "success")
        return redirect(url_for(".location", location_id=location_id))
    abort(400)


@bp.route("/officehours/locations/<int:location_id>/exceptions/new", methods=["GET", "POST"])
@leads_required
def exception_new(location_id: int):
    location = _location_or_404(location_id)
    form = ExceptionForm()
    if form.validate_on_submit():
        if form.on.data < today():
            form.on.errors.append(_("Das Datum liegt in der Vergangenheit."))
        else:
            item = OfficeException(location=location, on=form.on.data, reason=form.reason.data)
            db.session.add(item)
            db.session.flush()
            record("create", "office_exception", item.id, "fields: on, reason")
            db.session.commit()
            flash(_("Ausfall eingetragen."), "success")
            return redirect(url_for(".location", location_id=location.id))
    return render_template("officehours/exception_form.html", form=form, location=location)


@bp.post("/officehours/exceptions/<int:exception_id>/delete")
@leads_required
def exception_delete(exception_id: int):
    item = db.session.get(OfficeException, exception_id)
    if item is None or services.location_for(current_user, item.location_id) is None:
        abort(404)
    if not FinishForm().validate_on_submit():
        abort(400)
    location_id = item.location_id
    record("delete", "office_exception", item.id, f"location {location_id}")
    db.session.delete(item)
    db.session.commit()
    return redirect(url_for(".location", location_id=location_id))


@bp.post("/officehours/locations/<int:location_id>/kiosks/new")
@admin_required
def kiosk_new(location_id: int):
    location = _location_or_404(location_id)
    form = KioskForm()
    if not form.validate_on_submit():
        abort(400)
    raw = services.issue_kiosk_token(current_user, location, form.label.data or "")
    db.session.commit()
    flash(_("Gerät freigeschaltet. Den Link jetzt am Gerät öffnen – er wird nur einmal gezeigt."))
    response = location_page_with(location, url_for(".kiosk_enrol", token=raw, _external=True))
    return response


def location_page_with(location: OfficeLocation, kiosk_url: str):
    page = location_view_args(location)
    return render_template("officehours/location.html", **page, kiosk_url=kiosk_url)


def location_view_args(location: OfficeLocation) -> dict:
    return {
        "location": location,
        "sessions": services.sessions_between([location], today(), 28),
        "exceptions": list(
            db.session.scalars(
                db.select(OfficeException)
                .where(OfficeException.location_id == location.id, OfficeException.on >= today())
                .order_by(OfficeException.on)
            )
        ),
        "kiosks": list(
            db.session.scalars(
                db.select(KioskToken)
                .where(KioskToken.location_id == location.id)
                .order_by(KioskToken.id.desc())
            )
        ),
        "form": FinishForm(),
        "kiosk_form": KioskForm(),
        "weekday_short": services.weekday_short,
        "clock": services.clock,
    }


@bp.post("/officehours/kiosks/<int:token_id>/revoke")
@admin_required
def kiosk_revoke(token_id: int):
    token = db.session.get(KioskToken, token_id)
    if token is None or services.location_for(current_user, token.location_id) is None:
        abort(404)
    if not FinishForm().validate_on_submit():
        abort(400)
    services.revoke_kiosk_token(current_user, token)
    db.session.commit()
    flash(_("Gerät gesperrt."), "success")
    return redirect(url_for(".location", location_id=token.location_id))


# --- booking a slot ---------------------------------------------------------------------------


@bp.route("/households/<int:household_id>/office-hours", methods=["GET", "POST"])
@case_data_required
def book(household_id: int):
    household = household_or_404(current_user, household_id)
    places = services.locations_for(current_user, active_only=True)
    location_id = int_arg("location_id", values=request.values)
    if location_id is None and places:
        same_town = [p for p in places if p.municipality_id == household.municipality_id]
        location_id = (same_town or places)[0].id
    location = next((p for p in places if p.id == location_id), None)
    on = _parse_day(request.values.get("day"))
    form = BookForm()
    form.person_ids.choices = [(p.id, p.full_name) for p in household.members]
    if request.method == "GET":
        form.person_ids.data = [p.id for p in household.members]
    error = None
    if form.validate_on_submit():
        if location is None:
            abort(404)
        try:
            starts_at = datetime.fromisoformat(form.starts.data or "")
        except ValueError:
            starts_at = None
        try:
            if starts_at is None:
                raise AppointmentError(_("Bitte einen Termin wählen."))
            appointment = services.book_slot(
                current_user, location, household, starts_at, form.person_ids.data or [], {}
            )
        except AppointmentError as exc:
            error = exc.message
        else:
            db.session.commit()
            flash(_("Sprechstundentermin gebucht."), "success")
            return redirect(url_for("appointments.show", appointment_id=appointment.id))
    slots = services.free_slots(location, on) if location else []
    return render_template(
        "officehours/book.html",
        household=household,
        places=places,
        location=location,
        on=on,
        slots=slots,
        form=form,
        error=error,
        prev=on - timedelta(days=1),
        next=on + timedelta(days=1),
    ), (400 if error else 200)


# --- the live queue (managers) ----------------------------------------------------------------


@bp.get("/officehours/locations/<int:location_id>/queue")
@case_data_required
def queue(location_id: int):
    location = _location_or_404(location_id)
    now = utcnow()
    etag = services.queue_etag(location, now)  # of the fragment the page polls
    response_etag = etag if htmx else f"{etag}-page"
    if request.if_none_match.contains_weak(response_etag):
        response = Response(status=304)
        response.set_etag(response_etag)
        return response
    if not htmx:  # the page (names of visitors) is audited; its 5-second polls are not
        record("view", "office_queue", location.id)
        db.session.commit()
    template = "officehours/_queue.html" if htmx else "officehours/queue.html"
    response = Response(_render_queue(template, location, now, etag))
    response.set_etag(response_etag)
    return response


def _render_queue(
    template: str,
    location: OfficeLocation,
    now: datetime,
    etag: str,
    notice: tuple[str, str] | None = None,
) -> str:
    """The queue page or its fragment; `notice` is a (kind, message) shown above the list."""
    state = services.queue_state(location, now)
    names = queue_names([*state["waiting"], *state["active"]])
    return render_template(
        template,
        location=location,
        etag=etag,
        poll=POLL_SECONDS,
        idle_seconds=int(current_app.permanent_session_lifetime.total_seconds()),
        form=FinishForm(),
        minutes=services.waiting_minutes,
        name=lambda entry: names[entry.id],
        notice=notice,
        **state,
    )


def _queue_notice(location: OfficeLocation, kind: str, message: str):
    """After an action on the queue: an htmx request gets the fresh fragment with the message
    (200, so that htmx swaps it in); a plain form post the queue page, via a redirect."""
    if htmx:
        now = utcnow()
        return _render_queue(
            "officehours/_queue.html",
            location,
            now,
            services.queue_etag(location, now),
            (kind, message),
        )
    flash(message, kind)
    return redirect(url_for(".queue", location_id=location.id))


def _entry_or_404(entry_id: int) -> QueueEntry:
    entry = db.session.get(QueueEntry, entry_id)
    if entry is None or services.location_for(current_user, entry.location_id) is None:
        abort(404)
    return entry


@bp.post("/officehours/queue/<int:entry_id>/take")
@case_data_required
def take(entry_id: int):
    entry = _entry_or_404(entry_id)
    if not FinishForm().validate_on_submit():
        abort(400)
    try:
        services.take(current_user, entry)
    except AppointmentError as error:  # another manager was quicker: say who
        return _queue_notice(entry.location, "error", error.message)
    db.session.commit()
    if entry.household_id is None:  # a walk-in: who is it? Then on to the contact form.
        return redirect_to(url_for(".walk_in", entry_id=entry.id))
    if link := contact_link(entry):
        return redirect_to(link)
    message = _("%(name)s ist jetzt bei Ihnen im Gespräch.", name=services.entry_name(entry))
    return _queue_notice(entry.location, "success", message)


@bp.route("/officehours/queue/<int:entry_id>/person", methods=["GET", "POST"])
@case_data_required
def walk_in(entry_id: int):
    """After taking a walk-in: find the person among the households one may see, or record
    them, then into the contact form prefilled for this office hour (as for a named check-in).
    The search runs for the name given at the desk at once; names travel in POST bodies."""
    entry = _entry_or_404(entry_id)
    if entry.household_id is not None:  # named already (a double submit, a second tab)
        return redirect(contact_link(entry) or url_for(".queue", location_id=entry.location_id))
    if refusal := services.walk_in_step_refusal(current_user, entry):
        flash(refusal, "error")
        return redirect(url_for(".queue", location_id=entry.location_id))
    mode = request.form.get("mode") if request.method == "POST" else "search"
    search_form = WalkInSearchForm() if mode == "search" else WalkInSearchForm(formdata=None)
    person_form = _walk_in_person_form(entry, submitted=mode == "create")
    duplicates: list = []
    if mode == "choose":
        if not FinishForm().validate_on_submit():
            abort(400)
        person = person_or_404(current_user, int_arg("person_id", values=request.form) or 0)
        return _linked(entry, person)
    if mode == "create" and person_form.validate_on_submit():
        data = person_form.data
        duplicates = household_services.possible_duplicates(
            current_user, data["given_name"], data["family_name"], data["birth_year"]
        )
        if not duplicates or person_form.confirm_not_duplicate.data:
            return _linked(entry, services.create_walk_in_person(current_user, data))
    elif mode not in ("search", "create"):
        abort(400)
    query = (search_form.q.data or "") if request.method == "POST" else entry.walk_in_name
    if search_form.q.data is None:
        search_form.q.data = query
    results = household_services.search_persons(current_user, query) if query.strip() else []
    page = render_template(
        "officehours/walk_in.html",
        entry=entry,
        name=services.entry_name(entry),
        search_form=search_form,
        person_form=person_form,
        choose_form=FinishForm(),
        results=results,
        searched=bool(query.strip()),
        duplicates=duplicates,
    )
    if query.strip():  # as the person search: only the number of hits is audited
        record("search", "person", None, f"{len(results)} Treffer (walk-in {entry.id})")
    db.session.commit()
    return page, (400 if person_form.errors else 200)


def _walk_in_person_form(entry: QueueEntry, *, submitted: bool) -> WalkInPersonForm:
    form = WalkInPersonForm() if submitted else WalkInPersonForm(formdata=None)
    form.municipality_id.choices = [
        (m.id, m.name) for m in household_services.municipalities_for(current_user)
    ]
    if not submitted:
        form.given_name.data = entry.walk_in_name
        form.languages.data = entry.language
        allowed = {choice.value for choice in form.municipality_id.choices}
        if entry.location.municipality_id in allowed:
            form.municipality_id.data = entry.location.municipality_id
    return form


def _linked(entry: QueueEntry, person):
    """Link the walk-in to the person and open the prefilled contact form. If the entry got a
    household meanwhile (a double submit), everything of this request is undone."""
    if not services.link_walk_in(current_user, entry, person):
        db.session.rollback()
        entry = db.session.get(QueueEntry, entry.id)
    else:
        db.session.commit()
    return redirect(contact_link(entry) or url_for(".queue", location_id=entry.location_id))


@bp.post("/officehours/queue/<int:entry_id>/finish")
@case_data_required
def finish(entry_id: int):
    entry = _entry_or_404(entry_id)
    form = FinishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.finish(current_user, entry, form.status.data)
    except AppointmentError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
    return redirect(url_for(".queue", location_id=entry.location_id))


# --- front desk and kiosk ---------------------------------------------------------------------


KIOSK_COOKIE = "wb_kiosk"
KIOSK_MAX_AGE = 180 * 24 * 3600  # a desk device stays enrolled until revoked (or half a year)


def _kiosk_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="wegbegleiter-kiosk")


def _kiosk_token_id() -> int | None:
    """The kiosk token id from the device's signed cookie (its own cookie, so that it
    outlives the 30-minute idle session); validity is checked against the database."""
    raw = request.cookies.get(KIOSK_COOKIE)
    if not raw:
        return None
    try:
        value = _kiosk_serializer().loads(raw, max_age=KIOSK_MAX_AGE)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def _forget_kiosk(response: Response) -> Response:
    response.delete_cookie(KIOSK_COOKIE, path="/")
    return response


def _desk(location_id: int) -> tuple[OfficeLocation, str]:
    """The location of a front-desk screen and who acts: a staff login or an enrolled kiosk.
    A kiosk's token is checked on every request, so revoking it takes effect at once."""
    if current_user.is_authenticated:
        if current_user.role not in roles.STAFF_ROLES:
            abort(403)
        return _location_or_404(location_id), f"user {current_user.id}"
    token_id = _kiosk_token_id()
    token = services.valid_kiosk_token(token_id, location_id)
    if token is None:
        if token_id is not None:
            record("denied", "kiosk_token", token_id, f"desk of location {location_id}")
            db.session.commit()
            abort(_forget_kiosk(_kiosk_refused()))
        abort(current_app.login_manager.unauthorized())
    return token.location, f"kiosk {token.id}"


def _kiosk_refused() -> Response:
    return Response(render_template("officehours/kiosk_refused.html"), status=403)


@bp.get("/kiosk/<token>")
def kiosk_enrol(token: str):
    item = services.kiosk_token_by_raw(token)
    if item is None or item.revoked_at is not None:
        record("denied", "kiosk_token", item.id if item else None, "enrol")
        db.session.commit()
        return _forget_kiosk(
            Response(render_template("officehours/kiosk_refused.html"), status=404)
        )
    record("enrol", "kiosk_token", item.id, f"location {item.location_id}")
    db.session.commit()
    # The token leaves the address bar at once; from now on a signed cookie carries the
    # token's id (never the token), and every request checks that it is still valid.
    response = redirect(url_for(".desk", location_id=item.location_id))
    response.set_cookie(
        KIOSK_COOKIE,
        _kiosk_serializer().dumps(item.id),
        max_age=KIOSK_MAX_AGE,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


@bp.get("/desk")
def desk_index():
    if not current_user.is_authenticated:
        token_id = _kiosk_token_id()
        token = db.session.get(KioskToken, token_id) if token_id else None
        if token is not None:
            return redirect(url_for(".desk", location_id=token.location_id))
        return current_app.login_manager.unauthorized()
    if current_user.role not in roles.STAFF_ROLES:
        abort(403)
    return render_template(
        "officehours/desk_index.html", locations=services.locations_for(current_user)
    )


def _desk_page(
    location,
    actor,
    *,
    forms: dict | None = None,
    q: str = "",
    status: int = 200,
    confirm_walk_in: bool = False,
):
    """The front desk. `confirm_walk_in`: a walk-in was sent while no office hour is held
    today; nothing was created, the page asks to confirm."""
    forms = forms or {}
    results = services.search_for_checkin(location, q) if q else []
    if htmx and htmx.target == "checkin-results":
        return render_template(
            "officehours/_desk_results.html",
            results=results,
            q=q,
            location=location,
            person_form=PersonCheckinForm(),
        )
    waiting = sum(
        1
        for e in services.queue_entries(location, to_local(utcnow()).date())
        if e.status == "waiting"
    )
    sessions = services.sessions_between([location], today(), 1)
    return render_template(
        "officehours/desk.html",
        location=location,
        kiosk=actor.startswith("kiosk"),
        search_form=SearchForm(q=q),
        code_form=forms.get("code") or CodeForm(formdata=None),
        walk_in_form=forms.get("walk_in") or WalkInForm(formdata=None),
        person_form=PersonCheckinForm(formdata=None),
        results=results,
        q=q,
        waiting=waiting,
        sessions=sessions,
        next_sessions=[] if sessions else services.next_sessions(location, today()),
        confirm_walk_in=confirm_walk_in,
    ), status


@bp.get("/desk/<int:location_id>")
def desk(location_id: int):
    location, actor = _desk(location_id)
    return _desk_page(location, actor, q=(request.args.get("q") or "")[:80])


@bp.post("/desk/<int:location_id>/checkin")
def desk_checkin(location_id: int):
    location, actor = _desk(location_id)
    mode = request.form.get("mode")
    forms: dict = {}
    try:
        if mode == "code":
            form = forms["code"] = CodeForm()
            if not form.validate_on_submit():
                return _desk_page(location, actor, forms=forms, status=400)
            entry = services.check_in_code(location, form.code.data, actor)
        elif mode == "walk_in":
            form = forms["walk_in"] = WalkInForm()
            if not form.validate_on_submit():
                return _desk_page(location, actor, forms=forms, status=400)
            if not form.confirmed.data and not services.sessions_between([location], today(), 1):
                # No office hour today: a walk-in would wait for nobody. Ask first (the page
                # offers the next office hours); nothing is created before the confirmation.
                return _desk_page(location, actor, forms=forms, confirm_walk_in=True)
            entry = services.check_in_walk_in(
                location, form.first_name.data, form.language.data, actor
            )
        elif mode == "person":
            form = PersonCheckinForm()
            if not form.validate_on_submit() or not (form.person_id.data or "").isdigit():
                abort(400)
            entry = services.check_in_person(location, int(form.person_id.data), actor)
        else:
            abort(400)
    except AppointmentError as error:
        db.session.commit()  # keeps the audit event of a refused check-in; nothing else changed
        if mode == "code":
            forms["code"].code.errors.append(error.message)
            return _desk_page(location, actor, forms=forms, status=400)
        flash(error.message, "error")
        return redirect(url_for(".desk", location_id=location.id)), 303
    db.session.commit()
    flash(
        _("Angemeldet: %(name)s. Bitte kurz Platz nehmen.", name=services.entry_name(entry)),
        "success",
    )
    return redirect(url_for(".desk", location_id=location.id), 303)
