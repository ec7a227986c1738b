"""Paper signatures: an organiser types in the signatures of a paper form, one line each, as a
batch with the date and place they were collected. They count and are delivered like the others
(source "paper"), and are counted once like the others: congress by name and ZIP code, as on the
web when no email is given, so a person who signed on paper and online counts once; xi and
unhcr (whose web identity is an email, which paper forms do not ask) by name, city and country
within paper signatures.

The whole batch is checked first: one bad line rejects the batch with every problem listed by
line number, and nothing is stored. A good batch is shown as read (names in the paper form's own
order, places in words, lines already signed marked) before anything is saved: the preview page
sends the batch again, as typed, in hidden fields, and saving checks it again from scratch. A
batch that adds nobody new is not stored, so posting the same batch twice (a double click, Back
and Save) saves it once, also when two requests race: each signature's identity is unique.

A saved batch can be deleted as a whole, after a confirmation page: its signatures leave the
count (the counter goes down by exactly those that counted), and the audit log keeps what it was.
"""
import json
import re
from dataclasses import dataclass, field

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from ..audit import audit
from ..congress_data import candidate_districts, zip_data_loaded
from ..delivery.letter import letter_version
from ..districts import NotADistrict, UnknownDistrict, parse_district
from ..extensions import db
from ..i18n import current_language, family_name_first, languages, native_name
from ..models import SIGNATURE_COUNTED, SIGNATURES_IN_COUNT, AuditEntry, PaperBatch, Signature, User, utcnow
from ..petitions.counting import increment_count
from ..petitions.forms import ButtonForm
from ..petitions.identity import identity_key
from ..petitions.upsert import insert_for_dialect
from ..petitions.validation import (LocalizedDateField, OneOf, PlainText, Required, has_forbidden_characters,
                                    strip_text)
from ..places import country_choices, country_codes, country_name, us_states
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser, signed_by_people

MAX_LINES = 500
# The fields of one line, per campaign, in order; congress may add the district as a sixth.
LINE_FIELDS = {
    "congress": ("first_name", "last_name", "city", "state", "zip_code"),
    "xi": ("first_name", "last_name", "city", "country"),
    "unhcr": ("first_name", "last_name", "country"),
}
ZIP5 = re.compile(r"^\d{5}$")
# The names of those fields, as the signing forms label them.
FIELD_LABELS = {
    "first_name": lazy_pgettext("form field", "First name"),
    "last_name": lazy_pgettext("form field", "Last name"),
    "city": lazy_pgettext("form field", "City"),
    "state": lazy_pgettext("U.S. state", "State"),
    "zip_code": lazy_pgettext("form field", "ZIP code"),
    "country": lazy_pgettext("form field", "Country"),
    # Translators: Column heading of the preview of a batch of paper signatures for the letter to Congress: a congressional district such as CA-40.
    "district": lazy_pgettext("paper batch", "District"),
}


@organisers.app_template_filter("paper_field_label")
def paper_field_label(name):
    return str(FIELD_LABELS[name])


