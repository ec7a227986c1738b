"""Campaign `unhcr` (seed 004): #EscapeNorthKorea, a petition to the UN High Commissioner for Refugees.

Fixes to the seed text (obvious slips only):
- "20,000-200,000" → a range with an en dash, the numbers formatted per locale.
- "& help us Tweet-bomb" → "and help us Tweet-bomb"; "comments/thoughts/support" → "comments, thoughts and support".
"""
from flask_babel import format_decimal, lazy_gettext as _l, lazy_pgettext, pgettext

from ..petitions.blueprint import make_petition_blueprint
from ..petitions.definition import CampaignDefinition, ConsentAnswer, UpdatesConsent
from ..petitions.forms import SignatureForm, consent_box, country_field, email_field

UPDATES_WORDING = "unhcr-updates-2026-11"
HASHTAG = "EscapeNorthKorea"
# The organisations behind the petition, as seed 004 names them.
PARTNERS = ("Fathom Film Group", "Hanvoice", "North Korean Human Rights Film Festival")


class UnhcrSignatureForm(SignatureForm):
    country = country_field()
    email = email_field(required=True)
    updates = consent_box(_l("Send me updates about this petition and #EscapeNorthKorea."))


def letter_facts(state):
    return {
        "political_prisoners": format_decimal(200000),
        "refugees_low": format_decimal(20000),
        "refugees_high": format_decimal(200000),
        "hashtag": "#" + HASHTAG,
        "unhcr_handle": "@Refugees",
        "film_handle": "@thedefectormov",
        # Translators: Name of an online interactive experience about defectors; usually kept in English.
        "defector_interactive": pgettext("work title", "The Defector Interactive"),
    }


definition = CampaignDefinition(
    slug="unhcr",
    title=lazy_pgettext("campaign title", "Help North Korean Refugees #EscapeNorthKorea"),
    summary=_l("A petition asking the UN High Commissioner for Refugees to protect North Koreans who "
               "escape through China."),
    recipient=_l("The UN High Commissioner for Refugees"),
    form_class=UnhcrSignatureForm,
    identity=lambda form: (form.email.data,),
    signature_values=lambda form: {
        "first_name": form.first_name.data, "last_name": form.last_name.data,
        "country": form.country.data, "email": form.email.data,
    },
    consents=lambda form: [ConsentAnswer("updates", "yes" if form.updates.data else "no", UPDATES_WORDING)],
    facts=letter_facts,
    goal=1000,
    # The box speaks of this petition and #EscapeNorthKorea, not of the coalition's other work.
    updates_consent=UpdatesConsent("updates", petition=frozenset({"yes"})),
    hashtag=HASHTAG,
    partners=PARTNERS,
)

blueprint = make_petition_blueprint(definition)
