"""The signer's experience of issue 19, as people see it on a 360 px phone and a 1,280 px screen,
in Korean and Traditional Chinese: the error summary after an empty submit, the "check your email"
step, the thanks page naming the recipients, the footer pages, and the sign button that stays in
reach (sticky at the bottom of a phone, the form beside the letter on a computer).

Screenshots go to artifacts/screenshots/experience/<tag>-<width>-<name>.png."""
import re
from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from .pages import fill_form, signer, submit
from .support import DESKTOP, PHONE, screenshot_path

SCREENS = {"phone": PHONE, "desktop": DESKTOP}
LANGS = ("ko", "zh-Hant")


def shoot(page, tag, screen, name, full_page=False):
    width = SCREENS[screen]["viewport"]["width"]
    page.screenshot(path=screenshot_path("experience", f"{tag}-{width}-{name}.png"), full_page=full_page)


def in_viewport(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_an_empty_submit_shows_the_error_summary_focused_and_in_view(visit, catalogs, tag, screen):
    catalog = catalogs[tag]
    page = visit(tag, **SCREENS[screen]).new_page()
    page.goto(f"/{tag}/xi/")
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert in_viewport(page, summary), summary.bounding_box()
    expect(summary.get_by_role("heading")).to_have_text(catalog.p("heading", "There is a problem"))
    expect(page).to_have_title(re.compile("^" + re.escape(catalog.p("page title", "Error: %(title)s", title=""))))
    links = summary.get_by_role("link")
    assert links.count() >= 5  # name, name, city, country, email, and the email choice
    shoot(page, tag, screen, "error-summary")
    # Each link takes the signer to its field: the last one, to the first of the email choices.
    links.last.click()
    expect(page.locator("[name=email_use]").first).to_be_focused()


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_after_signing_one_more_step_check_your_email(visit, live_server, catalogs, tag, screen):
    catalog = catalogs[tag]
    page = visit(tag, **SCREENS[screen]).new_page()
    person = signer("xi", tag)
    page.goto(f"/{tag}/xi/")
    fill_form(page, catalog, person)
    submit(page, catalog)
    expect(page.get_by_role("heading", level=1)).to_have_text(catalog.p("heading", "One more step: check your email"))
    info = page.locator(".thanks .info")
    expect(info).to_be_visible()
    # Neutral, not the error style; no count ("0 people have signed") under it.
    assert info.evaluate("el => getComputedStyle(el).borderLeftColor") != "rgb(163, 20, 29)"
    expect(page.locator(".status")).to_have_count(0)
    expect(page.locator(".next-steps")).to_contain_text(catalog._(
        "If you allowed us to send you news, we will write to you once your address is confirmed. If you chose "
        "“only to make sure my signature is counted once”, the confirmation email is the only one you will receive."))
    expect(page.get_by_role("link", name=catalog._("Typed the wrong address? Sign again with the right one.")))\
        .to_have_attribute("href", f"/{tag}/xi/#sign")
    shoot(page, tag, screen, "check-your-email", full_page=True)

    # "Send the email again" asks for the address and answers the same whatever it is.
    page.locator("#resend input[name=email]").fill(person["text"]["email"])
    page.get_by_role("button", name=catalog.p("button", "Send the email again")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(catalog.p("heading", "Check your email"))
    answer = page.locator("main").inner_text()
    other = visit(tag, **SCREENS[screen]).new_page()
    other.goto(f"/{tag}/xi/thanks")
    other.locator("#resend input[name=email]").fill("nobody.signed@example.org")
    other.get_by_role("button", name=catalog.p("button", "Send the email again")).click()
    expect(other.get_by_role("heading", level=1)).to_have_text(catalog.p("heading", "Check your email"))
    assert other.locator("main").inner_text() == answer


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_the_thanks_page_names_the_recipients_and_the_delivery(visit, live_server, catalogs, tag, screen):
    catalog = catalogs[tag]
    page = visit(tag, **SCREENS[screen]).new_page()
    page.goto(f"/{tag}/congress/thanks")
    steps = page.locator(".next-steps")
    expect(steps.get_by_role("heading")).to_have_text(catalog.p("heading", "What happens next"))
    expect(steps).to_contain_text(catalog._(
        "In mid-July, members of the %(kcc)s and the %(coalition)s deliver the letter by hand in Washington to your "
        "Representative and your two Senators (to your two Senators only if you answered “I’m not sure” to the "
        "district question), with your name, city, state and congressional district (“name withheld” instead of "
        "your name if you chose so).",
        kcc=catalog.p("organisation", "Korean Church Coalition (KCC)"),
        coalition=catalog.p("organisation", "North Korea Freedom Coalition")))
    shoot(page, tag, screen, "thanks-congress", full_page=True)
    page.goto(f"/{tag}/unhcr/thanks")
    expect(page.locator(".next-steps")).to_contain_text(catalog._(
        "The petition is delivered to the UN High Commissioner for Refugees with your name and country (“name "
        "withheld” instead of your name if you chose so). Your email address is never delivered."))
    page.goto(f"/{tag}/xi/thanks")
    deadline = live_server.app.config["XI_DEADLINE"]
    expect(page.locator(".next-steps")).to_contain_text(  # December 10, as the language writes dates
        format_date(date.fromisoformat(deadline), "long", locale=catalog.babel_name))
    shoot(page, tag, screen, "thanks-xi", full_page=True)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_the_footer_leads_to_about_privacy_and_accessibility(visit, catalogs, tag, screen):
    catalog = catalogs[tag]
    page = visit(tag, **SCREENS[screen]).new_page()
    page.goto(f"/{tag}/unhcr/")
    footer = page.get_by_role("navigation", name=catalog.p("navigation", "About this site"))
    for link, heading, name in ((catalog.p("link", "About"), catalog.p("heading", "About these petitions"), "about"),
                                (catalog.p("heading", "Privacy"), catalog.p("heading", "Privacy"), "privacy"),
                                (catalog.p("heading", "Accessibility"), catalog.p("heading", "Accessibility"),
                                 "accessibility")):
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= SCREENS[screen]["viewport"]["width"]
        shoot(page, tag, screen, f"footer-{name}", full_page=True)
        footer = page.get_by_role("navigation", name=catalog.p("navigation", "About this site"))
    page.goto(f"/{tag}/privacy")
    expect(page.locator(".privacy-table")).to_contain_text(catalog._("Your email address"))
    # Under each campaign's title: who started it, and a way to reach them.
    page.goto(f"/{tag}/xi/")
    page.locator(".byline a").click()
    expect(page).to_have_url(re.compile(rf"/{tag}/about#contact$"))


@pytest.mark.parametrize("tag", LANGS)
def test_on_a_phone_the_sign_button_stays_at_the_bottom_and_jumps_to_the_form(visit, catalogs, tag):
    catalog = catalogs[tag]
    page = visit(tag, **PHONE).new_page()
    page.goto(f"/{tag}/xi/")
    button = page.locator(".sticky-sign a")
    height = page.viewport_size["height"]
    for position in (0, 0.3, 0.6):  # top of the page, and twice further down the letter
        letter = page.locator(".letter-body")
        top = letter.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
        page.evaluate(f"window.scrollTo(0, {top} * {position})")
        box = button.bounding_box()
        assert box["y"] + box["height"] <= height + 1 and box["y"] >= height - 120, (position, box)
        if position == 0.3:
            shoot(page, tag, "phone", "sticky-sign")
    expect(button).to_have_text(catalog.p("button", "Sign the petition"))
    button.click()
    expect(page).to_have_url(re.compile(r"#sign$"))
    assert in_viewport(page, page.locator("#sign-heading"))


@pytest.mark.parametrize("tag", LANGS)
def test_on_a_computer_the_form_sits_beside_the_letter_and_stays_in_view(visit, tag):
    page = visit(tag, **DESKTOP).new_page()
    page.goto(f"/{tag}/xi/")
    expect(page.locator(".sticky-sign")).to_be_hidden()
    form, letter = page.locator("#sign"), page.locator(".letter-body")
    assert form.bounding_box()["x"] > letter.bounding_box()["x"] + letter.bounding_box()["width"]
    shoot(page, tag, "desktop", "sign-top")
    page.evaluate("window.scrollTo(0, document.querySelector('.letter-body').getBoundingClientRect().top"
                  " + window.scrollY + document.querySelector('.letter-body').offsetHeight / 2)")
    box = form.bounding_box()
    assert 0 <= box["y"] < 100, box  # stuck near the top while the letter scrolls
    expect(page.locator("#sign-heading")).to_be_in_viewport()
    shoot(page, tag, "desktop", "sign-scrolled")
