"""Organiser pages: sign-in (auth.py) and the per-campaign dashboard (dashboard.py)."""
from flask import Blueprint, g

organisers = Blueprint("organisers", __name__, url_prefix="/<lang:lang>/organisers")


@organisers.url_value_preprocessor
def take_language(endpoint, values):
    g.lang = values.pop("lang")


@organisers.url_defaults
def add_language(endpoint, values):
    values.setdefault("lang", g.get("lang"))


@organisers.after_request
def never_cache(response):
    """Organiser pages show private figures and carry a CSRF token: no cache may keep them."""
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def register_organisers(app):
    from . import auth, dashboard  # noqa: F401  (the routes)

    app.register_blueprint(organisers)
