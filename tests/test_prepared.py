"""Compiled lookups (dspt_portal/prepared.py) give exactly what peewee's own queries give, with new
values bound each time, on SQLite and PostgreSQL."""

from peewee import JOIN

from dspt_portal.extensions import db
from dspt_portal.models import Milestone, Organisation, Plan, PlanRow, Region
from dspt_portal.prepared import Prepared, mark, param
from dspt_portal.queries import get_plan_row_or_404


def test_first_returns_the_same_models_as_peewee_with_each_call_s_values(app, make):
    with app.app_context(), db.connection_context():
        london, north = make.organisation(region="London"), make.organisation(region="North West")
        lookup = Prepared(
            lambda _: (
                Organisation.select(Organisation, Region)
                .join(Region, JOIN.LEFT_OUTER)
                .where(Organisation.id == mark(0))
                .limit(1)
            )
        )
        for org in (london, north, london):  # compiled on the first call, reused after
            got = lookup.first(None, org.id)
            assert got.__data__ == Organisation.get_by_id(org.id).__data__
            assert got.region.name == org.region.name  # the joined model is attached, no extra query
        assert lookup.first(None, 10**9) is None


def test_variants_compile_separately_and_repeated_arguments_bind_everywhere(app, make):
    with app.app_context(), db.connection_context():
        org = make.organisation()
        plan = make.plan(org, refs=("1.1.4", "3.2.1"))
        rows = Prepared(
            lambda order: (
                PlanRow.select()
                .where((PlanRow.plan == mark(0)) & (PlanRow.plan <= mark(0)))
                .order_by(PlanRow.id.desc() if order == "desc" else PlanRow.id)
            )
        )
        ascending = [r.id for r in rows.all("asc", plan.id)]
        assert ascending == sorted(r.id for r in plan.rows) and len(ascending) == 2
        assert [r.id for r in rows.all("desc", plan.id)] == ascending[::-1]
        assert rows.all("asc", plan.id + 1000) == []


def test_execute_writes_the_values_given_and_counts_rows(app, make):
    with app.app_context(), db.connection_context():
        org = make.organisation()
        plan = make.plan(org, refs=("1.1.4",))
        row = plan.rows.get()
        update = Prepared(
            lambda _: PlanRow.update(owner=param(0), version=PlanRow.version + 1).where(
                (PlanRow.id == mark(1)) & (PlanRow.version == mark(2))
            )
        )
        assert update.execute(None, "Robert'); DROP TABLE planrow;--", row.id, row.version) == 1
        saved = PlanRow.get_by_id(row.id)
        assert saved.owner == "Robert'); DROP TABLE planrow;--" and saved.version == row.version + 1
        assert update.execute(None, "stale", row.id, row.version) == 0  # version moved on
        insert = Prepared(
            lambda _: Milestone.insert(
                row=param(0), position=param(1), description=param(2), date_text=param(3), date=param(4)
            )
        )
        insert.execute(None, row.id, 0, "Draft to IG group", "30/09/2023", None)
        assert [(m.description, m.date_text) for m in row.milestones] == [("Draft to IG group", "30/09/2023")]


def test_a_row_is_only_found_in_a_plan_the_user_may_see(app, make):
    from werkzeug.exceptions import NotFound

    with app.app_context(), db.connection_context():
        mine, theirs = make.organisation(), make.organisation()
        editor = make.user(organisation=mine)
        my_plan, their_plan = make.plan(mine, refs=("1.1.4",)), make.plan(theirs, refs=("1.1.4",))
        my_row, their_row = my_plan.rows.get(), their_plan.rows.get()
        for purpose in ("edit", "check"):
            plan, row = get_plan_row_or_404(editor, my_plan.id, my_row.id, purpose)
            assert (plan.id, row.id, row.evidence_item.ref) == (my_plan.id, my_row.id, "1.1.4")
            assert plan.toolkit_year.latest_completion_date is not None
            for plan_id, row_id in (
                (their_plan.id, their_row.id),
                (my_plan.id, their_row.id),
                (their_plan.id, my_row.id),
            ):
                try:
                    get_plan_row_or_404(editor, plan_id, row_id, purpose)
                except NotFound:
                    continue
                raise AssertionError(f"row {row_id} of plan {plan_id} was found for another organisation")
        assert Plan.select().count() == 2
