"""Initial schema: reference data, organisations, users, plans, rows, submissions, reviews, audit, outbox.

A frozen copy of the models on purpose: later model changes get their own numbered file.
Python-side defaults (timestamps) live in the models, not in the schema.
"""
from peewee import *


def up(migrator, db):
    class Region(Model):
        ods_code = CharField(unique=True, max_length=5)
        name = CharField(unique=True, max_length=100)
        class Meta:
            database = db
            table_name = 'region'
    db.create_tables([Region])

    class Organisation(Model):
        ods_code = CharField(unique=True, max_length=5)
        name = CharField(max_length=200)
        org_type = CharField(max_length=40)
        region = ForeignKeyField(Region, null=True)
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'organisation'
    db.create_tables([Organisation])

    class ToolkitYear(Model):
        label = CharField(unique=True, max_length=7)
        version = IntegerField(null=True)
        publication_deadline = DateField(null=True)
        latest_completion_date = DateField(null=True)
        update_due_dates = CharField(max_length=200, default='')
        escalation_dates = CharField(max_length=200, default='')
        class Meta:
            database = db
            table_name = 'toolkit_year'
    db.create_tables([ToolkitYear])

    class User(Model):
        email = CharField(unique=True, max_length=254)
        full_name = CharField(max_length=200)
        password_hash = CharField(max_length=300)
        role = CharField(max_length=30)
        organisation = ForeignKeyField(Organisation, null=True)
        region = ForeignKeyField(Region, null=True)
        active = BooleanField(default=True)
        session_epoch = IntegerField(default=0)
        created_at = DateTimeField()
        last_sign_in_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'user'
    db.create_tables([User])

    class Plan(Model):
        organisation = ForeignKeyField(Organisation)
        toolkit_year = ForeignKeyField(ToolkitYear)
        state = CharField(index=True, max_length=30, default='draft')
        version = IntegerField(default=1)
        assigned_to = ForeignKeyField(User, null=True)
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        submitted_at = DateTimeField(index=True, null=True)
        agreed_on = DateField(null=True)
        exception_accepted_by = CharField(max_length=200, default='')
        class Meta:
            database = db
            table_name = 'plan'
            indexes = ((('organisation', 'toolkit_year'), True),)
    db.create_tables([Plan])

    class AuditEvent(Model):
        plan = ForeignKeyField(Plan, null=True)
        organisation = ForeignKeyField(Organisation, null=True)
        actor = ForeignKeyField(User, null=True)
        action = CharField(max_length=50)
        summary = TextField()
        before = TextField(null=True)
        after = TextField(null=True)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'audit_event'
    db.create_tables([AuditEvent])

    class EvidenceItem(Model):
        toolkit_year = ForeignKeyField(ToolkitYear, on_delete='CASCADE')
        standard = IntegerField()
        standard_title = CharField(max_length=200)
        assertion = CharField(max_length=10)
        ref = CharField(max_length=10)
        text = TextField()
        mandatory = BooleanField(null=True)
        org_types = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'evidence_item'
            indexes = ((('toolkit_year', 'ref'), True),)
    db.create_tables([EvidenceItem])

    class PlanRow(Model):
        plan = ForeignKeyField(Plan, on_delete='CASCADE')
        evidence_item = ForeignKeyField(EvidenceItem)
        version = IntegerField(default=1)
        partial = BooleanField(default=False)
        current_position = TextField(default='')
        actions = TextField(default='')
        completion_date_text = CharField(max_length=100, default='')
        completion_date = DateField(null=True)
        owner = CharField(max_length=300, default='')
        covid_impact = CharField(max_length=3, default='')
        covid_note = TextField(default='')
        exceptional_circumstances = TextField(default='')
        progress_status = CharField(max_length=20, default='')
        actual_completion_date = DateField(null=True)
        progress_note = TextField(default='')
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'plan_row'
            indexes = ((('plan', 'evidence_item'), True),)
    db.create_tables([PlanRow])

    class DateChange(Model):
        row = ForeignKeyField(PlanRow, on_delete='CASCADE')
        old_date = DateField(null=True)
        new_date = DateField(null=True)
        reason = TextField(default='')
        changed_by = ForeignKeyField(User, null=True)
        changed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'date_change'
    db.create_tables([DateChange])

    class Submission(Model):
        plan = ForeignKeyField(Plan, on_delete='CASCADE')
        kind = CharField(max_length=20, default='plan')
        number = IntegerField()
        plan_version = IntegerField()
        snapshot = TextField()
        content_hash = CharField(max_length=64)
        submitted_by = ForeignKeyField(User)
        submitted_at = DateTimeField()
        pdf = BlobField(null=True)
        acknowledged_by = ForeignKeyField(User, null=True)
        acknowledged_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'submission'
            indexes = ((('plan', 'number'), True),)
    db.create_tables([Submission])

    class Decision(Model):
        plan = ForeignKeyField(Plan, on_delete='CASCADE')
        submission = ForeignKeyField(Submission, null=True)
        action = CharField(max_length=30)
        from_state = CharField(max_length=30)
        to_state = CharField(max_length=30)
        reason = TextField(default='')
        accepted_by = CharField(max_length=200, default='')
        call_with_rsl = BooleanField(default=False)
        decided_by = ForeignKeyField(User)
        decided_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'decision'
    db.create_tables([Decision])

    class Milestone(Model):
        row = ForeignKeyField(PlanRow, on_delete='CASCADE')
        position = IntegerField()
        description = TextField(default='')
        date_text = CharField(max_length=100, default='')
        date = DateField(null=True)
        class Meta:
            database = db
            table_name = 'milestone'
    db.create_tables([Milestone])

    class OrganisationStatus(Model):
        organisation = ForeignKeyField(Organisation)
        toolkit_year = ForeignKeyField(ToolkitYear)
        status = CharField(max_length=30)
        published_on = DateField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'organisation_status'
            indexes = ((('organisation', 'toolkit_year'), True),)
    db.create_tables([OrganisationStatus])

    class OutboxMessage(Model):
        recipient = CharField(max_length=254)
        subject = CharField(max_length=300)
        body = TextField()
        kind = CharField(max_length=30)
        dedupe_key = CharField(unique=True, null=True, max_length=300)
        plan = ForeignKeyField(Plan, null=True)
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        error = TextField(default='')
        class Meta:
            database = db
            table_name = 'outbox_message'
    db.create_tables([OutboxMessage])

    class RowComment(Model):
        submission = ForeignKeyField(Submission, on_delete='CASCADE')
        ref = CharField(max_length=10)
        body = TextField()
        author = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'row_comment'
    db.create_tables([RowComment])

    class SignOff(Model):
        plan = ForeignKeyField(Plan, on_delete='CASCADE')
        name = CharField(max_length=200)
        role = CharField(max_length=200)
        board = CharField(max_length=200)
        meeting_date = DateField()
        minute_reference = CharField(max_length=100, default='')
        content_hash = CharField(max_length=64)
        signed_by = ForeignKeyField(User)
        signed_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'sign_off'
    db.create_tables([SignOff])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('sign_off'))
    migrator.migrate(migrator.drop_table('row_comment'))
    migrator.migrate(migrator.drop_table('outbox_message'))
    migrator.migrate(migrator.drop_table('organisation_status'))
    migrator.migrate(migrator.drop_table('milestone'))
    migrator.migrate(migrator.drop_table('decision'))
    migrator.migrate(migrator.drop_table('submission'))
    migrator.migrate(migrator.drop_table('date_change'))
    migrator.migrate(migrator.drop_table('plan_row'))
    migrator.migrate(migrator.drop_table('evidence_item'))
    migrator.migrate(migrator.drop_table('audit_event'))
    migrator.migrate(migrator.drop_table('plan'))
    migrator.migrate(migrator.drop_table('user'))
    migrator.migrate(migrator.drop_table('toolkit_year'))
    migrator.migrate(migrator.drop_table('organisation'))
    migrator.migrate(migrator.drop_table('region'))
