"""Unbound extension singletons; create_app binds them."""

from flask_login import LoginManager
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from peewee import DatabaseProxy

db = DatabaseProxy()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
