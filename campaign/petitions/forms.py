"""Form building blocks shared by the campaigns. Campaign modules compose these; none copies them."""
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectChoice, SelectField, StringField

from ..i18n import current_language, family_name_first
from ..places import country_choices, us_state_choices
from .validation import Email, OneOf, PlainText, Required, strip_text
from .visitor_csrf import VisitorCSRF

NAME_MAX = 100
PLACE_MAX = 100


def name_field(label, message, autocomplete):
    return StringField(
        label,
        validators=[Required(message), PlainText(NAME_MAX)],
        filters=[strip_text],
        render_kw={"autocomplete": autocomplete, "maxlength": NAME_MAX},
    )


def city_field():
    return StringField(
        # Translators: Field of the signing forms (sign pages); also shown on the confirm page and the organisers' paper page.
        lazy_pgettext("form field", "City"),
        # Translators: Error on a sign page when the city is empty.
        validators=[Required(_l("Please enter your city.")), PlainText(PLACE_MAX)],
        filters=[strip_text],
        render_kw={"autocomplete": "address-level2", "maxlength": PLACE_MAX},
    )


def email_field(required, description=None):
    validators = [PlainText(254), Email()]
    if required:
        # Translators: Error on a sign page when the (required) email address is empty.
        validators.insert(0, Required(_l("Please enter your email address.")))
    return EmailField(
        lazy_pgettext("form field", "Email address"),
        description=description,
        validators=validators,
        filters=[strip_text],
        render_kw={"autocomplete": "email", "inputmode": "email", "maxlength": 254},
    )


def country_field():
    return SelectField(
        # Translators: Field of the signing forms (sign pages); also on the confirm page and the organisers' pages.
        lazy_pgettext("form field", "Country"),
        choices=[],
        validate_choice=False,
        # Translators: Error on a sign page when no country was chosen.
        validators=[Required(_l("Please choose your country.")),
                    # Translators: Error on a sign page when the country sent is not one of the list (a tampered form).
                    OneOf(_l("Please choose your country from the list."))],
        render_kw={"autocomplete": "country"},
    )


def us_state_field():
    return SelectField(
        # Translators: Congress sign page and organisers' paper page: a U.S. state (or DC or a territory) in an address, not "condition".
        lazy_pgettext("U.S. state", "State"),
        choices=[],
        validate_choice=False,
        # Translators: Error on the congress sign page when no U.S. state was chosen.
        validators=[Required(_l("Please choose your state.")),
                    # Translators: Error on the congress sign page when the state sent is not one of the list.
                    OneOf(_l("Please choose your state from the list."))],
        render_kw={"autocomplete": "address-level1"},
    )


def consent_box(label):
    return BooleanField(label, default=False)


def as_choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


@lru_cache(maxsize=32)
def place_choices(kind, tag):
    """Options of the country or state list in language `tag`, built once per process."""
    places = country_choices(tag) if kind == "country" else us_state_choices(tag)
    # Translators: First, empty entry of the country and state lists on the sign pages.
    return tuple(as_choices([("", _l("Choose…")), *places]))


@lru_cache(maxsize=64)
def countries_first(tag, first):
    """The country list with the countries `first` (ISO codes, in order) in a group of their
    own above every country in the language's order, where they appear again: a signer who
    looks in either place finds theirs."""
    if not first:
        return place_choices("country", tag)
    names = dict(country_choices(tag))
    choose, *everything = place_choices("country", tag)
    # Translators: Heading of the first group of the country list on a sign form: the countries most signers of this petition come from.
    likely = lazy_pgettext("country list", "Where most signers live")
    # Translators: Sign pages, country list: heading of its second group: every country, in the language's order.
    every = lazy_pgettext("country list", "All countries")
    return (choose,
            *(SelectChoice(code, names[code], optgroup=likely) for code in first if code in names),
            *(SelectChoice(choice.value, choice.label, optgroup=every) for choice in everything))


def choice_field(label, choices, message):
    return RadioField(label, choices=as_choices(choices), validate_choice=False,
                      validators=[Required(message), OneOf(message)])


class ButtonForm(FlaskForm):
    """A form that is only a button: its CSRF token is all it carries."""

    @property
    def csrf_expired(self):
        return bool(self.csrf_token.errors)


class SignatureForm(FlaskForm):
    """Fields every petition has: the signer's name, and a honeypot that people never see."""

    class Meta:
        # A token bound to a visitor cookie, with no server session (petitions/visitor_csrf.py).
        csrf_class = VisitorCSRF

    first_name = name_field(
        # Translators: Field of every signing form (sign pages); also a column of the organisers' paper page.
        lazy_pgettext("form field", "First name"),
        # Translators: Error on a sign page when the first name is empty.
        _l("Please enter your first name."), "given-name")
    last_name = name_field(
        # Translators: Field of every signing form: the family name (Korean and Chinese pages show it first).
        lazy_pgettext("form field", "Last name"),
        # Translators: Error on a sign page when the last name is empty.
        _l("Please enter your last name."), "family-name")
    # Shown next to the button with what is delivered (petitions/sign.html); stored as a consent.
    # Translators: Checkbox next to the sign button: the recipient receives "name withheld" instead of the name.
    withhold_name = consent_box(_l("Deliver my signature without my name"))
    # Bots fill every field; people never see this one (hidden by CSS, skipped by screen readers).
    # Translators: Label of a sign page field that people never see (it catches robots); screen readers skip it too.
    website = StringField(lazy_pgettext("honeypot field", "Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tag = current_language()
        if hasattr(self, "country"):
            self.country.choices = list(place_choices("country", tag))
        if hasattr(self, "state"):
            self.state.choices = list(place_choices("state", tag))

    @property
    def is_bot(self):
        return bool((self.website.data or "").strip())

    def put_countries_first(self, codes):
        """List these countries (ISO codes) first in the country list (petitions/country_order.py)."""
        if hasattr(self, "country"):
            self.country.choices = list(countries_first(current_language(), tuple(codes)))

    def name_fields(self):
        """The name fields in the order readers of the page's language expect."""
        if family_name_first():
            return [self.last_name, self.first_name]
        return [self.first_name, self.last_name]

    def detail_fields(self):
        """The campaign's own fields, in page order (everything but names, honeypot and CSRF)."""
        skip = {"first_name", "last_name", "withhold_name", "website", "csrf_token"}
        return [field for field in self if field.name not in skip]

    def fields_in_page_order(self):
        """Every field a signer sees, top to bottom: the error summary lists errors in this order."""
        boxes = [self.withhold_name] if self.withhold_name is not None else []  # organisations have none
        return [*self.name_fields(), *self.detail_fields(), *boxes]

    @property
    def csrf_expired(self):
        return bool(getattr(self, "csrf_token", None) and self.csrf_token.errors)
