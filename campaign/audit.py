"""The audit log: who did what, when, to which campaign.

It sits beside the models, below everything that acts (organiser pages, delivery, mail, the
command line), so any of them can write an entry without importing another's pages.
"""
import getpass
import json

from .extensions import db
from .models import AuditEntry


def audit(action, user=None, campaign=None, **details):
    """Add an audit entry to the session's transaction (the caller commits)."""
    db.session.add(AuditEntry(user_id=user.id if user else None, action=action, campaign=campaign,
                              details=json.dumps(details, sort_keys=True, ensure_ascii=False)))


def command_line_actor():
    """Who ran a `flask …` command: the operating-system user (there is no signed-in organiser)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no LOGNAME/USER and no passwd entry (some containers)
        return "unknown"


def audit_command(action, campaign=None, **details):
    """Audit a `flask …` command: no account acted, so the entry names the operating-system user.
    Every command that changes accounts, reads or sends signers' data calls this (the caller commits)."""
    audit(action, None, campaign, via="command line", actor=command_line_actor(), **details)
