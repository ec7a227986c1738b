"""Which countries a campaign's country list shows first: those most of its signers come from.

A campaign may name them (`CampaignDefinition.first_countries`); by default they are the
COUNTRY_LIST_TOP countries with the most counted signatures, each with at least
COUNTRY_LIST_MIN_SIGNERS of them, so that the list never tells a stranger that one person
from a small place signed. The answer is kept per process for COUNTRY_LIST_CACHE_SECONDS: the
sign page never runs the query on a visitor's request but once in that time.
"""
import time

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import SIGNATURES_IN_COUNT, Signature


def first_countries(definition):
    """ISO codes of the countries to list first for `definition`, most signers first."""
    if definition.first_countries is not None:
        return tuple(definition.first_countries)
    config = current_app.config
    cache = current_app.extensions.setdefault("first_countries", {})
    now = time.monotonic()
    entry = cache.get(definition.slug)
    if entry is None or entry[0] <= now:
        entry = (now + config["COUNTRY_LIST_CACHE_SECONDS"], _most_signers(definition.slug, config))
        cache[definition.slug] = entry
    return entry[1]


def _most_signers(slug, config):
    number = func.count()
    rows = db.session.execute(
        select(Signature.country, number)
        .where(Signature.campaign == slug, Signature.status.in_(SIGNATURES_IN_COUNT), Signature.country.is_not(None))
        .group_by(Signature.country)
        .having(number >= config["COUNTRY_LIST_MIN_SIGNERS"])
        .order_by(number.desc(), Signature.country)
        .limit(config["COUNTRY_LIST_TOP"])).all()
    return tuple(code for code, _count in rows)
