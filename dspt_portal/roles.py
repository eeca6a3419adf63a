"""User roles: names stored in the database and the labels people read."""

ORG_EDITOR = "org_editor"
ORG_SIGNATORY = "org_signatory"
REGIONAL_REVIEWER = "regional_reviewer"
NATIONAL_REVIEWER = "national_reviewer"
ADMIN = "admin"

LABELS = {
    ORG_EDITOR: "Organisation editor",
    ORG_SIGNATORY: "Organisation signatory (SIRO or board delegate)",
    REGIONAL_REVIEWER: "Regional Security Lead (regional reviewer)",
    NATIONAL_REVIEWER: "NHS England DSPT team (national reviewer)",
    ADMIN: "Administrator",
}
ORGANISATION_ROLES = (ORG_EDITOR, ORG_SIGNATORY)
REVIEWER_ROLES = (REGIONAL_REVIEWER, NATIONAL_REVIEWER)
ALL = tuple(LABELS)
