"""The organisers' dashboard: the campaigns one may see, and each campaign's figures and settings."""
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from babel.dates import format_skeleton
from flask import abort, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import Date, cast, func, select
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from ..audit import audit
from ..campaigns import definitions
from ..extensions import db
from ..i18n import current_language, current_locale, language_name
from ..models import (ORGANISATION_APPROVED, ORGANISATION_PENDING, SIGNATURE_PENDING, SIGNATURES_IN_COUNT,
                      CampaignSettings, Organisation, utcnow)
from ..petitions.counting import campaign_state
from ..petitions.forms import ButtonForm
from ..petitions.page_cache import forget_sign_pages
from ..petitions.tally import Tally, tally
from ..petitions.validation import LocalizedDateField
from ..places import country_name, us_states
from . import organisers
from .auth import login_required, visible_campaigns

CHART_DAYS = 30
AXIS_EVERY = 7  # a date under every seventh bar, counted back from today's


class OpenCloseForm(FlaskForm):
    action = HiddenField()  # open or close


class SettingsForm(FlaskForm):
    # Translators: Field on the organisers' dashboard: the number of signatures a petition aims for.
    goal = IntegerField(lazy_pgettext("form field", "Goal (signatures)"),
                        # Translators: Error on the organisers' dashboard when the goal is empty, zero or not a number.
                        validators=[InputRequired(_l("Please enter a goal of at least one signature.")),
                                    NumberRange(min=1, max=100_000_000,
                                                message=_l("Please enter a goal of at least one signature."))])
    # Translators: Field on the organisers' dashboard: the petition's deadline (a date).
    deadline = LocalizedDateField(lazy_pgettext("form field", "Last day to sign"), validators=[Optional()])


def campaign_for_organiser(slug, applies=None):
    """The campaign's definition if the signed-in organiser may manage it; else 404 or 403.
    `applies(definition)` false (a page about people's signatures on a letter organisations
    sign, say): 404, as for a page that does not exist."""
    by_slug = {definition.slug: definition for definition in definitions()}
    if slug not in by_slug:
        abort(404)
    if slug not in visible_campaigns(g.organiser):
        abort(403)
    if applies is not None and not applies(by_slug[slug]):
        abort(404)
    return by_slug[slug]


def signed_by_people(definition):
    return definition.signers == "people"


def signed_by_organisations(definition):
    return definition.signers == "organisations"


@dataclass
class Bar:
    day: date
    count: int
    x: int
    y: int
    height: int
    axis_label: str | None = None  # the day as the page's language writes it short ("Mar 5", "3월 5일")


def _day_column(model):
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone("UTC", model.created_at), Date)
    return func.date(model.created_at)


def _organisation_tally(slug, status):
    """Organisations in the shape of a signature tally: a coalition has hundreds, not millions,
    so they are counted as the page asks."""
    values = {}
    for dimension, column in (("day", _day_column(Organisation)), ("country", Organisation.country),
                              ("locale", Organisation.locale)):
        rows = db.session.execute(select(column, func.count()).where(
            Organisation.campaign == slug, Organisation.status == status).group_by(column)).all()
        values[dimension] = {str(value)[:10] if dimension == "day" else value: number for value, number in rows}
    return Tally(values)


def counted_tally(definition, days_from=None):
    """What the campaign counts (signatures in the count, or approved organisations) by dimension."""
    if definition.signers == "organisations":
        return _organisation_tally(definition.slug, ORGANISATION_APPROVED)
    return tally(definition.slug, SIGNATURES_IN_COUNT, days_from=days_from)


def pending_count(definition):
    """Signatures waiting for their address to be confirmed, or organisations for approval."""
    if definition.signers == "organisations":
        return db.session.execute(select(func.count()).select_from(Organisation).where(
            Organisation.campaign == definition.slug, Organisation.status == ORGANISATION_PENDING)).scalar_one()
    return tally(definition.slug, (SIGNATURE_PENDING,), dimensions=()).total


def signatures_by_day(counted, today=None):
    """The last CHART_DAYS days as (date, count), today last."""
    today = today or datetime.now(timezone.utc).date()
    first = today - timedelta(days=CHART_DAYS - 1)
    by_day = counted.of("day")
    return [(day, by_day.get(day.isoformat(), 0)) for day in (first + timedelta(days=n) for n in range(CHART_DAYS))]


