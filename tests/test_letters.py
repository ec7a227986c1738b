"""Each letter reads whole in every language: no English left on a Korean or Chinese page, facts exact."""
import re

import pytest
from bs4 import BeautifulSoup

from campaign.campaigns import coalition, unhcr

CAMPAIGNS = ["congress", "xi", "unhcr", "coalition"]
TRANSLATED = ["ko", "zh-Hans", "zh-Hant"]

# Latin-script names that stay as they are in every language.
KEPT_IN_LATIN = ["The Defector Interactive", "Martin Luther King, Jr.", *unhcr.PARTNERS,
                 *coalition.FOUNDING_SIGNATORIES]
LATIN_RUN = re.compile(r"[A-Za-z][\w'’.,-]*(?:[ \u00a0]+[A-Za-z][\w'’.,-]*){2,}")


def visible_text(html):
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select("option, nav.languages, script, style, .incomplete-translation"):
        element.decompose()
    return soup.get_text(" ")


@pytest.mark.parametrize("slug", CAMPAIGNS)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_sentences_on_translated_pages(client, slug, lang):
    text = visible_text(client.get(f"/{lang}/{slug}/").get_data(as_text=True))
    for kept in KEPT_IN_LATIN:
        text = text.replace(kept, "")
    assert LATIN_RUN.findall(text) == []


@pytest.mark.parametrize("lang", ["en", *TRANSLATED])
def test_congress_bills_keep_their_numbers(client, lang):
    text = visible_text(client.get(f"/{lang}/congress/").get_data(as_text=True))
    for number in ("S.584", "S.Res.186", "H.R.3012", "H.Res.126", "H.R.958"):
        assert number in text
    assert "118" in text and "2023" in text


@pytest.mark.parametrize("lang, accession", [
    ("en", "September 24, 1982"), ("ko", "1982년 9월 24일"), ("zh-Hans", "1982年9月24日"), ("zh-Hant", "1982年9月24日"),
])
def test_xi_letter_dates_are_exact_and_localized(client, lang, accession):
    text = visible_text(client.get(f"/{lang}/xi/").get_data(as_text=True))
    assert accession in text
    assert "1951" in text and "1967" in text and "2014" in text


def test_english_letters_are_complete():
    """Spot-check a sentence from the start and the end of each seed letter."""
    from campaign import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    with app.test_request_context("/en/"):
        from flask import g, render_template

        from campaign.campaigns import definitions
        from campaign.petitions.definition import CampaignState

        g.lang = "en"
        for definition in definitions():
            state = CampaignState(definition, 0, definition.goal, None, False)
            html = render_template(definition.template("letter"), petition=definition, state=state,
                                   facts=definition.facts(state), letter_data=definition.letter_context())
            text = " ".join(visible_text(html).split())
            expected = {
                "congress": ["We write to you to request your support", "it is the presence of justice."],
                "xi": ["On September 24, 1982, the People’s Republic of China acceded to the 1951 Convention",
                       "thank you for your time and consideration."],
                "unhcr": ["Imagine living in a country where...", "allowing individuals or groups to provide"],
                "coalition": ["On behalf of 11 non-governmental organizations and coalitions",
                              "according to the terms of the North Korea Sanctions and Policy Enhancement Act of 2016",
                              "In a statement on April 8, even Kim Jong Un himself",
                              "We would be pleased to discuss these matters further with your staff."],
            }[definition.slug]
            for sentence in expected:
                assert sentence in text, (definition.slug, sentence)


@pytest.mark.parametrize("lang, notice_fragment", [("ko", "영어"), ("zh-Hans", "英文"), ("zh-Hant", "英文")])
def test_translated_letters_say_which_text_is_delivered(client, lang, notice_fragment):
    for slug in CAMPAIGNS:
        html = client.get(f"/{lang}/{slug}/").get_data(as_text=True)
        note = BeautifulSoup(html, "html.parser").select_one(".delivery-note")
        assert note is not None and notice_fragment in note.get_text(), (lang, slug)
    assert 'class="delivery-note"' not in client.get("/en/xi/").get_data(as_text=True)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_family_name_comes_first_on_cjk_pages(client, lang):
    html = client.get(f"/{lang}/unhcr/").get_data(as_text=True)
    assert html.index('for="last_name"') < html.index('for="first_name"')


def test_given_name_comes_first_in_english(client):
    html = client.get("/en/unhcr/").get_data(as_text=True)
    assert html.index('for="first_name"') < html.index('for="last_name"')
