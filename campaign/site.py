"""Pages outside any one campaign: language negotiation at `/`, the index, and error pages."""
import math
import time
from email.utils import parseaddr

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from redis.exceptions import RedisError
from sqlalchemy.exc import InterfaceError, OperationalError

from . import i18n
from .campaigns import definitions
from .extensions import db, limiter
from .petitions.blueprint import public
from .petitions.counting import campaign_state

site = Blueprint("site", __name__)


@site.get("/")
def choose_language():
    # Only offered languages: one in preview is reached by its URL alone.
    tag = i18n.negotiate(request.cookies.get(current_app.config["LANGUAGE_COOKIE"]),
                         request.accept_languages, i18n.offered_languages())
    response = redirect(url_for("site.index", lang=tag), code=302)
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@site.get("/<lang:lang>/")
def index(lang):
    g.lang = lang
    states = [campaign_state(definition) for definition in definitions()]
    return public(render_template("index.html", states=states))


# About, privacy and accessibility: linked from every page's footer, the same for every visitor.
@site.get("/<lang:lang>/about")
def about(lang):
    g.lang = lang
    return public(render_template("site/about.html", contact=contact_address()))


@site.get("/<lang:lang>/privacy")
def privacy(lang):
    g.lang = lang
    return public(render_template("site/privacy.html", contact=contact_address()))


@site.get("/<lang:lang>/accessibility")
def accessibility(lang):
    g.lang = lang
    return public(render_template("site/accessibility.html", contact=contact_address()))


def contact_address():
    """Where people write to the coalition: CONTACT_EMAIL, else the address our emails come from."""
    return current_app.config["CONTACT_EMAIL"] or parseaddr(current_app.config["MAIL_FROM"])[1]


@site.after_app_request
def remember_language(response):
    """A visitor who picks a language keeps it when they come back to `/`."""
    lang = g.get("lang")
    cookie = current_app.config["LANGUAGE_COOKIE"]
    # Only on private pages: a Set-Cookie would keep proxies from caching the public ones. The
    # headers are read as strings: werkzeug's mimetype and cache_control parse them on each use,
    # a measurable part of serving the sign page to a crowd.
    if lang and response.status_code < 400 and request.cookies.get(cookie) != lang \
            and response.headers.get("Content-Type", "").startswith("text/html") \
            and not _is_public(response.headers.get("Cache-Control", "")):
        response.set_cookie(cookie, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])  # on in production
    return response


def _is_public(cache_control):
    """Whether a Cache-Control header lets shared caches keep the response."""
    return any(directive.strip().lower() == "public" for directive in cache_control.split(","))


def render_error(template, status, headers=None):
    if g.get("lang") is None:
        # The URL did not match a route, but its first segment may still name a language.
        first_segment = request.path.strip("/").split("/", 1)[0]
        if first_segment in i18n.languages():
            g.lang = first_segment
    return render_template(template, status=status), status, headers or {}


def register_site(app):
    app.register_blueprint(site)

    @app.errorhandler(403)
    def forbidden(error):
        return render_error("errors/403.html", 403)

    @app.errorhandler(404)
    def not_found(error):
        return render_error("errors/404.html", 404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render_error("errors/405.html", 405)

    @app.errorhandler(400)
    def bad_request(error):
        return render_error("errors/400.html", 400)

    @app.errorhandler(413)
    def too_large(error):
        return render_error("errors/413.html", 413)

    @app.errorhandler(429)
    def too_many_requests(error):
        retry_after = _seconds_until_reset()
        return render_error("errors/429.html", 429, {"Retry-After": str(retry_after)})

    @app.errorhandler(500)
    def server_error(error):
        return render_error("errors/500.html", 500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        # The database is restarting or unreachable: say so, keep nothing half-done. The pool
        # pings connections before use, so the site recovers by itself when it is back.
        db.session().invalidate()
        app.logger.warning("database unavailable: %s", error.__class__.__name__)
        return render_error("errors/503.html", 503, {"Retry-After": "10"})

    @app.errorhandler(RedisError)
    def limiter_storage_unavailable(error):
        # Reached only with RATELIMIT_FAIL=closed: without its storage the limiter cannot decide.
        app.logger.error("rate-limit storage unavailable, refusing (RATELIMIT_FAIL=closed): %s", error)
        return render_error("errors/503.html", 503, {"Retry-After": "30"})


def _seconds_until_reset():
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))
