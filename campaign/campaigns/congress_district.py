"""The congress form's district step: the ZIP code finds the district, and where it crosses
district lines the signer is asked which one they live in.

The question is not an error: the form comes back with what was typed and a fieldset that asks
"Which congressional district do you live in?", each district with its member and the places
near the signer that lie in that district only, a link to the House's own look-up, and "I'm not
sure". That answer delivers the signature to the state's senators and counts it in the summary,
never to a guessed representative (the district stays empty). Only a question left unanswered
after it was shown is an error.
"""
from flask_babel import gettext as _
from flask_babel import lazy_pgettext, pgettext
from wtforms import RadioField
from wtforms.utils import unset_value

from ..petitions.forms import as_choices

UNSURE = "unsure"
FIND_YOUR_REPRESENTATIVE = "https://www.house.gov/representatives/find-your-representative"


class DistrictQuestion(RadioField):
    """Asked only when the ZIP code touches several districts (it has no choices otherwise).
    Drawn by congress/district_question.html: fields.html includes a field's row_template."""

    row_template = "congress/district_question.html"
    find_your_representative = FIND_YOUR_REPRESENTATIVE
    unsure = UNSURE

    def __init__(self, label=None, **kwargs):
        # Translators: Congress sign page: the question asked when the signer's ZIP code crosses district lines.
        label = label or lazy_pgettext("form field", "Which congressional district do you live in?")
        super().__init__(label, choices=[], validate_choice=False, **kwargs)
        self.asked_zip = None  # the ZIP code the question is about, once it is to be shown
        self.answered_zip = None  # the ZIP code the page that was sent asked about (a hidden input)
        self.places = {}  # choice value -> ((city, (zip, ...)), ...): nearby, in that district only
        self.focus = False  # take the focus when the page comes back (no error summary takes it)

    def places_text(self, value):
        """The nearby places of a choice, as one line (empty when there are none)."""
        return places_text(self.places.get(value, ()))

    @property
    def asked_name(self):
        return f"{self.name}_asked"

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self.answered_zip = formdata.get(self.asked_name) if formdata is not None else None

    def settle(self, zip_code, districts, names, places):
        """(answered, district): the signer's answer among `districts`, the District objects a
        ZIP code touches; district is None for "I'm not sure". The question is made ready to be
        shown either way: unanswered, to be answered; answered, so that the answer stays on the
        page if another field sends the form back."""
        zip5 = zip_code[:5]
        by_value = {str(district): district for district in districts}
        # Translators: Congress sign page, the district question: the last choice, for a signer who does not know their district (no representative then receives the signature).
        unsure = pgettext("district choice", "I’m not sure")
        self.choices = as_choices([*((value, district_choice_label(district, names.get(district.number)))
                                     for value, district in by_value.items()), (UNSURE, unsure)])
        self.places = {value: places.get(district, ()) for value, district in by_value.items()}
        self.asked_zip = zip5
        if self.data in by_value:
            return True, by_value[self.data]
        if self.data == UNSURE:
            return True, None
        if self.answered_zip == zip5 and not self.data:
            # Translators: Congress sign page: error when the district question was shown and the form was sent again without an answer.
            self.errors = [_("Choose your congressional district, or “I’m not sure”.")]
        self.data = None  # an answer that is not among the choices (a changed ZIP code) is asked again
        return False, None


def district_choice_label(district, name):
    if name is None:
        # Translators: Congress sign page: a congressional district (such as CA-14) in the list a signer chooses from, whose seat in the House is vacant.
        return pgettext("district choice", "%(district)s — vacant seat") % {"district": district.label}
    # Translators: Congress sign page: a congressional district in the list a signer chooses from: %(district)s is the district (such as CA-40), %(name)s its representative. The name stays in English as it comes from the data (e.g. "CA-40 — Young Kim").
    return pgettext("district choice", "%(district)s — %(name)s") % {"district": district.label, "name": name}


def places_text(places):
    """"La Mirada (90639) · Whittier (90603, 90604)": post office names with their ZIP codes."""
    return " · ".join(f"{city} ({', '.join(zips)})" for city, zips in places)
