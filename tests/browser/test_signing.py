"""A visitor signs in their own language, with and without JavaScript, as a person would.

Open `/` with the browser set to the language, land on that language, switch language with the
switcher and back, open a campaign, read the letter, fill the form with a mistake, see the
localized message by the field with what was typed kept, correct it, sign, and see the thanks
page with the count one higher. Every language signs every campaign, with JavaScript on and off.
"""
import re

import pytest
from playwright.sync_api import expect

from .pages import (TITLES, expect_field_error, expect_language, fill_form, mistakes, other_language, signer,
                    submit, switch_language)
from .support import (CAMPAIGNS, TAGS, count_on_page, emailed_confirmation_link, exact_count,
                      requires_confirmation, status_line)

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


def expect_letter_in_language(page, catalog, tag):
    letter = page.locator("section.letter")
    letter.scroll_into_view_if_needed()
    expect(letter.get_by_role("heading", level=2)).to_have_text(catalog.p("heading", "The petition"))
    body = letter.locator(".letter-body")
    expect(body).to_be_visible()
    assert body.locator("p").count() >= 3
    text = body.inner_text()
    if tag == "ko":
        assert len(HANGUL.findall(text)) > 200, "the Korean letter is not in Korean"
    elif tag.startswith("zh"):
        assert len(HAN.findall(text)) > 200 and not HANGUL.search(text), "the Chinese letter is not in Chinese"
        expect(letter.locator(".delivery-note")).to_be_visible()
    else:
        assert not HANGUL.search(text) and not HAN.search(text)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("slug", CAMPAIGNS)
@pytest.mark.parametrize("tag", TAGS)
def test_sign_in_every_language(visit, live_server, catalogs, tag, slug, javascript):
    catalog = catalogs[tag]
    page = visit(tag, java_script_enabled=javascript).new_page()

    # Arrive at `/` and land in the browser's language.
    page.goto("/")
    expect_language(page, live_server.url, tag)
    expect(page.get_by_role("heading", level=1)).to_have_text(catalog._("Petitions for human rights in North Korea"))

    # Open the campaign, then try another language with the switcher: same page, other language.
    title = catalog.p("campaign title", TITLES[slug])
    page.get_by_role("link", name=title, exact=True).click()
    expect_language(page, live_server.url, tag, f"{slug}/")
    other = other_language(tag)
    switch_language(page, catalog, other)
    expect_language(page, live_server.url, other, f"{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(catalogs[other].p("campaign title", TITLES[slug]))
    switch_language(page, catalogs[other], tag)
    expect_language(page, live_server.url, tag, f"{slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    if not javascript:
        assert page.locator("script").count() == 0, "the site ships no JavaScript"

    expect_letter_in_language(page, catalog, tag)
    # The blank sign page is cached for a few seconds, so its count may lag the database's.
    shown, before = count_on_page(page), exact_count(page, tag, slug)
    assert shown <= before
    expect(page.locator(".status .count").first).to_have_text(status_line(catalog, slug, shown))

    # A mistake: the page comes back with the message by the field and everything typed kept.
    person = signer(slug, tag)
    wrong = mistakes(slug)
    fill_form(page, catalog, person, overrides=wrong)
    submit(page, catalog)
    expect_language(page, live_server.url, tag, f"{slug}/")
    # GOV.UK's error summary: focused, titled, one link per mistake; the tab's title says "Error: ".
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(catalog.p("heading", "There is a problem"))
    expect(summary.get_by_role("link")).to_have_count(len(wrong))
    expect(page).to_have_title(re.compile("^" + re.escape(catalog.p("page title", "Error: %(title)s", title=""))))
    for name, typed in wrong.items():
        expect_field_error(page, catalog, name, typed)
    for name, value in person["text"].items():
        if name not in wrong:
            control = page.locator(f"[name={name}]")
            expect(control).to_have_value(value)
            expect(control).not_to_have_attribute("aria-invalid", "true")
    assert exact_count(page, tag, slug) == before

    # Corrected and signed: thanks, and one more signature.
    fill_form(page, catalog, person)
    submit(page, catalog)
    expect_language(page, live_server.url, tag, f"{slug}/thanks")
    if requires_confirmation(live_server, slug):
        # One more step, said in the info style, with no count: counted only once the signer
        # presses the button behind the link in their email.
        expect(page.get_by_role("heading", level=1)).to_have_text(
            catalog.p("heading", "One more step: check your email"))
        expect(page.locator(".status")).to_have_count(0)
        assert exact_count(page, tag, slug) == before
        page.goto(emailed_confirmation_link(live_server, person["text"]["email"]))
        expect(page.get_by_role("heading", level=1)).to_have_text(catalog.p("heading", "Confirm your signature"))
        page.get_by_role("button", name=catalog.p("button", "Confirm my signature")).click()
        expect_language(page, live_server.url, tag, f"{slug}/confirmed")
        assert exact_count(page, tag, slug) == before + 1
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text(catalog.p("heading", "Thank you"))
        expect(page.locator(".status .count")).to_have_text(status_line(catalog, slug, before + 1))
    if not javascript:
        assert page.locator("script").count() == 0

