"""Landing page per role, the accessibility statement and the health check."""

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from .. import roles
from ..extensions import db
from ..security import public

bp = Blueprint("main", __name__)

LANDING = {
    roles.ORG_EDITOR: "plans.home",
    roles.ORG_SIGNATORY: "plans.home",
    roles.REGIONAL_REVIEWER: "reviews.queue",
    roles.NATIONAL_REVIEWER: "reviews.queue",
    roles.ADMIN: "admin.index",
}


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for(LANDING[current_user.role]))
    return render_template("main/start.html")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/healthz")
@public
def healthz():
    try:
        db.execute_sql("SELECT 1")
    except Exception:  # any database failure means unhealthy
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
