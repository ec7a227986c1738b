"""Extensions, created once and bound to the app in create_app()."""
import logging

from flask.logging import default_handler
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
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
# get_remote_address reads request.remote_addr, which ProxyFix sets from
# X-Forwarded-For only when PROXY_FIX says how many proxies to trust.
limiter = Limiter(key_func=get_remote_address)


def configure_limiter(app):
    """Bind the limiter; what happens when its storage is down follows RATELIMIT_FAIL."""
    if app.config["RATELIMIT_FAIL"] not in ("open", "closed"):
        raise ValueError("RATELIMIT_FAIL must be 'open' or 'closed'")
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
