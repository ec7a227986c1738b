"""The congress district question in Chromium (issue 19, item 3), with JavaScript off: a ZIP code
in three districts (92833, Fullerton) brings back the form with a neutral question, not an error,
focused, with each district's member and nearby places, the House's look-up and "I'm not sure",
which then signs. At 360 px and 1,280 px in Korean and Traditional Chinese; screenshots of the
question go to artifacts/screenshots/{phone,desktop}/<lang>-district-question.png."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from .pages import NAMES, submit
from .support import DESKTOP, PHONE, screenshot_path

FIND_YOUR_REPRESENTATIVE = "https://www.house.gov/representatives/find-your-representative"
# Members of the shipped file (2026-06) for the three districts of 92833.
MEMBERS = ("CA-38 — Linda T. Sánchez", "CA-45 — Derek Tran", "CA-46 — J. Luis Correa")


@pytest.fixture
def district_table(live_server):
    """The shipped ZIP → district table and members, in the test server's database for this test
    only: the other browser tests sign with made-up ZIP codes that no table should check."""
    from campaign.congress_data import import_congress_data
    from campaign.extensions import db
    from campaign.models import CongressMember, ZipDistrict

    with live_server.app.app_context():
        import_congress_data()
    yield
    with live_server.app.app_context():
        db.session.execute(delete(ZipDistrict))
        db.session.execute(delete(CongressMember))
        db.session.commit()


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("tag", ["ko", "zh-Hant"])
def test_three_district_choice(visit, catalogs, district_table, tag, device):
    catalog = catalogs[tag]
    page = visit(tag, java_script_enabled=False, **(PHONE if device == "phone" else DESKTOP)).new_page()
    page.goto(f"/{tag}/congress/")
    # By name, not label: this test is about the question, not how the other fields are labelled.
    first, last = NAMES[tag]
    for name, value in (("first_name", first), ("last_name", last), ("city", "Fullerton"), ("zip_code", "92833")):
        page.locator(f'form [name="{name}"]').fill(value)
    page.locator('form [name="state"]').select_option("CA")
    submit(page, catalog)

    question = page.locator("fieldset.question")
    expect(question).to_be_visible()
    # autofocus, no script needed: the page opens on the question (its legend, a short element).
    expect(question.locator("legend")).to_be_focused()
    expect(question.locator("legend")).to_be_in_viewport()
    expect(question.locator("legend")).to_have_text(
        catalog.p("form field", "Which congressional district do you live in?"))
    # A question, not an error: no alert, no error summary, no field marked invalid.
    expect(page.locator("[role=alert]")).to_have_count(0)
    expect(page.locator(".error-summary, .error, [aria-invalid=true]")).to_have_count(0)
    expect(question).to_contain_text("92833")
    expect(question.locator(f'a[href="{FIND_YOUR_REPRESENTATIVE}"]')).to_have_attribute("target", "_blank")

    radios = question.get_by_role("radio")
    expect(radios).to_have_count(4)
    for index, name in enumerate(MEMBERS):
        expect(radios.nth(index)).to_have_accessible_name(name)
    unsure = question.get_by_role("radio", name=catalog.p("district choice", "I’m not sure"), exact=True)
    expect(unsure).to_be_visible()
    # Each choice carries its hint as its description: nearby places, or where "not sure" goes.
    expect(radios.nth(0)).to_have_accessible_description(
        catalog._("Nearby, in this district only: %(places)s", places="La Mirada (90639) · Whittier (90603, 90604)"))
    expect(unsure).to_have_accessible_description(catalog._(
        "Your signature goes to your state’s two senators and is counted in the summary of all signatures, "
        "but no representative receives it."))
    for hint in question.locator(".choice-hint").all():
        expect(hint).to_be_visible()

    page.screenshot(path=screenshot_path(device, f"{tag}-district-question-viewport.png"))
    question.screenshot(path=screenshot_path(device, f"{tag}-district-question.png"))

    unsure.check()
    submit(page, catalog)
    expect(page).to_have_url(f"{page.url.split('/' + tag + '/')[0]}/{tag}/congress/thanks")


@pytest.mark.parametrize("tag", ["en", "ko", "zh-Hant"])
def test_the_question_passes_axe(visit, axe_script, district_table, tag):
    from .test_accessibility import SERIOUS, axe_violations

    # bypass_csp: our Content-Security-Policy forbids inline script, which is how axe is injected.
    page = visit(tag, bypass_csp=True).new_page()
    page.goto(f"/{tag}/congress/")
    for name, value in (("first_name", "Young"), ("last_name", "Park"), ("city", "Fullerton"), ("zip_code", "92833")):
        page.locator(f'form [name="{name}"]').fill(value)
    page.locator('form [name="state"]').select_option("CA")
    page.locator("form button[type=submit]").click()
    expect(page.locator("fieldset.question")).to_be_visible()
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert serious == []
