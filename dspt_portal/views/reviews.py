"""Reviewer pages (being built: see issue 5)."""

from flask import Blueprint, render_template

from .. import roles
from ..security import roles_required

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
reviewer = roles_required(*roles.REVIEWER_ROLES)


@bp.route("")
@reviewer
def queue():
    return render_template("reviews/queue.html")


@bp.route("/dashboard")
@reviewer
def dashboard():
    return render_template("reviews/queue.html")
