"""Organisers write news for a campaign's signers (mail/news.py), see it in each language exactly as
it will be sent, see how many signers will get it in each language, and send it once.

Pages: the list (news/), a new update (news/new), an update with its previews, its readers and
the send button (news/<id>/), changing it until it is sent (news/<id>/edit), and the HTML email
of one language on its own (news/<id>/email.html?language=ko), framed by the update's page.
"""
from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField

from ..audit import audit
from ..extensions import db
from ..i18n import current_language, default_language, language_name, languages
from ..mail.news import (BODY_MAX, SUBJECT_MAX, NewsError, audience_kinds, audience_label, checked_audience,
                         checked_texts, count_news_readers, preview, save_news, send_news)
from ..models import (AUDIENCE_CAMPAIGN, AUDIENCE_COUNTRY, AUDIENCE_DISTRICT, AUDIENCE_STATE, CampaignUpdate,
                      User)
from ..petitions.forms import ButtonForm, place_choices
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser

AUDIENCE_CHOICES = {
    # Translators: Organisers' page that writes a news update: who gets it. The first choice: every signer who asked for news.
    AUDIENCE_CAMPAIGN: lazy_pgettext("news audience", "Everyone who signed"),
    # Translators: Organisers' page that writes a news update (letter to Congress): only the signers of one U.S. state.
    AUDIENCE_STATE: lazy_pgettext("news audience", "The signers of one state"),
    # Translators: Organisers' page that writes a news update (letter to Congress): only the signers of one congressional district.
    AUDIENCE_DISTRICT: lazy_pgettext("news audience", "The signers of one congressional district"),
    # Translators: Organisers' page that writes a news update: only the signers of one country.
    AUDIENCE_COUNTRY: lazy_pgettext("news audience", "The signers of one country"),
}


