"""The public status page: each organisation's status per toolkit year, and nothing about why."""

from flask import Blueprint, render_template, request

from ..models import Organisation, OrganisationStatus, ToolkitYear
from ..security import public

bp = Blueprint("public", __name__)


@bp.route("/status")
@public
def status():
    years = list(ToolkitYear.select().order_by(ToolkitYear.label.desc()))
    chosen = request.args.get("year") or (years[0].label if years else None)
    year = next((y for y in years if y.label == chosen), years[0] if years else None)
    statuses = []
    if year is not None:
        statuses = list(
            OrganisationStatus.select(OrganisationStatus, Organisation)
            .join(Organisation)
            .where(OrganisationStatus.toolkit_year == year.id)
            .order_by(Organisation.name)
        )
    return render_template("public/status.html", years=years, year=year, statuses=statuses)
