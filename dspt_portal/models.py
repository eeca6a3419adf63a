"""Peewee tables for the portal. Query helpers that scope data to a user live in queries.py."""

import datetime as dt
import json

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .extensions import db


def utcnow():
    """Naive UTC now: stored the same way by SQLite and PostgreSQL, whatever the server's zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def stamp(today: dt.date) -> dt.datetime:
    """Now, moved onto the portal's today (PORTAL_TODAY in demos), so deadlines and waits agree."""
    now = utcnow()
    return now if now.date() == today else dt.datetime.combine(today, now.time())


class JSONField(TextField):
    """JSON stored as text: portable across SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Region(BaseModel):
    ods_code = CharField(max_length=5, unique=True)
    name = CharField(max_length=100, unique=True)


class ToolkitYear(BaseModel):
    label = CharField(max_length=7, unique=True)  # "2022-23"
    version = IntegerField(null=True)
    publication_deadline = DateField(null=True)
    latest_completion_date = DateField(null=True)
    update_due_dates = CharField(max_length=200, default="")  # ISO dates joined by ";"
    escalation_dates = CharField(max_length=200, default="")


class EvidenceItem(BaseModel):
    toolkit_year = ForeignKeyField(ToolkitYear, backref="evidence_items", on_delete="CASCADE")
    standard = IntegerField()
    standard_title = CharField(max_length=200)
    assertion = CharField(max_length=10)
    ref = CharField(max_length=10)
    text = TextField()
    mandatory = BooleanField(null=True)  # None: the catalogue did not say
    org_types = CharField(max_length=300, default="")  # ";"-joined, "" = every type

    class Meta:
        indexes = ((("toolkit_year", "ref"), True),)


class Organisation(BaseModel):
    ods_code = CharField(max_length=5, unique=True)
    name = CharField(max_length=200)
    org_type = CharField(max_length=40)
    region = ForeignKeyField(Region, null=True, backref="organisations")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


class User(BaseModel):
    email = CharField(max_length=254, unique=True)  # stored lower-case
    full_name = CharField(max_length=200)
    password_hash = CharField(max_length=300)
    role = CharField(max_length=30)
    organisation = ForeignKeyField(Organisation, null=True, backref="users")
    region = ForeignKeyField(Region, null=True, backref="reviewers")
    active = BooleanField(default=True)
    # Bumped on password change or deactivation so every existing session ends.
    session_epoch = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    last_sign_in_at = DateTimeField(null=True)


class Plan(BaseModel):
    organisation = ForeignKeyField(Organisation, backref="plans")
    toolkit_year = ForeignKeyField(ToolkitYear, backref="plans")
    state = CharField(max_length=30, default="draft", index=True)
    # Optimistic lock and "plan version" shown on exports: bumped on every material change.
    version = IntegerField(default=1)
    assigned_to = ForeignKeyField(User, null=True, backref="assigned_plans")
    created_by = ForeignKeyField(User, null=True, backref="+")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    submitted_at = DateTimeField(null=True, index=True)  # last time it reached NHS England
    agreed_on = DateField(null=True)
    exception_accepted_by = CharField(max_length=200, default="")

    class Meta:
        indexes = ((("organisation", "toolkit_year"), True),)


class PlanRow(BaseModel):
    plan = ForeignKeyField(Plan, backref="rows", on_delete="CASCADE")
    evidence_item = ForeignKeyField(EvidenceItem, backref="+")
    version = IntegerField(default=1)  # per-row optimistic lock
    partial = BooleanField(default=False)
    current_position = TextField(default="")
    actions = TextField(default="")
    # Dates are kept as typed so nothing is lost; the parsed value is filled when valid.
    completion_date_text = CharField(max_length=100, default="")
    completion_date = DateField(null=True)
    owner = CharField(max_length=300, default="")
    covid_impact = CharField(max_length=3, default="")
    covid_note = TextField(default="")
    exceptional_circumstances = TextField(default="")
    progress_status = CharField(max_length=20, default="")
    actual_completion_date = DateField(null=True)
    progress_note = TextField(default="")
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, backref="+")

    class Meta:
        indexes = ((("plan", "evidence_item"), True),)


class Milestone(BaseModel):
    row = ForeignKeyField(PlanRow, backref="milestones", on_delete="CASCADE")
    position = IntegerField()
    description = TextField(default="")
    date_text = CharField(max_length=100, default="")
    date = DateField(null=True)


class DateChange(BaseModel):
    """Every change of a row's completion date is kept: planned vs actual."""

    row = ForeignKeyField(PlanRow, backref="date_changes", on_delete="CASCADE")
    old_date = DateField(null=True)
    new_date = DateField(null=True)
    reason = TextField(default="")
    changed_by = ForeignKeyField(User, null=True, backref="+")
    changed_at = DateTimeField(default=utcnow)


