"""Campaign `xi` (seed 001, delivery plan from seed 002): a letter to President Xi Jinping, handed in
at embassies of the People's Republic of China on Human Rights Day (December 10).

Fixes to the seed text (obvious slips only):
- "United Nations High Commission for Refugees (UNHRC)" → "(UNHCR)": UNHRC is the Human Rights
  Council; the letter means the refugee agency, as its next sentence says.
- "Kim Jong Un" / "Kim Jong-Un" are written one way (the placeholder %(leader)s).
- "People's" with a straight apostrophe in two places → "People’s" like the rest of the letter.

Corrections of fact (issue 15; the letter is delivered, so its facts must be right):
- "the People’s Republic of China signed the 1951 Convention … and its 1967 Protocol. By signing this
  agreement" → "acceded to … By acceding to these instruments". China never signed either treaty: the
  Standing Committee of the 5th National People's Congress decided on 23 August 1982 that the PRC
  加入 (accedes to) both (《全国人民代表大会常务委员会关于我国加入〈关于难民地位的公约〉和〈关于难民地位的
  议定书〉的决定》, NPC Standing Committee Gazette 1982 no. 3), and the UN Treaty Collection (chapter V,
  2 and 5) records China's accession ("a") on 24 September 1982. The Chinese letter says 加入, the
  Korean 가입; translations/letter_facts.tsv keeps 签署/簽署 out of that paragraph.
- The COI's name in the Chinese letter is the UN's full Chinese name, 联合国朝鲜民主主义人民共和国人权
  调查委员会 (no English change).
- The address block (issue 15): the seed's three lines "His Excellency Xi Jinping / President,
  People's Republic of China / Embassy of the People's Republic of China" → "His Excellency Xi
  Jinping, President of the People’s Republic of China / Through the <mission's own name>" in a
  packet ("Through the embassies and consulates of the People’s Republic of China" on the page), so
  each language can write it in its own letter order: Chinese 中华人民共和国主席习近平阁下 /
  （经中华人民共和国驻德国大使馆转呈）. The mission names: campaign/data/embassies/NOTICE.md.

No "state or province" field (issue 19): the seed's form asked for one, but the packets print only
name, city and country (the country picks the embassy), so it was never used, and signers in Seoul,
Taipei, Hong Kong or Singapore had no good answer to a required question. We store only what is
delivered or needed; signatures stored before keep the answer they gave, and nothing reads it.
"""
from datetime import date

from babel.dates import format_skeleton
from flask_babel import format_date, get_locale, lazy_gettext as _l, lazy_pgettext, pgettext

from ..petitions.blueprint import make_petition_blueprint
from ..petitions.definition import CampaignDefinition, ConsentAnswer, UpdatesConsent
from ..petitions.forms import SignatureForm, choice_field, city_field, country_field, email_field
from ..petitions.identity import email_identity
from .common import coalition_name, kim_jong_un, xi_jinping

# Bump when the wording of the email-use question or its choices changes: stored with each answer.
EMAIL_USE_WORDING = "xi-email-use-2026-11"

EMAIL_USE_CHOICES = [
    # Translators: First answer to "How may we use your email address?" on the Xi sign page.
    ("count_only", _l("Only to make sure my signature is counted once")),
    # Translators: Second answer to "How may we use your email address?" on the Xi sign page.
    ("petition_updates", _l("Also to send me news about this petition")),
    # Translators: Third answer to "How may we use your email address?" on the Xi sign page.
    ("coalition_news", _l("Also to send me news about this petition and the work of the North Korea Freedom Coalition")),
]


class XiSignatureForm(SignatureForm):
    city = city_field()
    country = country_field()
    email = email_field(required=True)
    email_use = choice_field(
        # Translators: Question above three choices on the Xi sign page.
        _l("How may we use your email address?"),
        EMAIL_USE_CHOICES,
        # Translators: Error on the Xi sign page when none of the three email choices was picked.
        _l("Please choose how we may use your email address."),
    )


def letter_facts(state):
    return {
        "xi": xi_jinping(),
        "kim": kim_jong_un(),
        "nkfc": coalition_name(),
        # Translators: The student who started this petition. Korean: 박나연; Chinese: keep the romanised name unless she has a known Chinese form.
        "park": pgettext("person", "Na-Yeon Park"),
        "deadline": format_date(state.deadline, "long") if state.deadline else "",
        "accession_date": format_date(date(1982, 9, 24), "long"),
        # Translators: Letter to Xi Jinping (sign page and packets): the treaty's official name in your language (UN treaty collection).
        "convention": pgettext("treaty", "1951 Convention Relating to the Status of Refugees"),
        # Translators: Letter to Xi Jinping (sign page and packets): follows "acceded to the 1951 Convention ... and its"; the official name of the 1967 Protocol.
        "protocol": pgettext("treaty", "1967 Protocol"),
        # Translators: The UN body that reported in February 2014; its official name in your language (Chinese: the UN's own name, 联合国朝鲜民主主义人民共和国人权调查委员会, not a short form).
        "coi": pgettext("organisation", "UN Commission of Inquiry on Human Rights in the DPRK (COI)"),
        # Month and year in the locale's own order: "February 2014", "2014년 2월", "2014年2月".
        "coi_report_date": format_skeleton("yMMMM", date(2014, 2, 1), locale=get_locale()),
        # Translators: Letter to Xi Jinping (sign page and packets): the UN refugee agency's full name with its abbreviation.
        "unhcr_full": pgettext("organisation", "United Nations High Commissioner for Refugees (UNHCR)"),
    }


def xi_deadline(config):
    return date.fromisoformat(config["XI_DEADLINE"])


definition = CampaignDefinition(
    slug="xi",
    # Translators: Title of the letter to Xi Jinping: heading of its sign page, the list of petitions, share images, emails and packets.
    title=lazy_pgettext("campaign title", "Petition to Xi Jinping to Stop Repatriating North Korean Refugees!"),
    # Translators: Summary of the letter to Xi Jinping on the list of petitions and in links shared on social media.
    summary=_l("A letter to President Xi Jinping, delivered through embassies of the People’s Republic of "
               "China on Human Rights Day, asking China to stop sending North Korean refugees back."),
    # Translators: Who receives the letter to Xi Jinping, on the list of petitions ("To: ...") and its sign page.
    recipient=_l("President Xi Jinping, through embassies of the People’s Republic of China"),
    form_class=XiSignatureForm,
    identity=email_identity,
    signature_values=lambda form: {
        "first_name": form.first_name.data, "last_name": form.last_name.data, "city": form.city.data,
        "country": form.country.data, "email": form.email.data,
    },
    consents=lambda form: [ConsentAnswer("email_use", form.email_use.data, EMAIL_USE_WORDING)],
    facts=letter_facts,
    goal=10000,
    deadline=xi_deadline,
    # Translators: Next to the button on the sign page of the letter to Xi Jinping: exactly what is delivered, and to whom.
    delivered_details=_l("Your first and last name, city and country are delivered to the embassies and consulates "
                         "of the People’s Republic of China."),
    # The embassies receive the letter in English and in Simplified Chinese.
    delivered_languages=("en", "zh-Hans"),
    # The email counts a person once: it must be theirs.
    requires_confirmation=True,
    updates_consent=UpdatesConsent("email_use", petition=frozenset({"petition_updates", "coalition_news"}),
                                   coalition=frozenset({"coalition_news"})),
)

blueprint = make_petition_blueprint(definition)
