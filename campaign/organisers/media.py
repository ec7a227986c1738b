"""Organisers add and remove a campaign's videos and documents (shown by petitions/media.py)."""
import json

from flask import abort, g, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import StopValidation

from ..audit import audit
from ..extensions import db
from ..i18n import language_name, languages
from ..models import CampaignMedia
from ..petitions.forms import ButtonForm
from ..petitions.media import media_for, parse_video
from ..petitions.page_cache import forget_sign_pages
from ..petitions.validation import OneOf, PlainText, Required, WebAddress, strip_text
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser

KINDS = [
    # Translators: Kind of campaign media an organiser adds: a video on YouTube or Vimeo.
    SelectChoice("video", lazy_pgettext("media kind", "Video (YouTube or Vimeo)")),
    # Translators: Kind of campaign media an organiser adds: a document such as a PDF.
    SelectChoice("document", lazy_pgettext("media kind", "Document (a link, such as a PDF)")),
]


class MediaFormBase(FlaskForm):
    # Translators: Field on the organisers' videos and documents page: a video or a document (the two choices).
    kind = RadioField(lazy_pgettext("form field", "Kind"), choices=KINDS, validate_choice=False,
                      # Translators: Error on the organisers' videos and documents page when no kind was chosen.
                      validators=[Required(_l("Please choose video or document.")),
                                  OneOf(_l("Please choose video or document."))])
    # Translators: Field on the organisers' videos and documents page: the web address of the video or document.
    url = StringField(lazy_pgettext("form field", "Address (URL)"), filters=[strip_text],
                      # Translators: Error on the organisers' videos and documents page when the address is empty.
                      validators=[Required(_l("Please enter the address.")), PlainText(500), WebAddress()],
                      render_kw={"inputmode": "url", "maxlength": 500})
    alternative_url = StringField(
        # Translators: Field on the organisers' videos and documents page: a second address for the same video.
        lazy_pgettext("form field", "Another place to get it (optional)"), filters=[strip_text],
        # Translators: Hint under the alternative address of a video, in the organisers' media form.
        description=_l("For visitors who cannot reach YouTube or Vimeo, for example in mainland China."),
        validators=[PlainText(500), WebAddress()], render_kw={"inputmode": "url", "maxlength": 500})

    def validate_url(self, field):
        if self.kind.data == "video" and field.data and parse_video(field.data) is None:
            # Translators: Error in the organisers' media form when a video address is not a YouTube or Vimeo video.
            raise StopValidation(_l("Please enter the address of a YouTube or Vimeo video."))

    def title_fields(self):
        return [self[f"title_{index}"] for index, _tag in enumerate(languages())]

    def subtitle_fields(self):
        return [self[f"subtitles_{index}"] for index, _tag in enumerate(languages())]


def media_form_class():
    """The form with a title field and a subtitles box per site language (English title required)."""
    fields = {}
    for index, tag in enumerate(languages()):
        name = language_name(tag)
        validators = [PlainText(200)]
        if index == 0:
            # Translators: Organisers' media form: the title in the site's first language (English) is required. %(language)s is its name.
            validators.insert(0, Required(_l("Please enter a title in %(language)s.", language=name)))
        # Translators: Organisers' media form: the title of a video or document in one language. %(language)s is a language's name.
        fields[f"title_{index}"] = StringField(_l("Title in %(language)s", language=name), filters=[strip_text],
                                               validators=validators, render_kw={"maxlength": 200})
        # Translators: Organisers' media form: the video has subtitles in this language. %(language)s is a language's name.
        fields[f"subtitles_{index}"] = BooleanField(_l("Subtitles in %(language)s", language=name))
    return type("MediaForm", (MediaFormBase,), fields)


def _render(definition, form, status=200):
    return render_template("organisers/media.html", petition=definition, form=form, items=media_for(definition.slug),
                           delete_form=ButtonForm(formdata=None), logout_form=ButtonForm()), status


@organisers.get("/<campaign>/media/")
@login_required
def media(campaign):
    definition = campaign_for_organiser(campaign)
    return _render(definition, media_form_class()(formdata=None))


@organisers.post("/<campaign>/media/")
@login_required
def media_add(campaign):
    definition = campaign_for_organiser(campaign)
    form = media_form_class()()
    if not form.validate_on_submit():
        return _render(definition, form, 400)
    tags = languages()
    titles = {tag: field.data for tag, field in zip(tags, form.title_fields()) if field.data}
    subtitles = " ".join(tag for tag, field in zip(tags, form.subtitle_fields()) if field.data)
    position = db.session.execute(select(func.coalesce(func.max(CampaignMedia.position), 0))
                                  .where(CampaignMedia.campaign == definition.slug)).scalar_one() + 1
    item = CampaignMedia(campaign=definition.slug, kind=form.kind.data, url=form.url.data,
                         titles=json.dumps(titles, ensure_ascii=False, sort_keys=True),
                         subtitles=subtitles if form.kind.data == "video" else "",
                         alternative_url=form.alternative_url.data or None, position=position,
                         created_by=g.organiser.id)
    db.session.add(item)
    db.session.flush()
    audit("media_add", g.organiser, definition.slug, media=item.id, kind=item.kind, url=item.url)
    db.session.commit()
    forget_sign_pages(definition.slug)
    return redirect(url_for("organisers.media", campaign=definition.slug), code=303)


@organisers.post("/<campaign>/media/<int:media_id>/delete")
@login_required
def media_delete(campaign, media_id):
    definition = campaign_for_organiser(campaign)
    if not ButtonForm().validate_on_submit():
        abort(400)
    row = db.session.get(CampaignMedia, media_id)
    if row is None or row.campaign != definition.slug:
        abort(404)
    audit("media_delete", g.organiser, definition.slug, media=row.id, kind=row.kind, url=row.url)
    db.session.execute(delete(CampaignMedia).where(CampaignMedia.id == media_id))
    db.session.commit()
    forget_sign_pages(definition.slug)
    return redirect(url_for("organisers.media", campaign=definition.slug), code=303)
