"""Pages for merging duplicates: possible duplicates, side-by-side compare, confirm, result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.access import case_data_required, household_or_404, household_scope, person_or_404
from app.extensions import db
from app.households.models import Household, Person
from app.households.services import possible_duplicates
from app.merge import services
from app.merge.forms import merge_form
from app.merge.models import RecordMerge
from app.merge.services import HOUSEHOLD, PERSON

bp = Blueprint("merge", __name__)


def _visible(kind: str, record_id: int) -> Person | Household | None:
    if kind == PERSON:
        stmt = select(Person).join(Person.household).where(Person.id == record_id)
    else:
        stmt = select(Household).where(Household.id == record_id)
    return db.session.scalar(household_scope(current_user, stmt))


def _own_pointer(kind: str, record_id: int) -> RecordMerge | None:
    done = services.pointer(kind, record_id)
    if done is None or done.organisation_id != current_user.organisation_id:
        return None
    return done


def _already_merged(done: RecordMerge):
    """A replayed confirmation (or a colleague's merge first): nothing happens twice."""
    if request.method == "POST":
        flash(_("Diese Datensätze wurden bereits zusammengeführt."), "info")
        return redirect(url_for(".result", merge_id=done.id), 303)
    return render_template(
        "merge/refused.html",
        message=_("Dieser Datensatz wurde bereits mit einem anderen zusammengeführt."),
        done=done,
    )


def _refused(message: str, keep, other, kind: str):
    status = 409 if request.method == "POST" else 200
    return (
        render_template("merge/refused.html", message=message, keep=keep, other=other, kind=kind),
        status,
    )


def _compare(kind: str, keep, other):
    other_id = other.id  # kept: after a rollback the object may be gone
    try:
        if kind == PERSON:
            services.check_persons(keep, other)
            fields = services.person_fields(keep, other)
        else:
            services.check_households(keep, other)
            fields = services.household_fields(keep, other)
    except services.MergeRefused as refused:
        return _refused(str(refused), keep, other, kind)
    form = merge_form(fields, services.default_choices(fields))
    table = (Person if kind == PERSON else Household).__table__
    context = {
        "kind": kind,
        "keep": keep,
        "other": other,
        "fields": fields,
        "form": form,
        "moves": services.counts(table, other.id),
        "labels": _labels(),
        "brings_household": kind == PERSON and keep.household_id != other.household_id,
    }
    if not form.validate_on_submit():
        return render_template("merge/compare.html", **context)
    if "confirm" not in request.form:
        chosen = {f.name: form.picked().get(f.name, services.KEEP) for f in fields}
        return render_template("merge/confirm.html", chosen=chosen, **context)
    merge = services.merge_persons if kind == PERSON else services.merge_households
    try:
        result = merge(current_user, keep, other, form.picked())
        db.session.commit()
    except services.AlreadyMerged as done:
        db.session.rollback()
        return _already_merged(done.pointer)
    except services.MergeRefused as refused:
        db.session.rollback()
        return _refused(str(refused), keep, _visible(kind, other_id), kind)
    except IntegrityError:  # the same merge committed by a concurrent request
        db.session.rollback()
        done = _own_pointer(kind, other_id)
        if done is None:
            raise
        return _already_merged(done)
    flash(_("Zusammengeführt."), "success")
    return redirect(url_for(".result", merge_id=result.id), 303)


def _other(kind: str, record_id: int):
    other = _visible(kind, record_id)
    if other is not None:
        return other, None
    done = _own_pointer(kind, record_id)
    if done is None:
        abort(404)
    return None, _already_merged(done)


@bp.route("/persons/<int:person_id>/merge/<int:other_person_id>", methods=["GET", "POST"])
@case_data_required
def persons(person_id: int, other_person_id: int):
    keep = person_or_404(current_user, person_id)
    other, answer = _other(PERSON, other_person_id)
    return answer or _compare(PERSON, keep, other)


@bp.route("/households/<int:household_id>/merge/<int:other_household_id>", methods=["GET", "POST"])
@case_data_required
def households(household_id: int, other_household_id: int):
    keep = household_or_404(current_user, household_id)
    other, answer = _other(HOUSEHOLD, other_household_id)
    return answer or _compare(HOUSEHOLD, keep, other)


@bp.get("/persons/<int:person_id>/duplicates")
@case_data_required
def person_duplicates(person_id: int):
    person = person_or_404(current_user, person_id)
    found = possible_duplicates(
        current_user, person.given_name, person.family_name, person.birth_year, person.id
    )
    return render_template("merge/duplicates.html", person=person, household=None, found=found)


@bp.get("/households/<int:household_id>/duplicates")
@case_data_required
def household_duplicates(household_id: int):
    household = household_or_404(current_user, household_id)
    found: dict[int, Household] = {}
    for member in household.members:
        for p in possible_duplicates(
            current_user, member.given_name, member.family_name, member.birth_year, member.id
        ):
            if p.household_id != household.id:
                found.setdefault(p.household_id, p.household)
    return render_template(
        "merge/duplicates.html", person=None, household=household, found=list(found.values())
    )


@bp.get("/merges/<int:merge_id>")
@case_data_required
def result(merge_id: int):
    done = db.session.get(RecordMerge, merge_id)
    if done is None or done.organisation_id != current_user.organisation_id:
        abort(404)
    survivor = _visible(done.kind, done.survivor_id)
    if survivor is None:
        abort(404)
    moves = {name: n for name, n in done.moved.items() if name != "household_merge"}
    return render_template(
        "merge/result.html", done=done, survivor=survivor, moves=moves, labels=_labels()
    )


def _labels() -> dict[str, str]:
    return {name: str(label) for name, label in services.MOVED_LABELS.items()}
