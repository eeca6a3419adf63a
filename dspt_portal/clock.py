"""The portal's idea of today: the real date, or PORTAL_TODAY for demos and tests."""

import datetime as dt

from flask import current_app


def today() -> dt.date:
    fixed = current_app.config.get("PORTAL_TODAY")
    if fixed:
        return fixed if isinstance(fixed, dt.date) else dt.date.fromisoformat(fixed)
    return dt.date.today()
