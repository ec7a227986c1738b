"""Campaign `congress` (seed 000): a letter to every member of Congress, delivered by hand in mid-July.

Fixes to the seed text (obvious slips only):
- "Cosponsors: (4" → 4 cosponsors (a missing parenthesis).
- "H.R. 958  118th Congress" → "H.R.958 — 118th Congress" like the other bills.
- "02/9/2023" → 02/09/2023 (dates are now data, rendered per locale).
- "the ongoing suffering to the North Korea people" → "the ongoing suffering of the North Korean people".

Correction of fact (issue 15):
- H.R.958's sponsor "Steel, Michelle [Rep.-R-CA-39]" → district 45. In the 118th Congress (2023–2025,
  when H.R.958 was introduced) Michelle Steel represented California's 45th district; before
  redistricting (2021–2023) she represented the 48th. The 39th was never hers (it was Young Kim's seat
  in the 117th Congress). Sources: congress.gov, H.R.958 (118th Congress), sponsor line "Rep. Steel,
  Michelle [R-CA-45]"; Biographical Directory of the U.S. Congress, S001135.

Signer fields: the design asked for "street address or district"; the form asks neither. The ZIP
code finds the district (and where it crosses district lines, the signer answers a question:
congress_district.py), and no street address is stored, since nothing used it. Rows signed
before keep theirs until `flask privacy anonymise` strips it.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, gettext as _, lazy_gettext as _l, lazy_pgettext, ngettext, pgettext
from wtforms import ValidationError

from ..congress_data import look_up_zip, nearby_places, only_district, representatives, zip_data_loaded
from ..i18n import current_language
from ..petitions.blueprint import make_petition_blueprint
from ..petitions.definition import CampaignDefinition, ConsentAnswer, UpdatesConsent
from ..petitions.forms import SignatureForm, city_field, consent_box, email_field, us_state_field
from ..petitions.validation import PlainText, Required, UsZip, strip_text
from ..places import us_states
from .common import coalition_name
from .congress_district import DistrictQuestion
from wtforms import StringField

FOLLOW_UP_WORDING = "congress-follow-up-2026-11"


@dataclass(frozen=True)
class Sponsor:
    name: object  # lazy: the member's name in the page's language
    chamber: str  # sen or rep
    party: str  # R or D
    state: str
    district: int | None = None


@dataclass(frozen=True)
class Bill:
    number: str
    title: object
    sponsor: Sponsor
    introduced: date
    congress: int
    years: tuple
    committee: str
    cosponsors: int
    referred: date | None = None  # latest action: referred to the committee on this date

    @property
    def chamber(self):
        return self.sponsor.chamber

    @property
    def number_and_congress(self):
        # Translators: Bill list of the letter to Congress (its sign page and packets), e.g. "S.584 — 118th Congress (2023–2024)". %(number)s is the bill number; keep it. %(congress)s is the number of the Congress (118).
        return pgettext("bill", "%(number)s — %(congress)sth Congress (%(first_year)s–%(last_year)s)") % {
            "number": self.number, "congress": self.congress,
            "first_year": self.years[0], "last_year": self.years[1]}

    @property
    def sponsor_line(self):
        sponsor = self.sponsor
        values = {"name": sponsor.name, "state": us_states()[sponsor.state].name(current_language()),
                  "district_number": sponsor.district, "date": format_date(self.introduced, "long")}
        return SPONSOR_LINES[(sponsor.chamber, sponsor.party)] % values

    @property
    def cosponsors_line(self):
        # Translators: In the bill list of the letter to Congress (congress sign page): how many members co-sponsor a bill. %(num)s is a number.
        return ngettext("%(num)s cosponsor", "%(num)s cosponsors", self.cosponsors)

    @property
    def committee_name(self):
        return COMMITTEES[self.committee]

    @property
    def latest_action(self):
        if self.referred is None:
            return None
        # Translators: Bill list of the letter to Congress: the latest action on a bill. %(date)s is a date; %(committee)s a committee name such as "House Committee on Foreign Affairs".
        return pgettext("bill", "%(date)s: referred to the %(committee)s.") % {
            "date": format_date(self.referred, "long"), "committee": self.committee_name}


SPONSOR_LINES = {
    # Translators: Bill list of the letter to Congress: how a bill's sponsor is described. %(name)s is a senator's name, %(state)s a U.S. state, %(date)s the date the bill was introduced.
    ("sen", "R"): lazy_pgettext("bill", "Sen. %(name)s, Republican of %(state)s; introduced %(date)s"),
    # Translators: As above, for a Democratic senator.
    ("sen", "D"): lazy_pgettext("bill", "Sen. %(name)s, Democrat of %(state)s; introduced %(date)s"),
    # Translators: Bill list of the letter to Congress: a representative who sponsored a bill. %(district_number)s is the number of the congressional district in %(state)s (e.g. 45), %(date)s the date the bill was introduced.
    ("rep", "R"): lazy_pgettext(
        "bill", "Rep. %(name)s, Republican of %(state)s, district %(district_number)s; introduced %(date)s"),
    # Translators: As above, for a Democratic representative.
    ("rep", "D"): lazy_pgettext(
        "bill", "Rep. %(name)s, Democrat of %(state)s, district %(district_number)s; introduced %(date)s"),
}

COMMITTEES = {
    # Translators: A committee of the U.S. Senate, named in the bill list of the letter to Congress.
    "SSFR": lazy_pgettext("committee", "Senate Committee on Foreign Relations"),
    # Translators: Bill list of the letter to Congress: a committee of the U.S. House of Representatives.
    "HSFA": lazy_pgettext("committee", "House Committee on Foreign Affairs"),
}

# Translators: Name of a member of Congress who sponsored a bill in the letter.
RUBIO = Sponsor(lazy_pgettext("person", "Marco Rubio"), "sen", "R", "FL")
# Translators: Name of a member of Congress who sponsored a bill in the letter.
SULLIVAN = Sponsor(lazy_pgettext("person", "Dan Sullivan"), "sen", "R", "AK")
# Translators: Name of a member of Congress who sponsored bills in the letter (a Korean American; use her established name).
YOUNG_KIM = Sponsor(lazy_pgettext("person", "Young Kim"), "rep", "R", "CA", 40)
# Translators: Name of a member of Congress who sponsored a bill in the letter (a Korean American; use her established name).
MICHELLE_STEEL = Sponsor(lazy_pgettext("person", "Michelle Steel"), "rep", "R", "CA", 45)

# Translators: Bill list of the letter to Congress: title of a U.S. bill (S.584 and H.R.3012). Use the name by which your language's press refers to it.
REAUTHORIZATION_ACT = lazy_pgettext("bill title", "North Korean Human Rights Reauthorization Act of 2023")

BILLS = (
    Bill("S.584", REAUTHORIZATION_ACT, RUBIO, date(2023, 3, 1), 118, (2023, 2024), "SSFR", 3),
    Bill("S.Res.186",
         # Translators: Bill list of the letter to Congress: title of Senate resolution S.Res.186.
         lazy_pgettext("bill title", "A resolution seeking justice for the Japanese citizens abducted by North Korea."),
         SULLIVAN, date(2023, 5, 1), 118, (2023, 2024), "SSFR", 2),
    Bill("H.R.3012", REAUTHORIZATION_ACT, YOUNG_KIM, date(2023, 4, 28), 118, (2023, 2024), "HSFA", 1,
         referred=date(2023, 4, 28)),
    Bill("H.Res.126",
         # Translators: Bill list of the letter to Congress: title of House resolution H.Res.126.
         lazy_pgettext("bill title", "Encouraging reunions of divided Korean-American families."),
         YOUNG_KIM, date(2023, 2, 14), 118, (2023, 2024), "HSFA", 17),
    Bill("H.R.958",
         # Translators: Bill list of the letter to Congress: title of House bill H.R.958.
         lazy_pgettext("bill title", "To require certain reports and briefings relating to North Korea."),
         MICHELLE_STEEL, date(2023, 2, 9), 118, (2023, 2024), "HSFA", 4, referred=date(2023, 2, 9)),
)


def bills_by_chamber():
    headings = {
        # Translators: Letter to Congress (congress sign page and packets): heading of the bills introduced in the Senate.
        "sen": pgettext("letter:congress", "Introduced in the U.S. Senate:"),
        # Translators: Letter to Congress (congress sign page and packets): heading of the bills introduced in the House.
        "rep": pgettext("letter:congress", "Introduced in the House of Representatives:"),
    }
    return [{"heading": headings[chamber], "bills": [b for b in BILLS if b.chamber == chamber]}
            for chamber in ("sen", "rep")]


def letter_facts(state):
    return {
        "nkfc": coalition_name(),
        # Translators: The Korean Church Coalition, which delivers the letters in Washington.
        "kcc": pgettext("organisation", "Korean Church Coalition (KCC)"),
        # Translators: Fills "Dear Hon. %(member)s:" on the web page, where no single member is addressed.
        "member": pgettext("letter:congress", "Member of Congress"),
        # Translators: The U.S. President's surname as in "the Biden administration".
        "biden": pgettext("person", "Biden"),
        # Translators: Author of the quotation that closes the letter to Congress.
        "mlk": pgettext("person", "Martin Luther King, Jr."),
    }


class CongressSignatureForm(SignatureForm):
    city = city_field()
    state = us_state_field()
    zip_code = StringField(
        # Translators: Field on the congress sign page (a U.S. postal code); also a column of the organisers' paper signatures page.
        lazy_pgettext("form field", "ZIP code"),
        # Translators: Error on the congress sign page when the ZIP code is empty.
        validators=[Required(_l("Please enter your ZIP code.")), PlainText(10), UsZip()],
        filters=[strip_text],
        render_kw={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 10},
    )
    # Asked only when the ZIP code crosses district lines (congress_district.py).
    district = DistrictQuestion()
    # Translators: Hint under the optional email field of the congress sign page.
    email = email_field(required=False, description=_l(
        "Please enter your email address if you would like more information about our organization "
        "and to receive follow-up emails regarding this petition."))
    follow_up = consent_box(
        # Translators: Checkbox on the congress sign page: the signer agrees to receive emails.
        _l("Send me more information about the North Korea Freedom Coalition and follow-up emails "
           "about this petition."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_district = None  # set by validate() when the ZIP code, or the signer's answer, gives it

    def detail_fields(self):
        return [field for field in super().detail_fields() if field is not self.district or field.choices]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self._looks_up_district():
            valid = self._settle_district() and valid
        return valid

    def _looks_up_district(self):
        return all(field.data and not field.errors for field in (self.state, self.zip_code))

    def _settle_district(self):
        """One district: use it. Several: ask (or take the answer). A ZIP code of another state:
        a short correction. None known: no district, so the state's senators get the signature.
        Before `flask data import` has run, only a state with a single district gives one."""
        state = self.state.data
        if not zip_data_loaded():
            self.chosen_district = next(iter(only_district(state)), None)
            return True
        found = look_up_zip(self.zip_code.data, state)
        if found.other_state:
            names = us_states()
            # Translators: Error under the ZIP code on the congress sign page. %(zip)s is the ZIP code typed; %(zip_state)s the U.S. state it belongs to; %(state)s the state the signer chose.
            self.zip_code.errors.append(_("ZIP code %(zip)s is in %(zip_state)s, not %(state)s: check the state or "
                                          "the ZIP code.", zip=self.zip_code.data[:5],
                                          zip_state=names[found.other_state].name(current_language()),
                                          state=names[state].name(current_language())))
            return False
        if len(found.districts) <= 1:
            self.chosen_district = found.districts[0] if found.districts else None
            return True
        answered, self.chosen_district = self.district.settle(
            self.zip_code.data, found.districts, representatives(state), nearby_places(self.zip_code.data, found.districts))
        # The question takes the focus unless an error summary is there to take it.
        self.district.focus = not answered and not any(field.errors for field in self)
        return answered

    def validate_email(self, field):
        if self.follow_up.data and not field.data:
            # Translators: Error on the congress sign page: the email box was ticked without an email address.
            raise ValidationError(_l("Please enter your email address to receive follow-up emails."))


def identity(form):
    return (form.first_name.data, form.last_name.data, form.zip_code.data[:5])


def signature_values(form):
    district = form.chosen_district
    zip_code = form.zip_code.data.replace("-", "")
    return {
        "first_name": form.first_name.data,
        "last_name": form.last_name.data,
        "street_address": None,  # no longer asked: the ZIP code finds the district
        "district": str(district) if district else None,
        "city": form.city.data,
        "region": form.state.data,
        "postal_code": zip_code[:5] + ("-" + zip_code[5:] if len(zip_code) > 5 else ""),
        "country": "US",
        # Kept only with consent to follow-up emails: it is not needed to count a person once here.
        "email": form.email.data if form.follow_up.data and form.email.data else None,
    }


def consents(form):
    return [ConsentAnswer("follow_up_email", "yes" if form.follow_up.data and form.email.data else "no",
                          FOLLOW_UP_WORDING)]


definition = CampaignDefinition(
    slug="congress",
    # Translators: Title of the letter to Congress: heading of its sign page, the list of petitions, share images and emails.
    title=lazy_pgettext("campaign title", "Urging Action for Human Rights in North Korea"),
    # Translators: Summary of the letter to Congress on the list of petitions and in links shared on social media.
    summary=_l("A letter to every member of the U.S. Congress in support of bipartisan North Korean human "
               "rights bills, delivered by hand in Washington in mid-July."),
    # Translators: Who receives the letter to Congress, on the list of petitions ("To: ...") and its sign page.
    recipient=_l("Every member of the U.S. Congress"),
    form_class=CongressSignatureForm,
    identity=identity,
    signature_values=signature_values,
    consents=consents,
    facts=letter_facts,
    letter_context=lambda: {"bills_by_chamber": bills_by_chamber()},
    goal=1000,
    # Translators: Next to the button on the Congress sign page: exactly what is delivered, and to whom.
    delivered_details=_l("Your name, city, state and congressional district are delivered to your member of Congress "
                         "and your senators."),
    # The box asks for both: information about the coalition and follow-up about this petition.
    updates_consent=UpdatesConsent("follow_up_email", petition=frozenset({"yes"}), coalition=frozenset({"yes"})),
    # The letter names bills of the 118th Congress and "the Biden administration": the note says so
    # until organisers write their own (dashboard, per language).
    # Translators: Editor's note above the letter to Congress (not part of the letter). Keep "118th Congress (2023–2024)" as the glossary writes it.
    editor_note=_l("This letter was written during the 118th Congress (2023–2024). The bills it names were "
                   "introduced in that Congress, and “the Biden administration” was the U.S. government at the "
                   "time. A bill that a Congress does not pass expires when that Congress ends."),
    # The results page counts signers by state and district, with each district's member.
    results_by="district",
)

blueprint = make_petition_blueprint(definition)
