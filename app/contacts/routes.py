"""Contact pages: quick entry, detail, edit, soft delete, comments, tasks, timeline, PDFs and
the topic catalogue. Full pages normally, fragments for htmx requests."""

from __future__ import annotations

import contextlib
from datetime import date, datetime

from flask import (
    Blueprint,
    Response,
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

from app.access import admin_required, case_data_required, household_or_404, role_required
from app.accounts import roles
from app.audit.refusals import record_refusal
from app.audit.services import record
from app.consent.services import counselling_allowed_ids
from app.contacts import choices, services
from app.contacts.forms import (
    CommentForm,
    ContactForm,
    DeleteForm,
    RangeForm,
    TimelineFilterForm,
    TopicForm,
    opts,
)
from app.contacts.models import Contact, Topic
from app.documents import labels as document_labels
from app.documents.web import STYLESHEETS, chosen, selector_options
from app.extensions import db, htmx
from app.forms import HideForm
from app.households.models import Household
from app.organisations import ownership
from app.pdf import pdf_response, render_pdf
from app.redirects import safe_next
from app.timeutil import to_local, today
from app.urls import int_arg, page_arg, parse_int

bp = Blueprint("contacts", __name__)

REVIEW_ROLES = (roles.TEAM_LEAD, roles.ADMIN)


@bp.app_context_processor
def contact_labels() -> dict:
    return {"contact_choices": choices}


def _contact_or_404(contact_id: int) -> Contact:
    contact = services.contact_or_none(current_user, contact_id)
    if contact is None:
        abort(404)
    return contact


# --- the contact form ---------------------------------------------------------------------
def _contact_form(household: Household, contact: Contact | None = None) -> ContactForm:
    form = ContactForm()
    form.participants.choices = opts((p.id, p.full_name) for p in household.members)
    # Counselling data only for persons who consented (GDPR Art. 9): the form says who not.
    allowed = counselling_allowed_ids(household.members)
    form.without_consent = {p.id: p.full_name for p in household.members if p.id not in allowed}
    form.topics.choices = opts(
        services.topic_choices(household.organisation_id, contact.topics if contact else None)
    )
    colleagues = [(u.id, u.display_name) for u in services.team_colleagues(current_user, household)]
    helpers = [(u.id, u.display_name) for u in services.volunteers(household)]
    groups = {"colleague": colleagues, "volunteer": helpers}
    for entry in form.tasks:
        entry.form.owner_groups = groups
        entry.form.owner_id.choices = [
            *opts([(0, _("— niemand bestimmtes —"))]),
            *opts(colleagues, _("Kolleg:innen")),
            *opts(helpers, _("Ehrenamtliche")),
        ]
    if request.method == "GET":
        if contact is None:
            form.preselected = _preselect(form, household)
            _apply_prefill(form, household)
            form.time_follows_typing = "started_at" not in request.args
        else:
            form.idempotency_key.data = contact.idempotency_key
            form.participants.data = [p.id for p in contact.participants]
            form.topics.data = [t.key for t in contact.topics]
            form.occurred_at.data = to_local(contact.occurred_at).replace(tzinfo=None)
            minutes = contact.duration_minutes
            if minutes in choices.DURATION_PRESETS:
                form.duration_preset.data = str(minutes)
                form.duration_minutes.data = None
            else:
                form.duration_preset.data = ""
                form.duration_minutes.data = minutes
            form.setting.data = contact.setting
            form.location.data = contact.location
            form.interpreter_kind.data = contact.interpreter_kind
            form.interpreter_language.data = contact.interpreter_language
            form.note.data = contact.note
    return form


def _form_data(form: ContactForm) -> services.ContactData:
    tasks = [
        {
            "description": entry.form.description.data,
            "owner_kind": entry.form.owner_kind.data,
            "owner_id": (entry.form.owner_id.data or None)
            if entry.form.owner_kind.data in ("colleague", "volunteer")
            else None,
            "due_on": entry.form.due_on.data,
        }
        for entry in form.tasks
        if entry.form.description.data
    ]
    return services.ContactData(
        occurred_at=form.occurred_at_utc,
        duration_minutes=form.duration,
        setting=form.setting.data,
        location=form.location.data or "",
        interpreter_kind=form.interpreter_kind.data or "",
        interpreter_language=form.interpreter_language.data or "",
        note=form.note.data or "",
        participant_ids=list(form.participants.data),
        topic_keys=list(form.topics.data),
        tasks=tasks,
    )


def _timeline_context(household: Household) -> dict:
    filters = TimelineFilterForm(request.args)
    topic_pairs = [(t.key, t.shown_label) for t in services.all_topics(household.organisation_id)]
    filters.topic.choices = opts([("", _("alle")), *topic_pairs])
    topic = filters.topic.data if filters.topic.data in dict(topic_pairs) else ""
    setting = filters.setting.data if filters.setting.data in choices.SETTINGS else ""
    page = page_arg()
    return {
        "timeline": services.timeline(household, page, topic, setting),
        "filters": filters,
        "filter_args": {k: v for k, v in (("topic", topic), ("setting", setting)) if v},
        "household": household,
        "can_review": current_user.role in REVIEW_ROLES,
        "today": today(),
    }


def timeline_context(household: Household) -> dict:
    """Used by the household page to show the first page of the timeline."""
    return _timeline_context(household)


@bp.route("/households/<int:household_id>/contacts/new", methods=["GET", "POST"])
@case_data_required
def new(household_id: int):
    """Record a contact. Also the outbox's replay target (header X-Outbox-Replay): it answers
    201 when the contact is saved (or was saved before: same idempotency key), 422 with the
    reasons when the entry must be corrected — never a redirect, so the phone can tell."""
    household = household_or_404(current_user, household_id)
    form = _contact_form(household)
    embedded = request.values.get("embedded") == "1"
    replay = request.headers.get("X-Outbox-Replay") == "1"
    if form.validate_on_submit() and _household_open_or_already_saved(household, form):
        contact, created = services.create_contact(
            current_user, household, form.idempotency_key.data, _form_data(form)
        )
        db.session.commit()
        flash_message = (
            _("Kontakt gespeichert.") if created else _("Dieser Kontakt war schon gespeichert.")
        )
        if replay:
            return Response(flash_message, 201, {"X-Contact-Id": str(contact.id)})
        if htmx and embedded:
            context = _timeline_context(household)
            response = make_response(
                render_template(
                    "contacts/_saved.html", saved=contact, message=flash_message, **context
                )
            )
            response.headers["HX-Retarget"] = "#timeline"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        flash(flash_message, "success")
        # `saved` lets contacts.js drop the note's draft even if the contact is not on the
        # timeline's first page (a back-dated entry).
        return redirect(
            url_for(
                "households.show",
                household_id=contact.household_id,
                saved=contact.idempotency_key,
                _anchor="timeline",
            )
        )
    if replay:
        reasons = [
            f"{form[name].label.text}: {' '.join(str(e) for e in errors)}"
            for name, errors in form.errors.items()
            if name in form
        ] or [_("Ungültige Eingabe.")]
        return Response("\n".join(reasons), 422, mimetype="text/plain")
    # Validation errors answer 200: htmx 2 swaps only 2xx responses into the page.
    template = "contacts/_form.html" if htmx and embedded else "contacts/form.html"
    response = make_response(
        render_template(template, form=form, household=household, contact=None, embedded=embedded)
    )
    if request.method == "GET" and not embedded:
        # Kept by the service worker with the household page, so a contact can be recorded
        # in a flat without signal (see static/sw.js and static/outbox.js).
        response.headers["X-Offline-Copy"] = "allowed"
    return response


def _preselect(form: ContactForm, household: Household) -> dict[str, str]:
    """Values a new contact starts with, and which of them the form marks as chosen for the
    user: the setting and place of the user's last contact (within 12 hours) and every
    household member who consented."""
    marks: dict[str, str] = {}
    defaults = services.last_defaults(current_user)
    form.setting.data = defaults.get("setting")
    form.location.data = defaults.get("location", "")
    if form.setting.data:
        marks["setting"] = "last"
    if form.location.data:
        marks["location"] = "last"
    form.participants.data = [p.id for p in household.members if p.id not in form.without_consent]
    if len(form.participants.data) > 1:
        marks["participants"] = "all"
    return marks


def _apply_prefill(form: ContactForm, household: Household) -> None:
    """Prefill from an appointment or an office-hour queue entry (see
    app/appointments/services.contact_link): only values the form would accept anyway. A
    prefilled value comes from the appointment, so it loses its "wie zuletzt" marker."""
    args = request.args
    if ids := {i for i in map(parse_int, args.get("person_ids", "").split(",")) if i}:
        chosen = [p.id for p in household.members if p.id in ids]
        form.participants.data = [i for i in chosen if i not in form.without_consent]
        form.preselected.pop("participants", None)
    if args.get("setting") in choices.SETTINGS:
        form.setting.data = args["setting"]
        form.preselected.pop("setting", None)
    if "location" in args:
        form.location.data = args["location"][:200]
        form.preselected.pop("location", None)
    with contextlib.suppress(ValueError):
        form.occurred_at.data = datetime.strptime(args.get("started_at", ""), "%Y-%m-%dT%H:%M")
    if minutes := int_arg("duration", high=choices.MAX_DURATION):
        preset = minutes in choices.DURATION_PRESETS
        form.duration_preset.data = str(minutes) if preset else ""
        form.duration_minutes.data = None if preset else minutes


def _household_open_or_already_saved(household: Household, form: ContactForm) -> bool:
    """A closed case takes no new contacts; a replay of one saved before closing still
    answers with the saved contact."""
    if household.status != "closed":
        return True
    if services.find_by_key(current_user.id, form.idempotency_key.data) is not None:
        return True
    form.idempotency_key.errors.append(
        _("Die Beratung dieses Haushalts ist abgeschlossen. Bitte zuerst wieder aufnehmen.")
    )
    return False


@bp.get("/contacts/<int:contact_id>")
@case_data_required
def show(contact_id: int):
    contact = _contact_or_404(contact_id)
    record("view", "contact", contact.id)
    db.session.commit()
    can_review = current_user.role in REVIEW_ROLES
    participants = {}
    if can_review:
        ids = {i for v in contact.versions for i in v.old_values.get("participants", [])}
        participants = services.persons_by_id(sorted(ids))
    return render_template(
        "contacts/show.html",
        contact=contact,
        household=contact.household,
        can_review=can_review,
        comment_form=CommentForm(),
        version_participants=participants,
        doc=chosen(_contact_languages(contact)),
        language_options=selector_options(),
        topic_labels=_topic_labels(contact),
        field_labels=services.FIELD_LABELS,
        today=today(),
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@case_data_required
def edit(contact_id: int):
    contact = _contact_or_404(contact_id)
    household = contact.household
    form = _contact_form(household, contact)
    if form.validate_on_submit():
        changed = services.update_contact(current_user, contact, _form_data(form))
        db.session.commit()
        flash(_("Änderungen gespeichert.") if changed else _("Keine Änderungen."), "success")
        return redirect(url_for(".show", contact_id=contact.id))
    return render_template(
        "contacts/form.html", form=form, household=household, contact=contact, embedded=False
    )


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@case_data_required
def delete(contact_id: int):
    contact = _contact_or_404(contact_id)
    form = DeleteForm()
    if form.validate_on_submit():
        household_id = contact.household_id
        services.delete_contact(current_user, contact, form.reason.data)
        db.session.commit()
        flash(_("Kontakt gelöscht."), "success")
        return redirect(url_for("households.show", household_id=household_id))
    return render_template("contacts/delete.html", form=form, contact=contact)


@bp.post("/contacts/<int:contact_id>/comments")
@role_required(*REVIEW_ROLES)
def comment(contact_id: int):
    contact = _contact_or_404(contact_id)
    form = CommentForm()
    if form.validate_on_submit():
        services.add_comment(current_user, contact, form.body.data)
        db.session.commit()
        if htmx:
            db.session.refresh(contact)
            return render_template(
                "contacts/_comments.html",
                contact=contact,
                can_review=True,
                comment_form=CommentForm(formdata=None),
            )
        flash(_("Kommentar gespeichert."), "success")
        return redirect(url_for(".show", contact_id=contact.id, _anchor="comments"))
    if htmx:
        return render_template(
            "contacts/_comments.html", contact=contact, can_review=True, comment_form=form
        )
    return render_template(
        "contacts/show.html",
        contact=contact,
        household=contact.household,
        can_review=True,
        comment_form=form,
        version_participants={},
        topic_labels=_topic_labels(contact),
        field_labels=services.FIELD_LABELS,
        today=today(),
    ), 422


# --- timeline -----------------------------------------------------------------------------
@bp.get("/households/<int:household_id>/timeline")
@case_data_required
def timeline(household_id: int):
    household = household_or_404(current_user, household_id)
    context = _timeline_context(household)
    if htmx:
        # The filter form replaces the whole timeline; "load more" appends items.
        whole = htmx.target == "timeline"
        template = "contacts/_timeline.html" if whole else "contacts/_items.html"
        return render_template(template, **context)
    return render_template("contacts/timeline.html", **context)


# --- tasks --------------------------------------------------------------------------------
@bp.get("/tasks")
@case_data_required
def tasks():
    on = today()
    show_done = request.args.get("done") == "1"
    rows = services.my_tasks(current_user, on, include_done=show_done)
    buckets = {task.id: services.task_bucket(task, on) for task in rows}
    return render_template(
        "contacts/tasks.html", tasks=rows, buckets=buckets, show_done=show_done, today=on
    )


@bp.post("/tasks/<int:task_id>/status")
@case_data_required
def task_status(task_id: int):
    task = services.task_or_none(current_user, task_id)
    if task is None:
        abort(404)
    # The CSRF check comes from the global CSRFProtect; the form only carries "done".
    done = request.form.get("done") == "1"
    services.set_task_status(current_user, task, done)
    db.session.commit()
    on = today()
    if htmx:
        return render_template(
            "contacts/_task_row.html",
            task=task,
            bucket=services.task_bucket(task, on),
            today=on,
            show_household=request.form.get("context") == "tasks",
            context=request.form.get("context", ""),
        )
    flash(_("Aufgabe erledigt.") if done else _("Aufgabe wieder offen."), "success")
    return redirect(safe_next(request.values.get("next"), url_for(".tasks")))


# --- PDFs ---------------------------------------------------------------------------------
def _organisation_header(household: Household) -> dict:
    org = household.organisation
    return {"name": org.name, "address": org.address, "phone": org.phone, "email": org.email}


@bp.get("/contacts/<int:contact_id>/pdf")
@case_data_required
def contact_pdf(contact_id: int):
    contact = _contact_or_404(contact_id)
    record("export", "contact", contact.id, "pdf")
    db.session.commit()
    html = render_template(
        "contacts/pdf.html",
        household=contact.household,
        contacts=[contact],
        org=_organisation_header(contact.household),
        title=_("Beratungsprotokoll"),
        period=None,
        printed_on=today(),
    )
    day = to_local(contact.occurred_at)
    return pdf_response(
        render_pdf(html, stylesheets=["pdf.css"]),
        f"beratungsprotokoll-{day:%Y-%m-%d}-{contact.id}.pdf",
    )


def _contact_languages(contact: Contact) -> str:
    """Languages to preselect a client document from: the interpreter's language of the
    conversation, then the participants' languages."""
    parts = [contact.interpreter_language] + [p.languages for p in contact.participants]
    return ", ".join(x for x in parts if x)


@bp.get("/contacts/<int:contact_id>/next-steps.pdf")
@case_data_required
def next_steps_pdf(contact_id: int):
    """The next steps agreed in a conversation, for the client: German and the client's
    language, who does what by when (open steps first, then done ones)."""
    contact = _contact_or_404(contact_id)
    doc = chosen(_contact_languages(contact))
    record("export", "contact", contact.id, f"next steps pdf {doc.code}")
    db.session.commit()
    day = to_local(contact.occurred_at)
    tasks = sorted(contact.tasks, key=lambda t: (t.status != "open", t.due_on or date.max, t.id))
    html = render_template(
        "contacts/next_steps_pdf.html",
        doc=doc,
        contact=contact,
        tasks=tasks,
        names=", ".join(p.native_name or p.full_name for p in contact.participants),
        owners=document_labels.NEXT_STEP_OWNERS,
        task_status=document_labels.TASK_STATUS,
        org=_organisation_header(contact.household),
        day=day,
        printed_on=today(),
    )
    return pdf_response(
        render_pdf(html, stylesheets=STYLESHEETS),
        f"naechste-schritte-{day:%Y-%m-%d}-{contact.id}-{doc.code}.pdf",
    )


@bp.get("/households/<int:household_id>/contacts.pdf")
@case_data_required
def household_pdf(household_id: int):
    household = household_or_404(current_user, household_id)
    form = RangeForm(request.args)
    if not form.validate():
        context = _timeline_context(household)
        return render_template("contacts/timeline.html", range_form=form, **context), 422
    start, end = form.date_from.data, form.date_to.data
    contacts = services.contacts_in_range(household, start, end)
    if len(contacts) > services.PDF_MAX_CONTACTS:
        # A few seconds per hundred contacts: keep one export well inside a request's time.
        form.date_from.errors = [
            _(
                "Im Zeitraum liegen %(n)s Kontakte. Bitte einen kürzeren Zeitraum wählen "
                "(höchstens %(max)s Kontakte je PDF).",
                n=len(contacts),
                max=services.PDF_MAX_CONTACTS,
            )
        ]
        context = _timeline_context(household)
        return render_template("contacts/timeline.html", range_form=form, **context), 422
    record("export", "household", household.id, f"contacts pdf ({len(contacts)})")
    db.session.commit()
    html = render_template(
        "contacts/pdf.html",
        household=household,
        contacts=contacts,
        org=_organisation_header(household),
        title=_("Beratungsverlauf"),
        period=(start, end),
        printed_on=today(),
    )
    return pdf_response(
        render_pdf(html, stylesheets=["pdf.css"]), f"beratungsverlauf-{household.id}.pdf"
    )


# --- topic catalogue (admin) --------------------------------------------------------------
def _topic_labels(contact: Contact) -> dict[str, str]:
    return {t.key: t.shown_label for t in services.all_topics(contact.household.organisation_id)}


@bp.route("/admin/topics", methods=["GET", "POST"])
@admin_required
def topics():
    """Defaults of the county and the organisation's own topics; new ones are its own (a
    county admin's may be defaults for every organisation)."""
    form = TopicForm()
    steward = ownership.stewards_defaults(current_user)
    if not steward:
        del form.shared
    if form.validate_on_submit():
        shared = steward and form.shared.data
        services.create_topic(
            form.label.data,
            form.sort_order.data,
            form.active.data,
            ownership.new_owner(current_user, shared),
        )
        db.session.commit()
        flash(_("Thema angelegt."), "success")
        return redirect(url_for(".topics"))
    entries = services.topics_of(current_user.organisation_id)
    return render_template(
        "contacts/topics.html",
        defaults=[(t, hidden) for t, hidden in entries if t.organisation_id is None],
        own=[t for t, _hidden in entries if t.organisation_id is not None],
        steward=steward,
        form=form,
    )


def _visible_topic_or_404(topic_id: int) -> Topic:
    """Another organisation's own topic does not exist for this admin."""
    topic = db.session.get(Topic, topic_id)
    if topic is None or not ownership.may_see(current_user, topic.organisation_id):
        abort(404)
    return topic


def _topic_hidden(topic: Topic) -> bool:
    return topic.id in {
        t.id for t, hidden in services.topics_of(current_user.organisation_id) if hidden
    }


@bp.route("/admin/topics/<int:topic_id>", methods=["GET", "POST"])
@admin_required
def edit_topic(topic_id: int):
    topic = _visible_topic_or_404(topic_id)
    if not ownership.may_change(current_user, topic.organisation_id):
        # A default of the county: read-only here; a changed form is refused and audited.
        status = 200
        if request.method == "POST":
            record_refusal(403)
            status = 403
        return render_template(
            "contacts/topic_form.html",
            topic=topic,
            form=None,
            refused=ownership.refusal("topic"),
            attempted=status == 403,
            hidden=_topic_hidden(topic),
        ), status
    form = TopicForm(obj=topic)
    del form.shared
    if form.validate_on_submit():
        services.update_topic(
            topic,
            {
                "label": form.label.data,
                "sort_order": form.sort_order.data
                if form.sort_order.data is not None
                else topic.sort_order,
                "active": form.active.data,
            },
        )
        db.session.commit()
        flash(_("Thema gespeichert."), "success")
        return redirect(url_for(".topics"))
    return render_template(
        "contacts/topic_form.html",
        topic=topic,
        form=form,
        refused=None,
        hidden=topic.organisation_id is None and _topic_hidden(topic),
    )


@bp.post("/admin/topics/<int:topic_id>/hidden")
@admin_required
def hide_topic(topic_id: int):
    """Hide a default for the admin's organisation (or offer it again); own topics are
    retired instead."""
    topic = _visible_topic_or_404(topic_id)
    if topic.organisation_id is not None:
        abort(404)
    form = HideForm()
    if form.validate_on_submit():
        hidden = form.hidden.data == "1"
        services.set_topic_hidden(current_user, topic, hidden)
        db.session.commit()
        flash(
            _("Thema für Ihren Träger ausgeblendet.")
            if hidden
            else _("Thema wird Ihrem Träger wieder angeboten."),
            "success",
        )
    return redirect(url_for(".topics"))
