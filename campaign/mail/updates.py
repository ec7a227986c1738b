"""Who may receive news, unsubscribing, and queueing a news email to every consenting signer.

The answer a signer gave (xi: "How may we use your email address?", unhcr and congress: the
updates box) is stored as a Consent row; an unsubscribe adds a later row with the choice
"withdrawn". The newest row for the campaign's purpose decides.

News (a template, `flask mail update CAMPAIGN TEMPLATE`, or an organiser's update, mail/news.py)
goes to counted signers with a confirmed address whose newest answer accepts it, at most
UPDATES_MAX_PER_WEEK news emails per signer of a campaign in any 7 days. One query a batch of
signers answers all of it (consent and the weekly count are subqueries), and each language is
rendered once (messages.news_email), so 100,000 signers take seconds, not hours.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import format_decimal
from jinja2 import TemplateNotFound
from sqlalchemy import case, delete, func, or_, select, text
from sqlalchemy.orm import aliased

from .. import i18n
from ..extensions import db
from ..models import SIGNATURE_COUNTED, Consent, OutboxMessage, Signature, utcnow
from ..petitions.counting import signature_count
from .compose import in_language
from .links import unsubscribe_serializer
from .messages import news_email
from .outbox import DEAD, PENDING, enqueue_many

WITHDRAWN = "withdrawn"
# Stored as the wording version of a withdrawal: the signer pressed the unsubscribe button or
# their mail program's one-click unsubscribe.
UNSUBSCRIBE_WORDING = "unsubscribe-link"
AUDIENCES = ("petition", "coalition")
BATCH = 2000
# Outbox kinds that are news, for the weekly limit: templates (update:<name>) and written updates (news:<id>).
NEWS_KINDS = ("update:", "news:")
WEEK = timedelta(days=7)
# pg_advisory_xact_lock key that serialises news sends (any number no other lock uses).
NEWS_SEND_LOCK = 0x6E657773  # "news"


def latest_choices(signature_ids, purpose):
    """{signature id: newest choice} for one consent purpose."""
    rows = db.session.execute(
        select(Consent.signature_id, Consent.choice)
        .where(Consent.signature_id.in_(signature_ids), Consent.purpose == purpose)
        .order_by(Consent.given_at, Consent.id)
    ).all()
    return {signature_id: choice for signature_id, choice in rows}


def wants_news(definition, signature_id, audience="petition"):
    rule = definition.updates_consent
    if rule is None:
        return False
    return rule.accepts(latest_choices([signature_id], rule.purpose).get(signature_id), audience)


def withdraw(definition, signature, tag):
    """Record that this signer wants no more news, and drop news not yet sent. Idempotent."""
    rule = definition.updates_consent
    if rule is None or signature.email is None:
        return False
    if latest_choices([signature.id], rule.purpose).get(signature.id) == WITHDRAWN:
        return False
    db.session.add(Consent(signature_id=signature.id, purpose=rule.purpose, choice=WITHDRAWN,
                           wording_version=UNSUBSCRIBE_WORDING, locale=tag, given_at=utcnow()))
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.signature_id == signature.id, OutboxMessage.status == PENDING,
                                    OutboxMessage.kind != "confirm")
    )
    return True


def template_exists(template):
    loader = current_app.jinja_env
    try:
        loader.get_template(f"email/updates/{template}.txt")
        loader.get_template(f"email/updates/{template}.html")
    except TemplateNotFound:
        return False
    return True


@dataclass
class NewsReport:
    """What queueing one piece of news did."""

    queued: int = 0  # emails added to the outbox
    repeated: int = 0  # signers who already had this very email queued (a second run)
    capped: int = 0  # signers left out: UPDATES_MAX_PER_WEEK other news emails in the last 7 days
    by_language: Counter = field(default_factory=Counter)  # emails queued, by language tag


def _newest_choice(purpose):
    """The signature's newest answer for `purpose` (latest_choices' rule, as a subquery)."""
    newest = aliased(Consent)
    return (select(newest.choice).where(newest.signature_id == Signature.id, newest.purpose == purpose)
            .order_by(newest.given_at.desc(), newest.id.desc()).limit(1)
            .correlate(Signature).scalar_subquery())


def _recent_news(kind):
    """How many other news emails the signature got in the last 7 days (a dead one never arrived;
    `kind` itself is left out, so running the same news again counts as a repeat, not a cap)."""
    return (select(func.count(OutboxMessage.id))
            .where(OutboxMessage.signature_id == Signature.id,
                   or_(*(OutboxMessage.kind.startswith(prefix) for prefix in NEWS_KINDS)),
                   OutboxMessage.kind != kind, OutboxMessage.status != DEAD,
                   OutboxMessage.created_at >= utcnow() - WEEK)
            .correlate(Signature).scalar_subquery())


def news_readers(definition, kind, where=(), audience="petition"):
    """Select of the signers who may get news `kind`: (id, campaign, locale, email, reference,
    recent: their other news this week). `where`: more conditions on Signature (a place)."""
    rule = definition.updates_consent
    accepted = rule.coalition if audience == "coalition" else rule.petition
    return (select(Signature.id, Signature.campaign, Signature.locale, Signature.email, Signature.reference,
                   _recent_news(kind).label("recent"))
            .where(Signature.campaign == definition.slug, Signature.status == SIGNATURE_COUNTED,
                   Signature.email.is_not(None), Signature.confirmed_at.is_not(None),
                   _newest_choice(rule.purpose).in_(sorted(accepted)), *where))


def email_language(tag):
    """The language a signer gets email in: the one they signed in, if the site still has it."""
    return tag if tag in i18n.languages() else i18n.default_language()


@dataclass
class Readers:
    """Who would get a piece of news now, before it is sent."""

    by_language: Counter  # signers, by the language they get it in
    capped: int  # signers left out by the weekly limit

    @property
    def total(self):
        return sum(self.by_language.values())


def count_readers(definition, kind, where=(), audience="petition"):
    """Readers of news `kind` by language, and those the weekly limit leaves out: one query."""
    readers = news_readers(definition, kind, where, audience).subquery()
    over = case((readers.c.recent >= current_app.config["UPDATES_MAX_PER_WEEK"], 1), else_=0).label("over")
    rows = db.session.execute(select(readers.c.locale, over, func.count()).group_by(readers.c.locale, over)).all()
    by_language, capped = Counter(), 0
    for locale, is_over, number in rows:
        if is_over:
            capped += number
        else:
            by_language[email_language(locale)] += number
    return Readers(by_language, capped)


def queue_to_readers(definition, kind, render, where=(), audience="petition"):
    """Queue news `kind` to its readers in the current transaction (the caller commits), one
    email per signer (dedupe key `<kind>:<signature id>`). `render(tag)` makes the NewsEmail of
    a language; it is called once per language. Returns a NewsReport."""
    cap = current_app.config["UPDATES_MAX_PER_WEEK"]
    if db.session.get_bind().dialect.name == "postgresql":
        # One news send at a time, until commit: two organisers sending two updates at once
        # would each count the week's news before the other's rows exist, and a signer could
        # get both. The second waits, then counts the first's. (SQLite has one writer anyway.)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": NEWS_SEND_LOCK})
        # A batch is thousands of short index look-ups (consent, outbox): compiling it with JIT
        # costs more than it saves (66,667 emails: 19 s with JIT, 14 s without). Until commit.
        db.session.execute(text("SET LOCAL jit = off"))
    query = news_readers(definition, kind, where, audience)
    report, emails, last_id, tokens = NewsReport(), {}, 0, unsubscribe_serializer()
    while True:
        batch = db.session.execute(query.where(Signature.id > last_id).order_by(Signature.id).limit(BATCH)).all()
        if not batch:
            break
        last_id = batch[-1].id
        messages = []
        for reader in batch:
            if reader.recent >= cap:
                report.capped += 1
                continue
            tag = email_language(reader.locale)
            if tag not in emails:
                emails[tag] = render(tag)
            messages.append({**emails[tag].outbox_values(reader, tokens), "kind": kind,
                             "dedupe_key": f"{kind}:{reader.id}"})
        added = enqueue_many(messages)
        report.by_language.update(message["locale"] for message in added)
        report.queued += len(added)
        report.repeated += len(messages) - len(added)
    return report


def queue_news(definition, template, audience="petition"):
    """Queue `email/updates/<template>` to every counted signer whose newest answer accepts
    news for `audience` and whose email address is confirmed (an unconfirmed address may be
    anyone's, typed by a stranger), within the weekly limit. Returns a NewsReport; the caller commits.

    Running it again queues nothing twice (one message per template and signer).
    """
    if definition.updates_consent is None:
        return NewsReport()
    count = signature_count(definition.slug)

    def render(tag):
        with in_language(tag):  # the number written the reader's way
            return news_email(f"updates/{template}", definition, tag, count=count, num=format_decimal(count))

    return queue_to_readers(definition, f"update:{template}", render, audience=audience)
