"""News an organiser writes (models.CampaignUpdate): a subject and a text per language (English
required; a reader whose language has none gets the English, with a line in their language
saying so), an audience (the whole campaign; a U.S. state or a congressional district for
congress; a country where a campaign counts by country), a preview of each language exactly as
it is sent, the number of readers per language, and sending it once.

Used by the organisers' News pages (organisers/updates.py) and `flask mail update CAMPAIGN
--update ID` / `--text LANG=FILE` (mail/cli.py). Who may get it, and the weekly limit:
mail/updates.py.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from .. import i18n
from ..districts import District, NotADistrict, UnknownDistrict, parse_district
from ..extensions import db
from ..models import (AUDIENCE_CAMPAIGN, AUDIENCE_COUNTRY, AUDIENCE_DISTRICT, AUDIENCE_STATE, CampaignUpdate,
                      CampaignUpdateText, Signature, utcnow)
from ..petitions.validation import has_forbidden_characters, without_invisible_formatting
from ..places import country_codes, country_name, us_states
from .messages import news_email
from .updates import count_readers, queue_to_readers

SUBJECT_MAX = 150
BODY_MAX = 10_000
# Stands for the signer's token in a preview's unsubscribe links (a real email has the signer's own).
PREVIEW_TOKEN = "preview"


class NewsError(ValueError):
    """Input an update cannot have; `message` says why in the reader's language (a lazy string)."""

    def __init__(self, message, language=None):
        super().__init__(str(message))
        self.message = message
        self.language = language  # the language whose text is wrong, if it is a text


def audience_kinds(definition):
    """The audiences a campaign's news can have: its places are those its results count by."""
    if definition.results_by == "district":
        return (AUDIENCE_CAMPAIGN, AUDIENCE_STATE, AUDIENCE_DISTRICT)
    return (AUDIENCE_CAMPAIGN, AUDIENCE_COUNTRY)


def checked_audience(definition, kind, value):
    """(kind, place as stored) for an audience as typed or chosen; NewsError if the campaign has
    no such audience or the place does not exist (CA40, ca-40 -> CA-40; de -> DE)."""
    value = (value or "").strip()
    if kind not in audience_kinds(definition):
        # Translators: Error on the organisers' page that writes a news update: no audience chosen, or one this campaign cannot have (e.g. a country for the letter to Congress).
        raise NewsError(_l("Please choose who gets this update: this campaign’s news can go to everyone who "
                           "signed it, or to the signers of one of the places it counts."))
    if kind == AUDIENCE_CAMPAIGN:
        return kind, None
    if kind == AUDIENCE_DISTRICT:
        try:
            return kind, str(parse_district(value))
        except (NotADistrict, UnknownDistrict):
            # Translators: Error on the organisers' page that writes a news update, when the congressional district typed does not exist. %(district)s is what was typed.
            raise NewsError(_l("There is no congressional district “%(district)s”. Please enter one such as CA-40.",
                               district=value[:20])) from None
    code = value.upper()
    if kind == AUDIENCE_STATE and code not in us_states():
        # Translators: Error on the organisers' page that writes a news update, when no U.S. state (or one not on the list) was chosen.
        raise NewsError(_l("Please choose a state from the list."))
    if kind == AUDIENCE_COUNTRY and code not in country_codes():
        # Translators: Error on the organisers' page that writes a news update, when no country (or one not on the list) was chosen.
        raise NewsError(_l("Please choose a country from the list."))
    return kind, code


def audience_where(news):
    """The conditions on Signature that pick the update's audience."""
    if news.audience == AUDIENCE_DISTRICT:
        return (Signature.district == news.audience_value,)
    if news.audience == AUDIENCE_STATE:
        return (Signature.region == news.audience_value,)
    if news.audience == AUDIENCE_COUNTRY:
        return (Signature.country == news.audience_value,)
    return ()


def audience_label(news, tag):
    """Who the update goes to, in language `tag` (the page's)."""
    if news.audience == AUDIENCE_DISTRICT:
        # Translators: Organisers' news pages: an update's audience is the signers of one congressional district. %(district)s is e.g. CA-40.
        return _l("Signers in congressional district %(district)s", district=District.stored(news.audience_value).label)
    if news.audience == AUDIENCE_STATE:
        state = us_states()[news.audience_value]
        # Translators: Organisers' news pages: an update's audience is the signers of one U.S. state. %(state)s is its name.
        return _l("Signers in %(state)s", state=state.names.get(tag) or state.names.get("en") or state.code)
    if news.audience == AUDIENCE_COUNTRY:
        # Translators: Organisers' news pages: an update's audience is the signers of one country. %(country)s is its name.
        return _l("Signers in %(country)s", country=country_name(news.audience_value, tag))
    # Translators: Organisers' news pages: an update's audience is every signer of the campaign (who asked for news).
    return _l("Everyone who signed this petition")