class PaperBatchForm(FlaskForm):
    # Translators: Field on the organisers' paper signatures page: the day the paper forms were filled in.
    collected_on = LocalizedDateField(lazy_pgettext("form field", "Date collected"),
                             # Translators: Error on the organisers' paper signatures page when the date is empty.
                             validators=[InputRequired(_l("Please enter the date the signatures were collected."))])
    # Translators: Field on the organisers' paper signatures page: where the paper forms were filled in.
    place = StringField(lazy_pgettext("form field", "Place collected"), filters=[strip_text],
                        # Translators: Hint under the place field of the organisers' paper signatures page (an example place).
                        description=_l("For example: Korean Presbyterian Church, Annandale, Virginia."),
                        # Translators: Error on the organisers' paper signatures page when the place is empty.
                        validators=[Required(_l("Please enter where the signatures were collected.")),
                                    PlainText(200)])
    # Translators: Field on the organisers' paper signatures page: the language the paper forms were printed in.
    language = SelectField(lazy_pgettext("form field", "Language of the paper form"), validate_choice=False,
                           # Translators: Organisers' paper signatures page: the language select was left empty or tampered with.
                           validators=[OneOf(_l("Please choose the language the forms were written in."))])
    # Translators: Field on the organisers' paper signatures page: a box where each line is one signature.
    lines = TextAreaField(lazy_pgettext("form field", "Signatures, one per line"),
                          # Translators: Error on the organisers' paper signatures page when the box is empty.
                          validators=[Required(_l("Please enter at least one signature."))],
                          render_kw={"rows": 12, "spellcheck": "false", "translate": "no"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [SelectChoice(tag, native_name(tag)) for tag in languages()]


@dataclass
class ParsedBatch:
    rows: list = field(default_factory=list)  # dicts of Signature columns
    errors: list = field(default_factory=list)  # localized messages
    numbers: list = field(default_factory=list)  # the line number of each row


@dataclass(frozen=True)
class PreviewRow:
    number: int
    first_name: str
    last_name: str
    places: tuple  # the campaign's place columns, in words
    note: str | None  # "signed" (this person has already signed) or "repeated" (earlier in the batch)


def _names_to_codes(pairs_by_language):
    """{case-folded name or code: code} from (code, name) lists in every site language."""
    lookup = {}
    for pairs in pairs_by_language:
        for code, name in pairs:
            lookup[name.casefold()] = code
            lookup[code.casefold()] = code
    return lookup


def _country_lookup():
    return _names_to_codes(country_choices(tag) for tag in languages())


def _state_lookup():
    return _names_to_codes([(code, state.name(tag)) for code, state in us_states().items()] for tag in languages())


def _plain(value, limit=100):
    return len(value) <= limit and not has_forbidden_characters(value)


def parse_batch(slug, text):
    """Check every line of a batch for campaign `slug`. Fields are separated by tabs (pasted from a
    spreadsheet) or semicolons."""
    names = LINE_FIELDS[slug]
    parsed = ParsedBatch()
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_LINES:
        # Translators: Error on the organisers' paper signatures page. %(max)s is a number.
        parsed.errors.append(_("Please enter at most %(max)s lines at a time.", max=MAX_LINES))
        return parsed
    countries, states = _country_lookup(), _state_lookup()
    with_districts = slug == "congress" and zip_data_loaded()
    for number, line in lines:
        values = [value.strip() for value in line.split("\t" if "\t" in line else ";")]
        allowed = (len(names), len(names) + 1) if slug == "congress" else (len(names),)
        if len(values) not in allowed:
            # Translators: Organisers' paper signatures page: a line has the wrong number of fields. %(line)s is a line number; %(expected)s and %(found)s are numbers.
            parsed.errors.append(_("Line %(line)s: expected %(expected)s fields separated by semicolons or tabs, "
                                   "found %(found)s.", line=number, expected=len(names), found=len(values)))
            continue
        row = dict(zip(names, values))
        problems = []
        if not row["first_name"] or not row["last_name"]:
            # Translators: Organisers' paper signatures page: a line without a first or a last name. %(line)s is a line number.
            problems.append(_("Line %(line)s: the first and the last name are both needed.", line=number))
        if not all(_plain(row[key]) for key in ("first_name", "last_name", "city") if key in row):
            # Translators: Organisers' paper signatures page, error in a line. %(line)s is a line number.
            problems.append(_("Line %(line)s: a name or city is longer than 100 characters or contains control "
                              "characters.", line=number))
        signature = {"first_name": row["first_name"], "last_name": row["last_name"], "city": row.get("city") or None}
        if slug == "congress":
            state = states.get(row["state"].casefold())
            zip_code = row["zip_code"]
            if state is None:
                # Translators: Organisers' paper signatures page, error in a line. %(line)s is a line number; %(value)s what was typed.
                problems.append(_("Line %(line)s: “%(value)s” is not a U.S. state.", line=number, value=row["state"]))
            if not ZIP5.match(zip_code):
                # Translators: Organisers' paper signatures page, error in a line. %(line)s is a line number; %(value)s what was typed.
                problems.append(_("Line %(line)s: “%(value)s” is not a five-digit ZIP code.", line=number,
                                  value=zip_code))
            district = None
            if state and ZIP5.match(zip_code):
                district, problem = _district(number, state, zip_code, values[5] if len(values) > 5 else "",
                                              with_districts)
                if problem:
                    problems.append(problem)
            signature.update(region=state, postal_code=zip_code, country="US",
                             district=str(district) if district else None)
            key = identity_key(row["first_name"], row["last_name"], zip_code)
        else:
            country = countries.get(row["country"].casefold())
            if country is None or country not in country_codes():
                # Translators: Organisers' paper signatures page, error in a line. %(line)s is a line number; %(value)s what was typed.
                problems.append(_("Line %(line)s: “%(value)s” is not a country.", line=number, value=row["country"]))
            signature["country"] = country
            key = identity_key("paper", row["first_name"], row["last_name"], row.get("city", ""), country or "")
        signature["identity_key"] = key
        parsed.errors.extend(problems)
        if not problems:
            parsed.rows.append(signature)
            parsed.numbers.append(number)
    return parsed


def _district(number, state, zip_code, typed, with_districts):
    """(District or None, problem or None) for a congress line."""
    if typed:
        try:
            district = parse_district(typed)
        except (NotADistrict, UnknownDistrict):
            district = None
        if district is None or district.state != state:
            # Translators: Organisers' paper signatures page, error in a line. %(line)s is a line number; %(value)s what was typed; %(state)s a U.S. state code.
            return None, _("Line %(line)s: “%(value)s” is not a district of %(state)s.", line=number, value=typed,
                           state=state)
        return district, None
    if not with_districts:
        return None, None
    candidates, found = candidate_districts(zip_code, state)
    if found and len(candidates) == 1:
        return candidates[0], None
    if found:
        # Translators: Organisers' paper signatures page, error in a line. %(line)s is a line number; %(zip)s a ZIP code; %(districts)s a list such as "CA-39, CA-40".
        return None, _("Line %(line)s: ZIP code %(zip)s is in several districts (%(districts)s): add the district "
                       "as a sixth field.", line=number, zip=zip_code,
                       districts=", ".join(candidate.label for candidate in candidates))
    return None, None  # a ZIP code not in the table (PO boxes): the state's Senators still get it


def place_columns(slug):
    """The preview's place columns after the names: congress city, state, ZIP code, district."""
    return tuple(name for name in LINE_FIELDS[slug] if name not in ("first_name", "last_name")) + \
        (("district",) if slug == "congress" else ())


def preview_rows(slug, parsed):
    """The rows as they will be stored, in words, each marked if it will not be added."""
    lang = current_language()
    states = us_states()
    keys = [row["identity_key"] for row in parsed.rows]
    signed = set(db.session.scalars(select(Signature.identity_key).where(
        Signature.campaign == slug, Signature.identity_key.in_(keys)))) if keys else set()
    words = {
        "city": lambda row: row.get("city") or "",
        "state": lambda row: states[row["region"]].name(lang),
        "zip_code": lambda row: row["postal_code"],
        "district": lambda row: row.get("district") or "",
        "country": lambda row: country_name(row["country"], lang),
    }
    seen, previewed = set(), []
    for number, row in zip(parsed.numbers, parsed.rows):
        key = row["identity_key"]
        note = "signed" if key in signed else "repeated" if key in seen else None
        seen.add(key)
        previewed.append(PreviewRow(number, row["first_name"], row["last_name"],
                                    tuple(words[name](row) for name in place_columns(slug)), note))
    return previewed


def store_batch(definition, form, parsed, user):
    """Store a checked batch in one transaction. Returns (batch, new signatures), or (None, 0)
    when nobody in it is new: nothing is stored (a batch saved twice is saved once)."""
    now = utcnow()
    batch = PaperBatch(campaign=definition.slug, collected_on=form.collected_on.data, place=form.place.data,
                       entered_by=user.id, entered_at=now, signatures=0)
    db.session.add(batch)
    db.session.flush()
    added = 0
    # The paper forms carry the letter in the batch's language: its version is what they signed.
    version = letter_version(definition, form.language.data)
    for row in parsed.rows:
        statement = (insert_for_dialect(Signature).values(
            campaign=definition.slug, locale=form.language.data, source="paper", paper_batch_id=batch.id,
            created_at=now, status=SIGNATURE_COUNTED, letter_version=version, **row)
            .on_conflict_do_nothing(index_elements=["campaign", "identity_key"]).returning(Signature.id))
        if db.session.execute(statement).scalar() is not None:
            increment_count(definition.slug)
            added += 1
    if added == 0:
        db.session.rollback()
        return None, 0
    batch.signatures = added
    audit("paper_batch", user, definition.slug, batch=batch.id, lines=len(parsed.rows), added=added,
          place=batch.place, collected_on=batch.collected_on.isoformat())
    db.session.commit()
    return batch, added


def _signatures_in(batch_id):
    """(how many of the batch's signatures count, how many it has, hidden ones too)."""
    in_batch = select(func.count()).select_from(Signature).where(Signature.paper_batch_id == batch_id)
    return (db.session.execute(in_batch.where(Signature.status.in_(SIGNATURES_IN_COUNT))).scalar_one(),
            db.session.execute(in_batch).scalar_one())


def delete_batch(definition, batch, user):
    """Delete a batch and its signatures in one transaction; the counters go down by the signatures
    that counted (hidden ones left the count already). Returns how many left the count, or None if
    someone deleted it meanwhile (each DELETE only counts rows still there: nothing twice)."""
    counted = db.session.execute(delete(Signature).where(
        Signature.paper_batch_id == batch.id, Signature.status.in_(SIGNATURES_IN_COUNT))).rowcount
    others = db.session.execute(delete(Signature).where(Signature.paper_batch_id == batch.id)).rowcount
    if not db.session.execute(delete(PaperBatch).where(PaperBatch.id == batch.id)).rowcount:
        db.session.rollback()
        return None
    if counted:
        increment_count(definition.slug, -counted)
    audit("paper_batch_delete", user, definition.slug, batch=batch.id, place=batch.place,
          collected_on=batch.collected_on.isoformat(), entered_by=batch.entered_by, counted=counted,
          signatures=counted + others)
    db.session.commit()
    return counted


def _deletion(definition, batch_id):
    """The audit entry's details of the batch's deletion, if it was deleted (for the banner)."""
    entries = db.session.scalars(select(AuditEntry.details).where(
        AuditEntry.action == "paper_batch_delete", AuditEntry.campaign == definition.slug)
        .order_by(AuditEntry.id.desc()).limit(200))
    return next((details for details in map(json.loads, entries) if details.get("batch") == batch_id), None)


def _batch_of(definition, batch_id):
    batch = db.session.get(PaperBatch, batch_id)
    return batch if batch is not None and batch.campaign == definition.slug else None


def _banner(definition):
    """What the last action did, from the redirect's query: a batch saved, nothing new, a batch deleted."""
    if (saved := request.args.get("saved", type=int)) and (batch := _batch_of(definition, saved)):
        return {"saved": batch.signatures}
    if request.args.get("unchanged"):
        return {"unchanged": True}
    if (deleted := request.args.get("deleted", type=int)) and (details := _deletion(definition, deleted)):
        return {"deleted": details["counted"]}
    return None


def _render(definition, form, errors=(), status=200, banner=None):
    batches = db.session.execute(
        select(PaperBatch, User.name).outerjoin(User, User.id == PaperBatch.entered_by)
        .where(PaperBatch.campaign == definition.slug).order_by(PaperBatch.id.desc()).limit(50)).all()
    return render_template("organisers/paper.html", petition=definition, form=form, errors=errors,
                           batches=batches, line_fields=LINE_FIELDS[definition.slug], banner=banner,
                           logout_form=ButtonForm()), status


@organisers.get("/<campaign>/paper")
@login_required
def paper(campaign):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    return _render(definition, PaperBatchForm(formdata=None, language=g.lang), banner=_banner(definition))


@organisers.post("/<campaign>/paper")
@login_required
def paper_submit(campaign):
    """The first step: the batch as read, to check before saving; "Change the lines" comes back here
    with the batch as typed, to the form."""
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    form = PaperBatchForm()
    if request.form.get("change"):
        return _render(definition, form)
    if not form.validate_on_submit():
        return _render(definition, form, status=400)
    parsed = parse_batch(definition.slug, form.lines.data)
    if parsed.errors:
        return _render(definition, form, parsed.errors, status=400)
    rows = preview_rows(definition.slug, parsed)
    return render_template("organisers/paper_preview.html", petition=definition, form=form, rows=rows,
                           new=sum(1 for row in rows if row.note is None), place_columns=place_columns(definition.slug),
                           family_first=family_name_first(form.language.data), logout_form=ButtonForm())


@organisers.post("/<campaign>/paper/save")
@login_required
def paper_save(campaign):
    """The second step: the same batch, checked again from what the preview sent back, and stored."""
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    form = PaperBatchForm()
    if not form.validate_on_submit():
        return _render(definition, form, status=400)
    parsed = parse_batch(definition.slug, form.lines.data)
    if parsed.errors:
        return _render(definition, form, parsed.errors, status=400)
    batch, _added = store_batch(definition, form, parsed, g.organiser)
    if batch is None:
        return redirect(url_for("organisers.paper", campaign=definition.slug, unchanged=1), code=303)
    return redirect(url_for("organisers.paper", campaign=definition.slug, saved=batch.id, _anchor="batches"), code=303)


@organisers.get("/<campaign>/paper/<int:batch_id>/delete")
@login_required
def confirm_batch_delete(campaign, batch_id):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    batch = _batch_of(definition, batch_id)
    if batch is None:
        abort(404)
    counted, total = _signatures_in(batch.id)
    entered_by = db.session.get(User, batch.entered_by) if batch.entered_by else None
    return render_template("organisers/paper_delete.html", petition=definition, batch=batch, counted=counted,
                           hidden=total - counted, entered_by=entered_by, delete_form=ButtonForm(formdata=None),
                           logout_form=ButtonForm())


@organisers.post("/<campaign>/paper/<int:batch_id>/delete")
@login_required
def delete_batch_submit(campaign, batch_id):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    if not ButtonForm().validate_on_submit():
        abort(400)
    batch = _batch_of(definition, batch_id)
    if batch is not None:
        delete_batch(definition, batch, g.organiser)
    elif _deletion(definition, batch_id) is None:  # not deleted a moment ago (a double click): never there
        abort(404)
    return redirect(url_for("organisers.paper", campaign=definition.slug, deleted=batch_id, _anchor="batches"),
                    code=303)
