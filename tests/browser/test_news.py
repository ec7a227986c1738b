"""News to signers in a browser (issue 16, item 5): an organiser, in Korean on a 1,280 px screen,
writes an update to CA-40 in English and Korean, reads each language's email (the HTML part in
its sandboxed frame), sees the readers per language and sends it once. Each page passes
axe-core. Screenshots: artifacts/screenshots/organisers/ko-news-*.png."""
from datetime import datetime, timezone

from playwright.sync_api import expect

from .support import screenshot_path
from .test_delivery_log import assert_no_serious_violations
from .test_organiser_pages import signed_in

READERS = (("ko", "news-ko-0"), ("ko", "news-ko-1"), ("zh-Hant", "news-zh-0"), ("en", "news-en-0"))


def ca40_readers(live_server):
    """Four CA-40 signers with a confirmed address who asked for news (ko, ko, zh-Hant, en)."""
    from campaign.extensions import db
    from campaign.models import Consent, Signature
    from campaign.petitions.counting import increment_count

    with live_server.app.app_context():
        if db.session.query(Signature).filter(Signature.identity_key.like("news-%")).count():
            return
        now = datetime.now(timezone.utc)
        for locale, key in READERS:
            signature = Signature(campaign="congress", identity_key=key, first_name="Reader", last_name=key,
                                  email=f"{key}@example.org", city="Yorba Linda", region="CA", district="CA-40",
                                  country="US", locale=locale, status="counted", confirmed_at=now)
            signature.consents = [Consent(purpose="follow_up_email", choice="yes", wording_version="test",
                                          locale=locale, given_at=now)]
            db.session.add(signature)
            increment_count("congress")
        db.session.commit()


def test_an_organiser_writes_previews_and_sends_an_update_in_korean(visit, live_server, catalogs, axe_script):
    ko = catalogs["ko"]
    ca40_readers(live_server)
    page = signed_in(visit, live_server)
    page.goto("/ko/organisers/congress/")
    page.get_by_role("link", name=ko.p("organiser page", "News")).click()
    assert_no_serious_violations(page, axe_script)
    page.get_by_role("link", name=ko.p("button", "Write an update")).click()

    page.get_by_label(ko.p("news audience", "The signers of one congressional district")).check()
    page.locator("input[name=district]").fill("ca 40")
    page.locator("input[name=subject_0]").fill("The office answered")
    page.locator("textarea[name=body_0]").fill("Rep. Young Kim's office answered our letter.\n\nThank you.")
    page.locator("input[name=subject_1]").fill("의원실이 답변했습니다")
    page.locator("textarea[name=body_1]").fill("영 김 의원실이 서한에 답변했습니다.\n\n감사합니다.")
    assert_no_serious_violations(page, axe_script)
    page.screenshot(path=screenshot_path("organisers", "ko-news-form.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name=ko.p("button", "Save and preview")).click()

    # The readers per language, the Korean email as sent, the Traditional Chinese one in English, marked.
    expect(page.locator("table.news-readers tr[data-language=ko] td").first).to_have_text(ko.number(2))
    expect(page.locator("#preview-ko .news-subject")).to_have_text("의원실이 답변했습니다")
    only_english = catalogs["zh-Hant"].p("email", "This update is only available in %(language)s.", language="英文")
    expect(page.locator("#preview-zh-Hant pre")).to_contain_text(only_english)
    expect(page.locator("#preview-zh-Hant pre")).to_contain_text("Rep. Young Kim's office answered our letter.")
    frame = page.frame_locator("#preview-ko iframe")
    expect(frame.locator("body")).to_contain_text("영 김 의원실이 서한에 답변했습니다.")
    assert_no_serious_violations(page, axe_script)
    page.screenshot(path=screenshot_path("organisers", "ko-news-preview.png"), full_page=True)
    with page.expect_navigation(wait_until="domcontentloaded"):  # not the four frames' loads
        page.get_by_role("button", name=ko.n("Send to %(count)s person", "Send to %(count)s people", 4,
                                             count=ko.number(4))).click()
    expect(page.locator("div.info[role=status]")).to_contain_text(ko._("It cannot be sent again or changed."))
    expect(page.get_by_role("button", name=ko.n("Send to %(count)s person", "Send to %(count)s people", 4,
                                                count=ko.number(4)))).to_have_count(0)
    assert_no_serious_violations(page, axe_script)
    page.screenshot(path=screenshot_path("organisers", "ko-news-sent.png"), full_page=True)
    # The HTML part as its frame shows it (a full-page screenshot leaves sandboxed frames blank).
    page.locator("#preview-ko iframe").screenshot(path=screenshot_path("organisers", "ko-news-email-html.png"))
