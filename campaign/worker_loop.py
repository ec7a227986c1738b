"""The long-running workers' loop (`flask outbox send --loop`, `flask delivery work --loop`).

Each round does one piece of work and reports it; SIGTERM or Ctrl+C lets the piece in hand
finish (the work function is given `should_stop` to check between items), and a database
that is restarting only makes the worker wait for the next round, with a fresh connection.
"""
import logging
import signal
import threading

import click
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)


def run_until_stopped(name, interval, work, started, after_signal):
    """Call `work(should_stop)` every `interval` seconds until a signal; `work` returns a line to
    print, or None. `started` is printed first; `after_signal` says what a signal leaves undone."""
    stop = threading.Event()

    def request_stop(signum, _frame):
        log.info("%s: signal %s, %s", name, signum, after_signal)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo(f"{name}: {started}; stop with SIGTERM or Ctrl+C")
    while not stop.is_set():
        try:
            line = work(stop.is_set)
            if line:
                click.echo(line)
        except SQLAlchemyError as error:
            # The database is restarting: try again later, with a fresh connection.
            log.warning("%s: database unavailable (%s); retrying", name, error.__class__.__name__)
            db.session.rollback()
        finally:
            db.session.remove()
        stop.wait(interval)
    click.echo(f"{name}: stopped")
