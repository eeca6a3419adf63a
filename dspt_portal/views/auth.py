"""Sign in, sign out and change password."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from .. import audit, passwords
from ..auth import SignedInUser
from ..extensions import db
from ..forms.auth import ChangePasswordForm, SignInForm
from ..models import User, utcnow
from ..ratelimit import limit_sign_in
from ..security import public, signed_in

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow local paths after sign-in, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("main.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limit_sign_in
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        user = User.get_or_none(User.email == form.email.data.lower())
        ok = passwords.verify_password(user.password_hash if user else None, form.password.data)
        if ok and user.active:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a new session on sign-in: nothing from before carries over
            login_user(SignedInUser(user))
            session["signed_in_at"] = session["last_seen"] = utcnow().isoformat()
            session.permanent = True
            with db.atomic():
                User.update(last_sign_in_at=utcnow()).where(User.id == user.id).execute()
            return redirect(next_url)
        # One message whatever was wrong, so it reveals nothing about which accounts exist.
        error = "Enter a correct email address and password"
    timed_out = session.pop("timed_out", False)
    status = 401 if error else 200
    return render_template("auth/sign_in.html", form=form, error=error, timed_out=timed_out), status


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    # The session lives in a signed cookie: bumping the epoch makes any copy of it useless from now
    # on (it also ends the person's sessions in other browsers, which is the safer surprise).
    with db.atomic():
        User.update(session_epoch=User.session_epoch + 1).where(User.id == current_user.id).execute()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = User.get_by_id(current_user.id)
        if not passwords.verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        elif problem := passwords.password_problem(form.new_password.data, email=user.email):
            form.new_password.errors.append(problem)
        else:
            with db.atomic():
                user.password_hash = passwords.hash_password(form.new_password.data)
                user.session_epoch += 1  # sign out every other session
                user.save()
                audit.record(user, "password_changed", "Changed their password")
            session.clear()
            login_user(SignedInUser(user))
            session["signed_in_at"] = session["last_seen"] = utcnow().isoformat()
            flash("Your password has been changed.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)
