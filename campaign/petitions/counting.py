"""Counts and campaign state. A count is a sum of a few counter rows, never COUNT(*) on signatures."""
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import COUNTER_SHARDS, CampaignSettings, SignatureCounter
from .definition import CampaignState
from .upsert import insert_for_dialect


def signature_count(slug):
    total = db.session.execute(
        select(func.coalesce(func.sum(SignatureCounter.count), 0)).where(SignatureCounter.campaign == slug)
    ).scalar_one()
    return int(total)


def increment_count(slug, by=1):
    """Add `by` (1, or -1 when an organiser hides a signature) to a random shard, creating it on
    first use. A shard may go below zero; only the sum is a count. Runs in the caller's transaction."""
    insert = insert_for_dialect(SignatureCounter)
    statement = insert.values(campaign=slug, shard=random.randrange(COUNTER_SHARDS), count=by)
    statement = statement.on_conflict_do_update(
        index_elements=["campaign", "shard"], set_={"count": SignatureCounter.count + by}
    )
    db.session.execute(statement)


def deadline_passed(deadline, tz_name, now=None):
    """The deadline day is open until midnight at its end, in the campaign's own time zone."""
    if deadline is None:
        return False
    closes_at = datetime.combine(deadline + timedelta(days=1), datetime.min.time(), ZoneInfo(tz_name))
    return (now or datetime.now(timezone.utc)) >= closes_at


class CampaignClosed(Exception):
    """Raised by a record function: the campaign took no signature because it is closed."""


def campaign_state(definition, now=None, with_count=True):
    """Goal, deadline and open/closed from the definition and organisers' settings; the count
    is read only when the page shows it (`with_count`), since signing does not need it."""
    settings = db.session.get(CampaignSettings, definition.slug)
    goal = settings.goal if settings and settings.goal is not None else definition.goal
    deadline = settings.deadline if settings and settings.deadline else definition.deadline(current_app.config)
    past_deadline = deadline_passed(deadline, definition.deadline_timezone, now)
    closed = bool(settings and settings.closed) or past_deadline
    count = signature_count(definition.slug) + len(definition.founding_signatories) if with_count else None
    return CampaignState(definition=definition, count=count, goal=goal, deadline=deadline, closed=closed,
                         deadline_passed=past_deadline,
                         historical=bool(settings and settings.historical),
                         editor_notes=dict(settings.editor_notes or {}) if settings else {})