def chart_bars(days, height=120, width=20, gap=4):
    top = max([count for _day, count in days] + [1])
    locale = current_locale()
    bars = []
    for index, (day, count) in enumerate(days):
        bar_height = round(count * height / top)
        labelled = (len(days) - 1 - index) % AXIS_EVERY == 0
        bars.append(Bar(day=day, count=count, x=index * (width + gap), y=height - bar_height, height=bar_height,
                        axis_label=format_skeleton("MMMd", day, locale=locale) if labelled else None))
    return bars


def figures(definition):
    lang = current_language()
    states = us_states()
    today = datetime.now(timezone.utc).date()
    counted = counted_tally(definition, days_from=today - timedelta(days=CHART_DAYS - 1))
    days = signatures_by_day(counted, today)
    congress = definition.slug == "congress"
    return {
        "pending": pending_count(definition),
        "name_withheld": counted.of("withheld").get("yes", 0),
        "days": days,
        "bars": chart_bars(days),
        "by_locale": [(language_name(tag) if tag else None, number) for tag, number in counted.ranked("locale")],
        "by_country": [(country_name(code, lang) if code else None, number)
                       for code, number in counted.ranked("country")],
        "by_state": [(states[code].name(lang) if code in states else code, number)
                     for code, number in counted.ranked("region")] if congress else [],
        "by_district": counted.ranked("district") if congress else [],
    }


@organisers.get("/")
@login_required
def home():
    by_slug = {definition.slug: definition for definition in definitions()}
    states = [campaign_state(by_slug[slug]) for slug in visible_campaigns(g.organiser)]
    return render_template("organisers/home.html", states=states, logout_form=ButtonForm())


def _settings_form(state):
    return SettingsForm(formdata=None, goal=state.goal, deadline=state.deadline)


def _render_dashboard(definition, settings_form=None, status=200):
    state = campaign_state(definition)
    days_left = None
    if state.deadline is not None and not state.closed:
        days_left = max(0, (state.deadline - datetime.now(timezone.utc).date()).days)
    return render_template("organisers/dashboard.html", petition=definition, state=state, days_left=days_left,
                           figures=figures(definition), open_close_form=OpenCloseForm(formdata=None),
                           settings_form=settings_form or _settings_form(state), logout_form=ButtonForm()), status


@organisers.get("/<campaign>/")
@login_required
def dashboard(campaign):
    return _render_dashboard(campaign_for_organiser(campaign))


def _settings_row(slug):
    settings = db.session.get(CampaignSettings, slug)
    if settings is None:
        settings = CampaignSettings(campaign=slug)
        db.session.add(settings)
    return settings


@organisers.get("/<campaign>/state")
@login_required
def confirm_state(campaign):
    """Before closing (or opening again): what signers will see, with the button and Cancel.
    A campaign past its last day says that only a later last day opens it."""
    definition = campaign_for_organiser(campaign)
    state = campaign_state(definition)
    return render_template("organisers/confirm_state.html", petition=definition, state=state,
                           closed_state=replace(state, closed=True, deadline_passed=False),
                           pending=pending_count(definition),
                           open_close_form=OpenCloseForm(formdata=None), logout_form=ButtonForm())


@organisers.post("/<campaign>/state")
@login_required
def open_close(campaign):
    definition = campaign_for_organiser(campaign)
    form = OpenCloseForm()
    if not form.validate_on_submit() or form.action.data not in ("open", "close"):
        abort(400)
    settings = _settings_row(definition.slug)
    closing = form.action.data == "close"
    settings.closed = closing
    settings.closed_at = utcnow() if closing else None
    audit("campaign_close" if closing else "campaign_open", g.organiser, definition.slug)
    db.session.commit()
    forget_sign_pages(definition.slug)  # signers see it at once (other processes within SIGN_PAGE_CACHE_SECONDS)
    return redirect(url_for("organisers.dashboard", campaign=definition.slug), code=303)


@organisers.post("/<campaign>/settings")
@login_required
def change_settings(campaign):
    definition = campaign_for_organiser(campaign)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _render_dashboard(definition, settings_form=form, status=400)
    before = campaign_state(definition, with_count=False)
    settings = _settings_row(definition.slug)
    if form.goal.data != before.goal:
        settings.goal = form.goal.data
        audit("campaign_goal", g.organiser, definition.slug, before=before.goal, after=form.goal.data)
    # An empty date keeps the current deadline.
    if form.deadline.data is not None and form.deadline.data != before.deadline:
        settings.deadline = form.deadline.data
        audit("campaign_deadline", g.organiser, definition.slug,
              before=before.deadline.isoformat() if before.deadline else None,
              after=form.deadline.data.isoformat())
    db.session.commit()
    return redirect(url_for("organisers.dashboard", campaign=definition.slug), code=303)
