"""Flask-Login set-up: sessions name the user and their session epoch, so a bump ends them all."""

from flask import session
from flask_login import UserMixin

from .extensions import login_manager
from .models import User
from .prepared import Prepared, mark

# Every request of a signed-in user runs this lookup, most of them htmx keystrokes.
_user_by_id = Prepared(lambda _: User.select().where(User.id == mark(0)).limit(1))


class SignedInUser(UserMixin):
    """The signed-in user as Flask-Login sees them; wraps the row so the session stays small."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self):
        return f"{self.user.id}.{self.user.session_epoch}"

    def __getattr__(self, name):
        return getattr(self.user, name)

    @property
    def is_active(self):
        return self.user.active

    @property
    def is_reviewer(self):
        from .roles import REVIEWER_ROLES

        return self.user.role in REVIEWER_ROLES


def init_app(app):
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            pk, epoch = (int(part) for part in user_id.split("."))
        except ValueError:
            return None
        user = _user_by_id.first(None, pk)
        if user is None or not user.active or user.session_epoch != epoch:
            session.clear()
            return None
        return SignedInUser(user)
