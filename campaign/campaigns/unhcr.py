"""Campaign `unhcr` (seed 004): #EscapeNorthKorea, a petition to the UN High Commissioner for Refugees.

Fixes to the seed text (obvious slips only):
- "20,000-200,000" → a range with an en dash, the numbers written as each language writes them
  (2만~20만 명, 2万至20万名: issue 15).
- "& help us Tweet-bomb" → "and help us Tweet-bomb"; "comments/thoughts/support" → "comments, thoughts and support".
"""
from flask_babel import lazy_gettext as _l, lazy_pgettext, pgettext

from ..petitions.blueprint import make_petition_blueprint
from ..petitions.definition import CampaignDefinition, ConsentAnswer, UpdatesConsent
from ..petitions.forms import SignatureForm, consent_box, country_field, email_field
from ..petitions.identity import email_identity

UPDATES_WORDING = "unhcr-updates-2026-11"
HASHTAG = "EscapeNorthKorea"
# The organisations behind the petition, as seed 004 names them.
PARTNERS = ("Fathom Film Group", "Hanvoice", "North Korean Human Rights Film Festival")


class UnhcrSignatureForm(SignatureForm):
    country = country_field()
    email = email_field(required=True)
    # Translators: Checkbox on the UNHCR sign page. Keep the hashtag #EscapeNorthKorea as it is.
    updates = consent_box(_l("Send me updates about this petition and #EscapeNorthKorea."))


def letter_facts(state):
    return {
        # Round numbers in running text, written as each language writes them (2만~20만 명, 2万至20万名):
        # translated, not formatted, because Korean and Chinese count in myriads (만, 万/萬).
        # Translators: The number 200,000 in the UNHCR petition (political prisoners; the most refugees hiding in China), written as your language writes it in running text: 20만, 20万, 20萬.
        "political_prisoners": pgettext("number", "200,000"),
        # Translators: The number 20,000 in the UNHCR petition (the fewest refugees hiding in China), written as your language writes it in running text: 2만, 2万, 2萬.
        "refugees_low": pgettext("number", "20,000"),
        "refugees_high": pgettext("number", "200,000"),
        "hashtag": "#" + HASHTAG,
        "unhcr_handle": "@Refugees",
        "film_handle": "@thedefectormov",
        # Translators: UNHCR petition and thanks page: name of an online interactive experience about defectors; usually kept in English.
        "defector_interactive": pgettext("work title", "The Defector Interactive"),
    }


definition = CampaignDefinition(
    slug="unhcr",
    # Translators: Title of the UNHCR petition: heading of its sign page, the list of petitions, share images and emails. Keep #EscapeNorthKorea.
    title=lazy_pgettext("campaign title", "Help North Korean Refugees #EscapeNorthKorea"),
    # Translators: Summary of the UNHCR petition on the list of petitions and in links shared on social media.
    summary=_l("A petition asking the UN High Commissioner for Refugees to protect North Koreans who "
               "escape through China."),
    # Translators: Who receives the UNHCR petition, on the list of petitions ("To: ...") and its sign page.
    recipient=_l("The UN High Commissioner for Refugees"),
    form_class=UnhcrSignatureForm,
    identity=email_identity,
    signature_values=lambda form: {
        "first_name": form.first_name.data, "last_name": form.last_name.data,
        "country": form.country.data, "email": form.email.data,
    },
    consents=lambda form: [ConsentAnswer("updates", "yes" if form.updates.data else "no", UPDATES_WORDING)],
    facts=letter_facts,
    goal=1000,
    # The box speaks of this petition and #EscapeNorthKorea, not of the coalition's other work.
    updates_consent=UpdatesConsent("updates", petition=frozenset({"yes"})),
    # Translators: Next to the button on the sign page of the petition to the UN High Commissioner for Refugees: exactly what is delivered, and to whom.
    delivered_details=_l("Your name and country are delivered to the UN High Commissioner for Refugees."),
    # The email counts a person once: it must be theirs, or anyone could learn who signed by
    # watching the count move (and sign in someone else's name).
    requires_confirmation=True,
    hashtag=HASHTAG,
    partners=PARTNERS,
)

blueprint = make_petition_blueprint(definition)
