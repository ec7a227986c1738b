"""Campaign `coalition` (seed 003): organisations' sign-on letter to the President of the United States.

Organisations sign, not people: its name (in its own script, and in English if it has one),
website, country, and a contact person and email that stay private. A new signatory appears on
the public list, in the count and in the packet once an organiser approved it. The nine
organisations the seed names are the founding signatories (the seed speaks of 11 but names
nine; none is invented).

Fixes to the seed text (obvious slips only):
- "according to the terms the 2016 North Korea Human Rights Act" → "according to the terms of …".
- "the U.S and its allies" → "the U.S. and its allies".

Correction of fact (issue 15):
- "the 2016 North Korea Human Rights Act" → "the North Korea Sanctions and Policy Enhancement Act of
  2016". No U.S. law has the seed's name (South Korea's 북한인권법 of 2016 is another country's law).
  The 2016 U.S. law that makes broad relief from sanctions depend on human-rights progress is
  P.L. 114-122 of February 18, 2016 (H.R. 757, 130 Stat. 93; short title in its section 1): its
  section 402 (22 U.S.C. 9252) ends the sanctions only once North Korea has also made progress on
  releasing political prisoners, ending censorship and establishing an open society. Named in the
  translations as 2016년 대북제재정책강화법, 《2016年朝鲜制裁与政策强化法》, 《2016年北韓制裁與政策強化法》.
"""
from datetime import date

from babel.dates import format_skeleton
from flask_babel import format_decimal, get_locale, lazy_gettext as _l, lazy_pgettext, pgettext
from wtforms import StringField, URLField

from ..petitions.blueprint import make_petition_blueprint
from ..petitions.definition import CampaignDefinition
from ..petitions.forms import SignatureForm, country_field, email_field, name_field
from ..petitions.organisations import record_organisation
from ..petitions.validation import PlainText, Required, WebAddress, strip_text
from .common import kim_jong_un

FOUNDING_SIGNATORIES = (
    "Human Rights Watch",
    "International Christian Concern",
    "International Coalition to Stop Crimes Against Humanity in North Korea",
    "Jacob Blaustein Institute for the Advancement of Human Rights",
    "Jubilee Campaign",
    "Liberty in North Korea",
    "North Korea Freedom Coalition",
    "The 88 Project",
    "World Without Genocide",
)
ORGANISATION_MAX = 200


class CoalitionSignatureForm(SignatureForm):
    """An organisation's signature. The inherited name fields are its contact person's."""

    organisation = StringField(
        # Translators: Label on the organisations' letter's signing form (coalition sign page).
        lazy_pgettext("form field", "Name of the organisation"),
        # Translators: Hint under the organisation's name on the coalition letter's form.
        description=_l("As your organisation writes it, in any language and script."),
        # Translators: Error on the coalition sign page when the organisation's name was left empty.
        validators=[Required(_l("Please enter the name of your organisation.")), PlainText(ORGANISATION_MAX)],
        filters=[strip_text], render_kw={"autocomplete": "organization", "maxlength": ORGANISATION_MAX})
    organisation_en = StringField(
        # Translators: Optional field on the coalition sign page: the organisation's name in English.
        lazy_pgettext("form field", "English name of the organisation (if it has one)"),
        validators=[PlainText(ORGANISATION_MAX)], filters=[strip_text],
        # No autofill token means "the English name": the browser would offer the name in its own script.
        render_kw={"autocomplete": "off", "maxlength": ORGANISATION_MAX})
    homepage = URLField(
        # Translators: Field on the coalition sign page: the address of the organisation's website.
        lazy_pgettext("form field", "Website"),
        validators=[PlainText(300), WebAddress()], filters=[strip_text],
        render_kw={"autocomplete": "url", "inputmode": "url", "maxlength": 300})
    country = country_field()
    # Translators: Field on the coalition sign page: first name of the person we may write to.
    first_name = name_field(lazy_pgettext("form field", "Contact person’s first name"),
                            # Translators: Error on the coalition sign page when the contact's first name is empty.
                            _l("Please enter the first name of a contact person."), "given-name")
    # Translators: Field on the coalition sign page: last (family) name of the person we may write to.
    last_name = name_field(lazy_pgettext("form field", "Contact person’s last name"),
                           # Translators: Error on the coalition sign page when the contact's last name is empty.
                           _l("Please enter the last name of a contact person."), "family-name")
    withhold_name = None  # an organisation signs by its name; its contact is never delivered
    # Translators: Hint under the contact email on the coalition letter's form (coalition sign page).
    email = email_field(required=True, description=_l(
        "We write to this address only to confirm that your organisation signed. It is never published."))

    def detail_fields(self):
        order = ("organisation", "organisation_en", "homepage", "country")
        return [self[name] for name in order] + [*super().name_fields(), self.email]

    def name_fields(self):
        return []  # the contact person's name comes after the organisation's (detail_fields)


def letter_facts(state):
    return {
        # Translators: Organisations' letter to the President (coalition sign page and packet): his surname as in "Dear President Biden".
        "biden": pgettext("person", "Biden"),
        "organisations": format_decimal(11),
        # Translators: North Korea's population in the coalition letter: "the 25 million people of North Korea". Write the number as your language does (e.g. 2,500만, 2500万).
        "population": pgettext("number", "25 million"),
        "years": format_decimal(70),
        # Kim Jong Un's statement of April 8, 2021.
        "statement_date": format_skeleton("MMMMd", date(2021, 4, 8), locale=get_locale()),
        # Translators: A U.S. law (P.L. 114-122) named in the coalition letter. Use its established name in your language: Korean 2016년 대북제재정책강화법; Chinese 《2016年朝鲜制裁与政策强化法》 / 《2016年北韓制裁與政策強化法》.
        "act_2016": pgettext("law", "the North Korea Sanctions and Policy Enhancement Act of 2016"),
        "coi_year": "2014",
        "kim": kim_jong_un(),
    }


definition = CampaignDefinition(
    slug="coalition",
    # Translators: Title of the organisations' letter: heading of its sign page, the list of petitions, share images and emails.
    title=lazy_pgettext("campaign title", "Organisations’ Letter to the President: Put Human Rights First on North Korea"),
    # Translators: Summary of the organisations' letter on the list of petitions and in links shared on social media.
    summary=_l("A letter from human rights organisations asking the President of the United States to put "
               "human rights at the centre of North Korea policy. Organisations sign, not individuals."),
    # Translators: Who receives the organisations' letter, on the list of petitions ("To: ...") and its sign page.
    recipient=_l("The President of the United States"),
    form_class=CoalitionSignatureForm,
    identity=lambda form: (form.homepage.data or form.organisation.data,),
    signature_values=lambda form: {},
    facts=letter_facts,
    goal=50,
    signers="organisations",
    record=record_organisation,
    founding_signatories=FOUNDING_SIGNATORIES,
    donation_setting="COALITION_DONATION_URL",
)

blueprint = make_petition_blueprint(definition)
