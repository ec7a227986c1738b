"""The delivery log in a browser (issue 16, item 4): an organiser, in Korean on a 1,280 px screen,
fills the form in from Young Kim's packet, records the delivery and then her office's answer;
then phone visitors (360 px) read her page and the results page in Korean and Simplified Chinese.
Each page passes axe-core and no phone page scrolls sideways. Screenshots:
artifacts/screenshots/organisers/ko-delivery-*.png and artifacts/screenshots/phone/<tag>-delivery-*.png."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .support import screenshot_path
from .test_accessibility import SERIOUS, axe_violations
from .test_organiser_pages import signed_in

YOUNG_KIM = "K000397"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SUMMARY = "Her chief of staff received the letters and promised a written answer."


def assert_no_serious_violations(page, axe_script):
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert serious == [], serious


def ca40_signatures(live_server, number=6):
    from campaign.congress_data import import_congress_data
    from campaign.extensions import db
    from campaign.models import Signature
    from campaign.petitions.counting import increment_count

    with live_server.app.app_context():
        import_congress_data()
        if db.session.query(Signature).filter(Signature.identity_key.like("delivery-%")).count():
            return
        for index in range(number):
            db.session.add(Signature(campaign="congress", identity_key=f"delivery-{index}", first_name=f"Signer{index}",
                                     last_name="Kim", city="Yorba Linda", region="CA", district="CA-40", country="US",
                                     locale="ko", status="counted"))
            increment_count("congress")
        db.session.commit()


def test_an_organiser_records_a_delivery_and_its_answer_and_phones_show_it(visit, live_server, catalogs,
                                                                           axe_script):
    ko = catalogs["ko"]
    ca40_signatures(live_server)
    page = signed_in(visit, live_server)
    page.goto("/ko/organisers/congress/")
    page.get_by_role("link", name=ko.p("organiser page", "Delivery log")).click()
    expect(page.locator("h1")).to_contain_text(ko.p("organiser page", "Delivery log"))
    assert_no_serious_violations(page, axe_script)
    page.get_by_role("link", name=ko.p("link", "Record a delivery")).click()

    # Fill in from her packet: the count and the fingerprint of the packet as it would be built now.
    page.get_by_label(ko._("Office whose packet fills in the form")).select_option(YOUNG_KIM)
    with page.expect_navigation():
        page.get_by_role("button", name=ko.p("button", "Fill in")).click()
    expect(page.locator("input[name=count]")).to_have_value("6")
    fingerprint = page.locator("input[name=packet_sha256]").input_value()
    assert re.fullmatch(r"([0-9a-f]{8} ){7}[0-9a-f]{8}", fingerprint), fingerprint
    assert_no_serious_violations(page, axe_script)
    page.locator("input[name=delivered_on]").fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_label(ko.p("delivery channel", "By hand")).check()
    page.locator("input[name=delivered_by]").fill("Grace Park")
    page.screenshot(path=screenshot_path("organisers", "ko-delivery-form.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name=ko.p("button", "Record the delivery")).click()
    banner = page.locator("div.success[role=alert]")
    expect(banner).to_be_focused()
    expect(page.locator("table.deliveries-table tbody tr")).to_contain_text("Rep. Young Kim (R-CA-40)")

    page.get_by_role("link", name=ko.p("link", "Record the response")).click()
    page.locator("input[name=response_on]").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label(ko.p("response status", "Acknowledged")).check()
    page.locator("textarea[name=summary]").fill(SUMMARY)
    page.locator("input[name=url]").fill("https://example.org/kim-answer.pdf")
    assert_no_serious_violations(page, axe_script)
    with page.expect_navigation():
        page.get_by_role("button", name=ko.p("button", "Save the response")).click()
    expect(page.locator("table.deliveries-table")).to_contain_text(ko.p("response status", "Acknowledged"))
    page.screenshot(path=screenshot_path("organisers", "ko-delivery-log.png"), full_page=True)

    for tag in ("ko", "zh-Hans"):
        catalog = catalogs[tag]
        phone = visit(tag, bypass_csp=True, **PHONE).new_page()
        phone.goto(f"/{tag}/congress/members/{YOUNG_KIM}")
        record = phone.locator("dl.delivery-record")
        expect(record).to_contain_text(catalog.p("response status", "Acknowledged"))
        expect(record.locator("p.response-summary[lang=en]")).to_have_text(SUMMARY)
        expect(record.locator("code.fingerprint")).to_have_text(fingerprint.replace(" ", ""))
        assert "Grace Park" not in phone.content()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_serious_violations(phone, axe_script)
        phone.screenshot(path=screenshot_path("phone", f"{tag}-delivery-member.png"), full_page=True)
        phone.goto(f"/{tag}/congress/results")
        status = phone.locator("section.delivery-status")
        expect(status).to_contain_text(catalog.p("heading", "Delivery"))
        expect(status.locator("table.delivery-log tbody tr")).to_have_count(1)
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_no_serious_violations(phone, axe_script)
        status.screenshot(path=screenshot_path("phone", f"{tag}-delivery-results.png"))
