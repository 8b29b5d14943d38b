"""Admin pages for accounts: create, edit, reset password, deactivate, unlock. Never delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import admin_required
from app.accounts import roles, services
from app.accounts.forms import ConfirmForm, NewUserForm, PasswordResetForm, UserForm
from app.accounts.models import User
from app.audit.services import record
from app.collation import sorted_by_name
from app.extensions import db
from app.organisations.models import Team
from app.timeutil import utcnow

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    return user


def _team_choices() -> list[tuple[int, str]]:
    teams = sorted_by_name(
        db.session.scalars(select(Team).where(Team.organisation_id == current_user.organisation_id))
    )
    return [(0, _("— kein Team —")), *((t.id, t.name) for t in teams)]


def _changed_fields(user: User, form: UserForm) -> list[str]:
    names = ("username", "display_name", "email", "role", "fte", "qualification")
    changed = [n for n in names if getattr(user, n) != (getattr(form, n).data or None)]
    if (user.team_id or 0) != form.team_id.data:
        changed.append("team_id")
    return changed


def _apply(user: User, form: UserForm) -> None:
    user.username = form.username.data
    user.display_name = form.display_name.data
    user.email = form.email.data or ""
    user.role = form.role.data
    user.team_id = form.team_id.data or None
    user.fte = form.fte.data or 0
    user.qualification = form.qualification.data or None


def _username_taken(form: UserForm, user: User | None) -> bool:
    other = services.find_user(form.username.data)
    if other is not None and other is not user:
        form.username.errors.append(_("Dieser Benutzername ist schon vergeben."))
        return True
    return False


@bp.get("/")
@admin_required
def index():
    users = sorted_by_name(
        db.session.scalars(
            select(User).where(User.organisation_id == current_user.organisation_id)
        ),
        lambda u: u.display_name,
    )
    users.sort(key=lambda u: not u.is_active_account)  # active accounts first, stable
    locked = services.locked_usernames()
    return render_template("accounts/admin_index.html", users=users, locked=locked)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    form = NewUserForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit() and not _username_taken(form, None):
        user = User(organisation_id=current_user.organisation_id, password_hash="")
        _apply(user, form)
        user.password_hash = services.hash_password(form.password.data)
        db.session.add(user)
        db.session.flush()
        record("create", "user", user.id)
        db.session.commit()
        flash(_("Konto „%(name)s“ angelegt.", name=user.username), "success")
        return redirect(url_for(".index"))
    return render_template("accounts/admin_form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm(obj=user)
    form.team_id.choices = _team_choices()
    if request.method == "GET":
        form.team_id.data = user.team_id or 0
    if form.validate_on_submit() and not _username_taken(form, user):
        changed = _changed_fields(user, form)
        _apply(user, form)
        record("update", "user", user.id, ", ".join(changed))
        db.session.commit()
        flash(_("Änderungen gespeichert."), "success")
        return redirect(url_for(".index"))
    return render_template("accounts/admin_form.html", form=form, user=user)


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    form = PasswordResetForm(data={"username": user.username})
    form.username.data = user.username
    if form.validate_on_submit():
        user.password_hash = services.hash_password(form.password.data)
        user.end_other_sessions()  # whoever used the old password is signed out
        record("password_reset", "user", user.id)
        db.session.commit()
        flash(_("Passwort für „%(name)s“ neu gesetzt.", name=user.username), "success")
        return redirect(url_for(".index"))
    return render_template("accounts/admin_password.html", form=form, user=user)


@bp.post("/<int:user_id>/deactivate")
@admin_required
def deactivate(user_id: int):
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if user.id == current_user.id:
        flash(_("Sie können Ihr eigenes Konto nicht deaktivieren."), "error")
    elif form.validate_on_submit():
        user.is_active_account = False
        user.deactivated_at = utcnow()
        record("deactivate", "user", user.id)
        db.session.commit()
        flash(_("Konto „%(name)s“ deaktiviert.", name=user.username), "success")
    else:
        flash(_("Bitte bestätigen Sie die Deaktivierung."), "error")
    return redirect(url_for(".index"))


@bp.post("/<int:user_id>/unlock")
@admin_required
def unlock(user_id: int):
    user = _user_or_404(user_id)
    services.unlock_account(user.username)
    record("unlock", "user", user.id)
    db.session.commit()
    flash(_("Konto „%(name)s“ entsperrt.", name=user.username), "success")
    return redirect(url_for(".index"))


__all__ = ["bp", "roles"]