class MarkedRequired:
    """Marks a field required (its label has no "(optional)"); mail/news.checked_texts checks it,
    with the other mistakes of the form at once."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


def sends_news(definition):
    return definition.updates_consent is not None


def news_form(definition, news=None, submitted=False):
    """The form: the audience, and a subject and a text per site language (English first, required)."""
    tag = current_language()
    fields = {
        # Translators: Organisers' page that writes a news update: the question above the choices of who gets it.
        "audience": RadioField(lazy_pgettext("form field", "Who gets it"), validate_choice=False, choices=[
            SelectChoice(kind, AUDIENCE_CHOICES[kind]) for kind in audience_kinds(definition)]),
    }
    if AUDIENCE_STATE in audience_kinds(definition):
        fields["state"] = SelectField(lazy_pgettext("U.S. state", "State"), choices=place_choices("state", tag),
                                      validate_choice=False)
        fields["district"] = StringField(
            # Translators: Organisers' page that writes a news update: the congressional district whose signers get it.
            lazy_pgettext("form field", "Congressional district"),
            # Translators: Hint under the district field of the organisers' news page.
            description=_l("For example CA-40, or AK-AL for an at-large seat."), render_kw={"maxlength": 10})
    if AUDIENCE_COUNTRY in audience_kinds(definition):
        fields["country"] = SelectField(lazy_pgettext("form field", "Country"), choices=place_choices("country", tag),
                                        validate_choice=False)
    for index, language in enumerate(languages()):
        name = language_name(language)
        # Translators: Organisers' page that writes a news update: the email's subject line in one language. %(language)s is the language's name.
        required = [MarkedRequired()] if index == 0 else []
        fields[f"subject_{index}"] = StringField(_l("Subject in %(language)s", language=name), validators=required,
                                                 render_kw={"maxlength": SUBJECT_MAX, "lang": language})
        fields[f"body_{index}"] = TextAreaField(
            # Translators: Organisers' page that writes a news update: the email's text in one language. %(language)s is the language's name.
            _l("Text in %(language)s", language=name),
            # Translators: Hint under the text of a news update in the English box (required) and in the other languages' boxes.
            description=(_l("Required. Plain text: a blank line starts a new paragraph.") if index == 0 else
                         # Translators: Hint under the text of a news update in a language other than English (optional).
                         _l("Leave it empty to send the English text, with a line saying it is only available in "
                            "English.")),
            validators=required, render_kw={"rows": 10, "maxlength": BODY_MAX, "lang": language})
    form_class = type("NewsForm", (FlaskForm,), fields)
    if submitted:
        return form_class()
    if news is None:
        return form_class(formdata=None, audience=AUDIENCE_CAMPAIGN)
    texts = {text.language: text for text in news.texts}
    values = {"audience": news.audience}
    if news.audience in (AUDIENCE_STATE, AUDIENCE_DISTRICT, AUDIENCE_COUNTRY):
        values[news.audience] = news.audience_value
    for index, language in enumerate(languages()):
        if language in texts:
            values[f"subject_{index}"] = texts[language].subject
            values[f"body_{index}"] = texts[language].body
    return form_class(formdata=None, **values)


def text_fields(form):
    return [(form[f"subject_{index}"], form[f"body_{index}"]) for index, _tag in enumerate(languages())]


def read_form(definition, form):
    """(audience, texts) from a sent form, or None with the mistakes put on their fields."""
    kind = form.audience.data
    place = form[kind].data if kind in (AUDIENCE_STATE, AUDIENCE_DISTRICT, AUDIENCE_COUNTRY) and kind in form else ""
    audience = texts = None
    try:
        audience = checked_audience(definition, kind, place)
    except NewsError as error:
        target = form[kind] if kind in (AUDIENCE_STATE, AUDIENCE_DISTRICT, AUDIENCE_COUNTRY) and kind in form \
            else form.audience
        target.errors = [*target.errors, error.message]
    try:
        texts = checked_texts({tag: (subject.data, body.data)
                               for tag, (subject, body) in zip(languages(), text_fields(form))})
    except NewsError as error:
        subject = text_fields(form)[languages().index(error.language or default_language())][0]
        subject.errors = [*subject.errors, error.message]
    if audience is None or texts is None:
        return None
    return audience, texts


def _news_of(definition, update_id):
    news = db.session.get(CampaignUpdate, update_id)
    if news is None or news.campaign != definition.slug:
        abort(404)
    return news


def _render_form(definition, form, news=None, status=200):
    place_fields = [form[name] for name in ("state", "district", "country") if name in form]
    language_fields = text_fields(form)
    fields = [form.audience, *place_fields, *(field for pair in language_fields for field in pair)]
    return render_template("organisers/news_form.html", petition=definition, form=form, news=news, fields=fields,
                           place_fields=place_fields, language_fields=language_fields,
                           logout_form=ButtonForm()), status


@organisers.get("/<campaign>/news/")
@login_required
def news_list(campaign):
    definition = campaign_for_organiser(campaign, sends_news)
    updates = db.session.execute(select(CampaignUpdate).where(CampaignUpdate.campaign == definition.slug)
                                 .order_by(CampaignUpdate.id.desc())).scalars().all()
    authors = _users({news.created_by for news in updates} | {news.sent_by for news in updates})
    return render_template("organisers/news_list.html", petition=definition, updates=updates, authors=authors,
                           audience_label=audience_label, default_language=default_language(),
                           logout_form=ButtonForm())


def _users(ids):
    ids = {user_id for user_id in ids if user_id}
    if not ids:
        return {}
    return {user.id: user for user in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}


@organisers.get("/<campaign>/news/new")
@login_required
def news_new(campaign):
    definition = campaign_for_organiser(campaign, sends_news)
    return _render_form(definition, news_form(definition))


@organisers.post("/<campaign>/news/new")
@login_required
def news_create(campaign):
    definition = campaign_for_organiser(campaign, sends_news)
    form = news_form(definition, submitted=True)
    read = read_form(definition, form) if form.validate_on_submit() else None
    if read is None:
        return _render_form(definition, form, status=400)
    news, _changed = save_news(definition, None, *read, user=g.organiser)
    audit("news_create", g.organiser, definition.slug, update=news.id, audience=news.audience,
          place=news.audience_value, languages=sorted(read[1]))
    db.session.commit()
    return _to_news_page(definition, news)


def _to_news_page(definition, news):
    """After an action on an update (or a refused one): back to its page, which says where it stands."""
    return redirect(url_for("organisers.news_show", campaign=definition.slug, update_id=news.id), code=303)


@organisers.get("/<campaign>/news/<int:update_id>/edit")
@login_required
def news_edit(campaign, update_id):
    definition = campaign_for_organiser(campaign, sends_news)
    news = _news_of(definition, update_id)
    if news.sent_at is not None:
        return _to_news_page(definition, news)
    return _render_form(definition, news_form(definition, news), news)


@organisers.post("/<campaign>/news/<int:update_id>/edit")
@login_required
def news_save(campaign, update_id):
    definition = campaign_for_organiser(campaign, sends_news)
    news = _news_of(definition, update_id)
    if news.sent_at is not None:  # sent from another page meanwhile: its page says so
        return _to_news_page(definition, news)
    form = news_form(definition, submitted=True)
    read = read_form(definition, form) if form.validate_on_submit() else None
    if read is None:
        return _render_form(definition, form, news, status=400)
    before = (news.audience, news.audience_value)
    news, changed = save_news(definition, news, *read, user=g.organiser)
    if changed or before != read[0]:
        audit("news_edit", g.organiser, definition.slug, update=news.id, audience=news.audience,
              place=news.audience_value, languages=changed)
    db.session.commit()
    return _to_news_page(definition, news)


@organisers.get("/<campaign>/news/<int:update_id>/")
@login_required
def news_show(campaign, update_id):
    definition = campaign_for_organiser(campaign, sends_news)
    news = _news_of(definition, update_id)
    own = {text.language for text in news.texts}
    previews = [(tag, tag in own, preview(definition, news, tag)) for tag in languages()]
    readers = count_news_readers(definition, news) if news.sent_at is None else None
    return render_template("organisers/news_show.html", petition=definition, news=news, previews=previews,
                           readers=readers, own=own, label=audience_label(news, current_language()),
                           authors=_users({news.created_by, news.sent_by}), send_form=ButtonForm(formdata=None),
                           max_per_week=current_app.config["UPDATES_MAX_PER_WEEK"], default_language=default_language(),
                           logout_form=ButtonForm())


@organisers.get("/<campaign>/news/<int:update_id>/email.html")
@login_required
def news_email_html(campaign, update_id):
    """The HTML email of one language, alone: the update's page frames it (sandboxed, no script)."""
    definition = campaign_for_organiser(campaign, sends_news)
    news = _news_of(definition, update_id)
    tag = request.args.get("language", default_language())
    if tag not in languages():
        abort(404)
    response = make_response(preview(definition, news, tag)["body_html"])
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    # Only the update's own page may frame it; its inline styles are those of the email.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                   "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; "
                                                   "sandbox")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.allow_framing = True
    return response


@organisers.post("/<campaign>/news/<int:update_id>/send")
@login_required
def news_send(campaign, update_id):
    definition = campaign_for_organiser(campaign, sends_news)
    if not ButtonForm().validate_on_submit():
        abort(400)
    news = _news_of(definition, update_id)
    report = send_news(definition, news, g.organiser)
    if report is not None:  # a second press (or a second organiser) sends nothing and audits nothing
        audit("news_send", g.organiser, definition.slug, update=news.id, audience=news.audience,
              place=news.audience_value, queued=report.queued, capped=report.capped,
              languages=dict(sorted(report.by_language.items())))
    db.session.commit()
    return _to_news_page(definition, news)
