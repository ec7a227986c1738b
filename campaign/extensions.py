"""Extensions, created once and bound to the app in create_app()."""
import ipaddress
import logging

from flask import current_app, request
from flask.logging import default_handler
from flask_babel import Babel
from flask_limiter import Limiter
from limits import parse_many
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()


def client_network():
    """Who a client is for rate limits: its IPv4 address, or its IPv6 network (RATELIMIT_IPV6_PREFIX).

    One IPv6 home or phone is given a whole /64 (2^64 addresses): counting addresses would give
    it as many signatures as it likes. request.remote_addr is the socket's address, or the one
    ProxyFix took from X-Forwarded-For when PROXY_FIX says how many proxies to trust.
    """
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # no zone index (fe80::1%eth0)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped:  # ::ffff:198.51.100.7 is the IPv4 client 198.51.100.7
            return str(ip.ipv4_mapped)
        prefix = current_app.config["RATELIMIT_IPV6_PREFIX"]
        network = ipaddress.IPv6Network((int(ip) >> (128 - prefix) << (128 - prefix), prefix))
        return str(network)
    return str(ip)


READS = ("GET", "HEAD")


class ReadSkippingLimiter(Limiter):
    """Flask-Limiter that leaves a GET before looking anything up.

    Every limited view takes a POST (signing, resending, signing in; tests/test_rate_limits.py
    checks that none answers a GET), and reading_is_never_limited below exempts GETs. But
    Flask-Limiter consults that filter only after it has found the view and named it: 30 µs of
    the 230 the sign page then took in process (bench/README.md). Its hook before every request
    now returns first for a read; the filter stays for its other callers (the decorators). A
    read therefore skips default and application limits too: the app configures none
    (test_no_rate_limited_view_answers_a_get checks)."""

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and request.method in READS:
            return None
        return super()._check_request_limit(callable_name, in_middleware)


limiter = ReadSkippingLimiter(key_func=client_network)

# Limits read from the configuration; a typo stops start-up instead of every signature.
LIMIT_SETTINGS = ("SIGN_RATE_LIMIT", "SIGN_RATE_LIMIT_ALL_CAMPAIGNS", "SIGN_CEILING_PER_CAMPAIGN",
                  "LOGIN_RATE_LIMIT", "LOGIN_LOCKOUT", "LOGIN_ACCOUNT_FAILURES", "LOGIN_SLOWED_ATTEMPTS",
                  "CONFIRM_RESEND_RATE_LIMIT")


def check_limit_settings(config):
    prefix = config["RATELIMIT_IPV6_PREFIX"]
    if not isinstance(prefix, int) or not 1 <= prefix <= 128:
        raise ValueError(f"RATELIMIT_IPV6_PREFIX must be a prefix length from 1 to 128 (64 is usual), not {prefix!r}")
    for name in LIMIT_SETTINGS:
        value = config.get(name)
        try:
            if value is not None:
                parse_many(value)
        except (ValueError, TypeError):
            raise ValueError(f"{name}: {value!r} is not a rate limit such as '10 per minute;100 per day'") from None


def configure_limiter(app):
    """Bind the limiter; what happens when its storage is down follows RATELIMIT_FAIL."""
    if app.config["RATELIMIT_FAIL"] not in ("open", "closed"):
        raise ValueError("RATELIMIT_FAIL must be 'open' or 'closed'")
    check_limit_settings(app.config)
    # Open: Flask-Limiter logs "storage unreachable", keeps counting in this process's memory
    # (so each process still limits on its own) and returns to Redis when it answers again.
    # Closed: the storage error reaches site.py's handler, which answers with the 503 page.
    app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = app.config["RATELIMIT_FAIL"] == "open"
    # Flask-Limiter's own warnings ("storage unreachable") go where the app's log goes.
    limiter_log = logging.getLogger("flask-limiter")
    if default_handler not in limiter_log.handlers:
        limiter_log.addHandler(default_handler)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
                          if app.config["RATELIMIT_STORAGE_URI"].startswith("redis") else {})
    limiter.init_app(app)


@limiter.request_filter
def reading_is_never_limited():
    """Every limited view takes a POST (signing, resending, signing in; tests/test_rate_limits.py
    checks that none answers a GET), so a GET is never limited. Flask-Limiter asks this filter
    when a view's decorators check their limits; its hook before every request leaves a read
    even earlier (ReadSkippingLimiter above)."""
    return request.method in READS
