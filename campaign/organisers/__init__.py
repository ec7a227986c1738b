"""Organiser pages: sign-in (auth.py), the per-campaign dashboard (dashboard.py), the CSV export
(exports.py), delivery packets (packets.py), moderation (moderation.py), paper signatures (paper.py) and approving the
organisations that sign a coalition letter (organisations.py), videos and documents (media.py),
news to signers (updates.py)."""
from flask import Blueprint

from ..i18n import take_language_from_url

organisers = take_language_from_url(Blueprint("organisers", __name__, url_prefix="/<lang:lang>/organisers"))


@organisers.after_request
def never_cache(response):
    """Organiser pages show private figures and carry a CSRF token: no cache may keep them."""
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


def register_organisers(app):
    from . import (auth, dashboard, deliveries, exports, media, moderation, navigation, notes,  # noqa: F401
                   organisations, packets, paper, results, signers, updates)  # the routes and page helpers

    app.register_blueprint(organisers)
