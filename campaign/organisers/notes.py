"""Organisers write a campaign's editor's note per language (above the letter: it puts the letter in
its time) and mark a campaign as historical (a notice under its title). Shown by
petitions/editor_note.html and petitions/provenance.html; the dashboard holds the form."""
from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import StopValidation

from ..audit import audit
from ..extensions import db
from ..i18n import language_name, languages
from ..models import CampaignSettings
from ..petitions.counting import campaign_state
from ..petitions.forms import ButtonForm
from ..petitions.page_cache import forget_sign_pages
from ..petitions.validation import has_forbidden_characters, without_invisible_formatting
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser

NOTE_MAX = 2000


def note_field_name(tag):
    return "note_" + tag.replace("-", "_")


class NoteText:
    """Paragraphs of plain text: line breaks allowed, no other control or invisible characters."""

    def __call__(self, form, field):
        text = without_invisible_formatting((field.data or "").replace("\r\n", "\n")).strip()
        field.data = text
        if len(text) > NOTE_MAX:
            raise StopValidation(_l("Please use at most %(max)s characters.", max=NOTE_MAX))
        if any(has_forbidden_characters(line) for line in text.split("\n")):
            raise StopValidation(_l("Please remove the invisible or control characters from this field."))


class NotesFormBase(FlaskForm):
    # Translators: Dashboard box: the campaign's letter belongs to its time (a notice says so on its page).
    historical = BooleanField(_l("Mark this petition as historical: a notice under its title says that its letter "
                                 "belongs to the time it was written in"))


def notes_form(state=None, submitted=False):
    """The form with one box per language: as sent (`submitted`), or filled with the saved notes."""
    class NotesForm(NotesFormBase):
        pass

    for tag in languages():
        setattr(NotesForm, note_field_name(tag), TextAreaField(
            # Translators: Dashboard: label of the box for the editor's note in one language. %(language)s is the language's name.
            _("Editor’s note in %(language)s", language=language_name(tag)), validators=[NoteText()],
            # Translators: Dashboard: hint under each editor's note box.
            description=_("Shown above the letter. Leave it empty to show the petition’s own note, if it has one."),
            render_kw={"rows": 4, "maxlength": NOTE_MAX}))
    if submitted:
        return NotesForm()
    notes = state.editor_notes if state else {}
    return NotesForm(formdata=None, historical=bool(state and state.historical),
                     **{note_field_name(tag): notes.get(tag, "") for tag in languages()})


@organisers.context_processor
def notes_context():
    return {"notes_form": notes_form}


@organisers.post("/<campaign>/notes")
@login_required
def change_notes(campaign):
    definition = campaign_for_organiser(campaign)
    form = notes_form(submitted=True)
    if not form.validate_on_submit():
        return render_template("organisers/campaign_notes_page.html", petition=definition, form=form,
                               logout_form=ButtonForm()), 400
    before = campaign_state(definition, with_count=False)
    notes = {tag: form[note_field_name(tag)].data for tag in languages() if form[note_field_name(tag)].data}
    settings = db.session.get(CampaignSettings, definition.slug)
    if settings is None:
        settings = CampaignSettings(campaign=definition.slug)
        db.session.add(settings)
    changed = sorted(tag for tag in set(notes) | set(before.editor_notes) if notes.get(tag) != before.editor_notes.get(tag))
    if changed:
        settings.editor_notes = notes
        audit("campaign_notes", g.organiser, definition.slug, languages=changed)
    if form.historical.data != before.historical:
        settings.historical = form.historical.data
        audit("campaign_historical", g.organiser, definition.slug, before=before.historical,
              after=form.historical.data)
    db.session.commit()
    forget_sign_pages(definition.slug)
    return redirect(url_for("organisers.dashboard", campaign=definition.slug, _anchor="notes"), code=303)
