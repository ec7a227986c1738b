"""A ceiling per campaign for all signers together (SIGN_CEILING_PER_CAMPAIGN).

Per-client limits cannot stop many clients at once (a botnet, or every /64 of a large IPv6
block). Above this ceiling a signer is asked to press again in a moment (503 with Retry-After)
and nothing is written, so a flood costs the database nothing. Only signatures about to be
written count: a request refused by its client's own limit, a form with errors or a honeypot
bot uses up nothing, so one noisy client cannot close the petition for everyone else.
"""
import math
import time

from flask import current_app
from limits import parse_many
from redis.exceptions import RedisError

from ..extensions import limiter

SCOPE = "sign-ceiling"


def seconds_until_room(slug):
    """Count one signature against campaign `slug`'s ceiling: None if it fits, else the seconds
    to wait (for Retry-After) until the fullest window has room again."""
    # limiter.limiter is Redis, or this process's memory while Redis is down and RATELIMIT_FAIL=open.
    strategy = limiter.limiter
    waits = []
    try:
        for item in parse_many(current_app.config["SIGN_CEILING_PER_CAMPAIGN"]):
            if not strategy.hit(item, SCOPE, slug):
                reset_at = strategy.get_window_stats(item, SCOPE, slug).reset_time
                waits.append(max(1, math.ceil(reset_at - time.time())))
    except RedisError:
        if current_app.config["RATELIMIT_FAIL"] != "open":
            raise  # the 503 page (site.py)
        # Redis went away since this request's other limits were checked: sign, as they would.
        current_app.logger.warning("rate-limit storage unreachable: campaign ceiling not checked")
        return None
    return max(waits) if waits else None
