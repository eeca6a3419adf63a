"""Fictional demo organisations, accounts and plans, so a newcomer sees the portal at work."""

from . import passwords, roles
from .models import Organisation, Region, User

DEFAULT_PASSWORD = "demo-password-1"  # noqa: S105 - the documented demo password

# (ODS code, name, type, region name or None). All fictional.
ORGANISATIONS = [
    ("X26", "Northshire County Council", "Local Authority", "Midlands"),
    ("R9A", "Riverside University Hospitals NHS Trust", "NHS Trust", "London"),
    ("R9G", "Hillcrest Community Health NHS Trust", "NHS Trust", "London"),
    ("R9B", "Eastbrook Healthcare NHS Foundation Trust", "Foundation Trust", "East of England"),
    ("R9F", "Northgate Mental Health NHS Trust", "NHS Trust", "North East and Yorkshire"),
    ("R9J", "Moorland Ambulance Service NHS Trust", "NHS Trust", "North West"),
    ("Q9C", "NHS Westvale Integrated Care Board", "ICB", "South West"),
    ("Q9H", "NHS Coastline Integrated Care Board", "ICB", "South East"),
    ("0DX", "Midshire Commissioning Support Unit", "CSU", "Midlands"),
    ("X27", "Southport Bay Borough Council", "Local Authority", "South East"),
    ("X28", "Lakeside District Council", "Local Authority", "North West"),
    ("T9E", "Health Data Standards Agency", "Arm's Length Body", None),
]

# (email, full name, role, ODS code or region name)
ACCOUNTS = [
    ("la.editor@example.org", "Lee Ashworth", roles.ORG_EDITOR, "X26"),
    ("la.siro@example.org", "Sam Patel", roles.ORG_SIGNATORY, "X26"),
    ("trust.editor@example.org", "Tara Okafor", roles.ORG_EDITOR, "R9A"),
    ("trust.siro@example.org", "Dr Helen Marsh", roles.ORG_SIGNATORY, "R9A"),
    ("rsl.london@example.org", "Ravi Singh", roles.REGIONAL_REVIEWER, "London"),
    ("dspt.team@example.org", "Dana Fields", roles.NATIONAL_REVIEWER, None),
    ("admin@example.org", "Alex Morgan", roles.ADMIN, None),
]


def seed(password: str, *, with_plans: bool = True) -> int:
    """Create whatever demo records are missing; returns how many were created."""
    created = 0
    regions = {r.name: r for r in Region.select()}
    for ods_code, name, org_type, region in ORGANISATIONS:
        _, was_created = Organisation.get_or_create(
            ods_code=ods_code,
            defaults={"name": name, "org_type": org_type, "region": regions.get(region)},
        )
        created += was_created
    orgs = {o.ods_code: o for o in Organisation.select()}
    password_hash = None
    for email, full_name, role, link in ACCOUNTS:
        if User.get_or_none(User.email == email):
            continue
        password_hash = password_hash or passwords.hash_password(password)
        User.create(
            email=email,
            full_name=full_name,
            role=role,
            password_hash=password_hash,
            organisation=orgs.get(link) if role in roles.ORGANISATION_ROLES else None,
            region=regions.get(link) if role == roles.REGIONAL_REVIEWER else None,
        )
        created += 1
    if not with_plans:
        return created
    from .demo_lifecycle import seed_lifecycle
    from .demo_plans import seed_plans

    return created + seed_plans() + seed_lifecycle(password)