class SignOff(BaseModel):
    plan = ForeignKeyField(Plan, backref="sign_offs", on_delete="CASCADE")
    name = CharField(max_length=200)
    role = CharField(max_length=200)
    board = CharField(max_length=200)
    meeting_date = DateField()
    minute_reference = CharField(max_length=100, default="")
    content_hash = CharField(max_length=64)
    signed_by = ForeignKeyField(User, backref="+")
    signed_at = DateTimeField(default=utcnow)


class Submission(BaseModel):
    """An immutable snapshot sent to NHS England: a plan, a progress update or a completion."""

    plan = ForeignKeyField(Plan, backref="submissions", on_delete="CASCADE")
    kind = CharField(max_length=20, default="plan")  # plan | progress | completion
    number = IntegerField()  # 1, 2, 3 ... per plan
    plan_version = IntegerField()
    snapshot = JSONField()
    content_hash = CharField(max_length=64)
    submitted_by = ForeignKeyField(User, backref="+")
    submitted_at = DateTimeField(default=utcnow)
    pdf = BlobField(null=True)  # rendered once: submissions never change
    acknowledged_by = ForeignKeyField(User, null=True, backref="+")
    acknowledged_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("plan", "number"), True),)


class Decision(BaseModel):
    plan = ForeignKeyField(Plan, backref="decisions", on_delete="CASCADE")
    submission = ForeignKeyField(Submission, null=True, backref="decisions")
    action = CharField(max_length=30)
    from_state = CharField(max_length=30)
    to_state = CharField(max_length=30)
    reason = TextField(default="")
    accepted_by = CharField(max_length=200, default="")
    call_with_rsl = BooleanField(default=False)
    decided_by = ForeignKeyField(User, backref="+")
    decided_at = DateTimeField(default=utcnow)


class RowComment(BaseModel):
    submission = ForeignKeyField(Submission, backref="comments", on_delete="CASCADE")
    ref = CharField(max_length=10)
    body = TextField()
    author = ForeignKeyField(User, backref="+")
    created_at = DateTimeField(default=utcnow)


class OrganisationStatus(BaseModel):
    """The public toolkit status per organisation and year; amending it keeps the publication date."""

    organisation = ForeignKeyField(Organisation, backref="statuses")
    toolkit_year = ForeignKeyField(ToolkitYear, backref="+")
    status = CharField(max_length=30)
    published_on = DateField()
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("organisation", "toolkit_year"), True),)


class AuditEvent(BaseModel):
    """Append-only: who did what, when, with before and after."""

    plan = ForeignKeyField(Plan, null=True, backref="audit_events", index=True)
    organisation = ForeignKeyField(Organisation, null=True, backref="+")
    actor = ForeignKeyField(User, null=True, backref="+")
    action = CharField(max_length=50)
    summary = TextField()
    before = JSONField(null=True)
    after = JSONField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)


class OutboxMessage(BaseModel):
    recipient = CharField(max_length=254)
    subject = CharField(max_length=300)
    body = TextField()
    kind = CharField(max_length=30)
    # Unique per (notice, plan, recipient) so a rerun of send-reminders sends nothing twice.
    dedupe_key = CharField(max_length=300, null=True, unique=True)
    plan = ForeignKeyField(Plan, null=True, backref="+")
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)
    error = TextField(default="")


MODELS = [
    Region,
    ToolkitYear,
    EvidenceItem,
    Organisation,
    User,
    Plan,
    PlanRow,
    Milestone,
    DateChange,
    SignOff,
    Submission,
    Decision,
    RowComment,
    OrganisationStatus,
    AuditEvent,
    OutboxMessage,
]
