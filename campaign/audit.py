"""The audit log: who did what, when, to which campaign.

It sits beside the models, below everything that acts (organiser pages, delivery, mail, the
command line), so any of them can write an entry without importing another's pages.
"""
import json

from .extensions import db
from .models import AuditEntry


def audit(action, user=None, campaign=None, **details):
    """Add an audit entry to the session's transaction (the caller commits)."""
    db.session.add(AuditEntry(user_id=user.id if user else None, action=action, campaign=campaign,
                              details=json.dumps(details, sort_keys=True, ensure_ascii=False)))