def clean_subject(value, language):
    """The subject as it will be sent (one line, invisible formatting removed), or NewsError."""
    subject = without_invisible_formatting(value or "").strip()
    if len(subject) > SUBJECT_MAX:
        # Translators: Error under a field of any form (sign pages, organiser pages). %(max)s is a number.
        raise NewsError(_l("Please use at most %(max)s characters.", max=SUBJECT_MAX), language)
    if has_forbidden_characters(subject):
        # Translators: Error under a field of any form when it holds characters nobody can see (e.g. pasted control codes).
        raise NewsError(_l("Please remove the invisible or control characters from this field."), language)
    return subject


def clean_body(value, language):
    """The text as it will be sent: paragraphs of plain text, line breaks kept, or NewsError."""
    body = without_invisible_formatting((value or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(body) > BODY_MAX:
        raise NewsError(_l("Please use at most %(max)s characters.", max=BODY_MAX), language)
    if any(has_forbidden_characters(line) for line in body.split("\n")):
        raise NewsError(_l("Please remove the invisible or control characters from this field."), language)
    return body


def checked_texts(texts):
    """{language: (subject, body)} cleaned, without the languages left empty; NewsError if the
    default language (English) has none, a language has only half, or a text is not plain text.
    Keys that are not languages of the site are ignored (the command line refuses them first)."""
    default = i18n.default_language()
    cleaned = {}
    for tag in i18n.languages():
        subject, body = texts.get(tag, ("", ""))
        subject, body = clean_subject(subject, tag), clean_body(body, tag)
        if tag == default and not (subject and body):
            # Translators: Error on the organisers' page that writes a news update: the English subject and text are required. %(language)s is the language's name.
            raise NewsError(_l("Please write the subject and the text in %(language)s: readers whose language has "
                               "no text of its own get this one.", language=i18n.language_name(tag)), tag)
        if bool(subject) != bool(body):
            # Translators: Error on the organisers' page that writes a news update, when one language has a subject without a text or a text without a subject. %(language)s is the language's name.
            raise NewsError(_l("Please write both the subject and the text in %(language)s, or leave both empty.",
                               language=i18n.language_name(tag)), tag)
        if subject:
            cleaned[tag] = (subject, body)
    return cleaned


def save_news(definition, news, audience, texts, user=None):
    """Write checked `texts` and `audience` ((kind, place) from checked_audience) into `news`
    (a new update when None). Returns the update and the languages whose text changed; the
    caller audits and commits. An update already sent cannot change (ValueError)."""
    if news is None:
        news = CampaignUpdate(campaign=definition.slug, created_by=user.id if user else None)
        db.session.add(news)
    elif news.sent_at is not None:
        raise ValueError("an update that was sent cannot change")
    news.audience, news.audience_value = audience
    before = {text.language: (text.subject, text.body) for text in news.texts}
    changed = sorted(tag for tag in set(before) | set(texts) if before.get(tag) != texts.get(tag))
    news.texts = [CampaignUpdateText(language=tag, subject=subject, body=body)
                  for tag, (subject, body) in texts.items()]
    news.updated_at = utcnow()
    db.session.flush()
    return news, changed


def paragraphs(body):
    """A text's paragraphs (split at blank lines), each a list of its lines."""
    blocks = [[line.strip() for line in block.split("\n") if line.strip()] for block in body.split("\n\n")]
    return [block for block in blocks if block]


def news_email_of(definition, news, tag):
    """The update's email in language `tag`: its own text, or the default language's, marked."""
    texts = {text.language: text for text in news.texts}
    tag = tag if tag in i18n.languages() else i18n.default_language()
    own = texts.get(tag)
    text = own or texts[i18n.default_language()]
    return news_email("news", definition, tag, news_subject=text.subject, news_body=text.body,
                      news_paragraphs=paragraphs(text.body), news_language=text.language,
                      only_in=None if own else text.language)


def preview(definition, news, tag):
    """What a reader in language `tag` gets, as the outbox will hold it (a sample unsubscribe token)."""
    return news_email_of(definition, news, tag).filled(PREVIEW_TOKEN)


def news_kind(news):
    return f"news:{news.id}"


def count_news_readers(definition, news):
    """Readers by language and those the weekly limit leaves out, if it were sent now."""
    return count_readers(definition, news_kind(news), audience_where(news))


def send_news(definition, news, user=None):
    """Queue the update to its audience in the current transaction (the caller audits and
    commits). Only once: the update is claimed by setting sent_at where it is still empty, so
    two presses of the button (or two organisers) send it once. Returns a NewsReport, or None
    when it had already been sent (nothing queued)."""
    claimed = db.session.execute(
        update(CampaignUpdate).where(CampaignUpdate.id == news.id, CampaignUpdate.sent_at.is_(None))
        .values(sent_at=utcnow(), sent_by=user.id if user else None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    report = queue_to_readers(definition, news_kind(news), lambda tag: news_email_of(definition, news, tag),
                              audience_where(news))
    db.session.execute(update(CampaignUpdate).where(CampaignUpdate.id == news.id)
                       .values(queued=report.queued, capped=report.capped)
                       .execution_options(synchronize_session=False))
    db.session.refresh(news)
    return report
