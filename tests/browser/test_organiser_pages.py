"""An organiser at work (issue 19, item 8), in Korean on a 1,280 px screen: the dashboard wider than
the public pages, dates under its chart, the current page marked, sign-out a button; closing
through its confirmation page (and Cancel); a paper batch previewed in the form's name order,
saved from the preview's hidden fields (its line breaks kept by a real browser), one of its
signatures hidden and counted again from the banner, the batch deleted through its confirmation
page. Each page passes axe-core. Screenshots: artifacts/screenshots/organisers/<tag>-<name>.png."""
from datetime import datetime, timedelta, timezone

from babel.dates import format_skeleton
from playwright.sync_api import expect

from .support import screenshot_path
from .test_accessibility import SERIOUS, axe_violations, organiser_account

TAG = "ko"
# Days ago on which the chart's campaign gets a signature (a few a day, some days none).
CHART_DAYS_AGO = (0, 0, 1, 2, 2, 2, 4, 5, 8, 9, 9, 12, 15, 15, 15, 15, 20, 22, 27)


def shoot(page, name):
    page.screenshot(path=screenshot_path("organisers", f"{TAG}-{name}.png"), full_page=True)


def assert_no_serious_violations(page, axe_script):
    serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
    assert serious == [], serious


def signed_in(visit, live_server):
    email, password = organiser_account(live_server)
    page = visit(TAG, bypass_csp=True).new_page()  # bypass_csp: axe-core is injected
    page.goto(f"/{TAG}/organisers/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    return page


def signatures_on_past_days(live_server, slug):
    """Counted signatures spread over the last four weeks, so that the chart has bars to date."""
    from campaign.extensions import db
    from campaign.models import Signature
    from campaign.petitions.counting import increment_count

    with live_server.app.app_context():
        if db.session.query(Signature).filter(Signature.identity_key.like("chart-%")).count():
            return
        now = datetime.now(timezone.utc)
        for number, days_ago in enumerate(CHART_DAYS_AGO):
            db.session.add(Signature(campaign=slug, identity_key=f"chart-{number}", first_name="Chart",
                                     last_name=str(number), country="KR", locale=TAG, status="counted",
                                     created_at=now - timedelta(days=days_ago, minutes=1)))
            increment_count(slug)
        db.session.commit()


def batch_names(live_server, place):
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.models import PaperBatch, Signature

    with live_server.app.app_context():
        return db.session.execute(select(Signature.last_name, Signature.first_name, Signature.region)
                                  .join(PaperBatch, PaperBatch.id == Signature.paper_batch_id)
                                  .where(PaperBatch.place == place).order_by(Signature.id)).all()


def count(page, slug):
    return page.request.get(f"/{TAG}/{slug}/count.json").json()["count"]


def test_the_dashboard_is_wide_its_chart_dated_and_its_page_marked(visit, live_server, catalogs, axe_script):
    catalog = catalogs[TAG]
    signatures_on_past_days(live_server, "unhcr")
    page = signed_in(visit, live_server)
    page.goto(f"/{TAG}/about")
    public_width = page.locator("main").bounding_box()["width"]
    page.goto(f"/{TAG}/organisers/unhcr/")
    organiser_width = page.locator("main").bounding_box()["width"]
    assert public_width <= 768 < 1100 <= organiser_width, (public_width, organiser_width)
    today = datetime.now(timezone.utc).date()
    dates = page.locator(".day-chart .axis-date").all_text_contents()
    assert len(dates) == 5 and dates[-1] == format_skeleton("MMMd", today, locale="ko"), dates
    current = page.locator(".organiser-nav a[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text(catalog.p("organiser page", "Figures and settings"))
    sign_out = page.get_by_role("button", name=catalog.p("button", "Sign out"))
    expect(sign_out).to_have_class("button secondary compact")
    assert sign_out.bounding_box()["height"] >= 44
    assert_no_serious_violations(page, axe_script)
    shoot(page, "dashboard")


def test_closing_asks_first_and_cancel_changes_nothing(visit, live_server, catalogs, axe_script):
    catalog = catalogs[TAG]
    page = signed_in(visit, live_server)
    page.goto(f"/{TAG}/organisers/unhcr/")
    title = page.locator("h1").inner_text()
    page.get_by_role("link", name=catalog.p("button", "Close the campaign")).click()
    expect(page.locator("h1")).to_have_text(catalog._("Close “%(title)s”?", title=title))
    expect(page.locator(".warning")).to_contain_text(catalog._("Nobody will be able to sign it until you open it again."))
    seen = page.locator(".signer-view")
    expect(seen).to_contain_text(catalog._(
        "This petition is closed and no longer accepts signatures. Thank you to everyone who signed."))
    number = catalog.number(count(page, "unhcr"))
    expect(seen.locator(".count")).to_contain_text(number)
    expect(page.get_by_role("button", name=catalog.p("button", "Close the campaign"))).to_have_class(
        "button destructive")
    assert_no_serious_violations(page, axe_script)
    shoot(page, "close-confirmation")
    page.get_by_role("link", name=catalog.p("link", "Cancel")).click()
    expect(page.locator(".organiser-nav a[aria-current=page]")).to_have_text(
        catalog.p("organiser page", "Figures and settings"))
    assert page.request.get(f"/{TAG}/unhcr/count.json").json()["closed"] is False


def test_a_paper_batch_previewed_saved_moderated_and_deleted(visit, live_server, catalogs, axe_script):
    catalog = catalogs[TAG]
    page = signed_in(visit, live_server)
    before = count(page, "congress")
    place = "한인교회, Annandale"
    page.goto(f"/{TAG}/organisers/congress/paper")
    page.locator("input[name=collected_on]").fill("2026-11-20")
    page.locator("input[name=place]").fill(place)
    page.locator("select[name=language]").select_option("ko")
    page.locator("textarea[name=lines]").fill("민준;김;Annandale;VA;22003;VA-11\n"
                                               "Grace;Lee;Fairfax;Virginia;22030;VA-11\n"
                                               "서연;박;Centreville;VA;20120;VA-10\n"
                                               "민준;김;Annandale;VA;22003;VA-11")
    page.get_by_role("button", name=catalog.p("button", "Check these signatures")).click()

    # The preview: family name first (a Korean form), states in words, the repeated line marked.
    headings = page.locator("table.paper-preview thead th").all_inner_texts()
    assert headings[1:3] == [catalog.p("form field", "Last name"), catalog.p("form field", "First name")], headings
    first = page.locator("table.paper-preview tbody tr").first.locator("td").all_inner_texts()
    assert first[1:4] == ["김", "민준", "Annandale"] and first[4] not in ("", "VA"), first  # Virginia, in Korean
    expect(page.locator("table.paper-preview tbody tr").last).to_contain_text(
        catalog.p("paper batch", "Already in this batch"))
    assert count(page, "congress") == before and batch_names(live_server, place) == []
    assert_no_serious_violations(page, axe_script)
    shoot(page, "paper-preview")

    # Saved from the hidden fields: every line arrives as its own signature.
    page.get_by_role("button", name=catalog.n("Save %(count)s new signature", "Save %(count)s new signatures", 3,
                                              count=3)).click()
    expect(page.locator(".success")).to_contain_text(catalog.n(
        "The batch is saved: %(count)s new signature.", "The batch is saved: %(count)s new signatures.", 3, count=3))
    assert [(last, first_name) for last, first_name, _state in batch_names(live_server, place)] == [
        ("김", "민준"), ("Lee", "Grace"), ("박", "서연")]
    assert count(page, "congress") == before + 3

    # Hidden from the list, counted again from the banner's Undo.
    page.goto(f"/{TAG}/organisers/congress/signatures/")
    row = page.locator("table.signature-list tbody tr", has_text="박서연")
    row.locator("select").select_option("spam")
    row.get_by_role("button", name=catalog.p("button", "Hide")).click()
    banner = page.locator(".success")
    expect(banner).to_be_focused()
    expect(banner).to_contain_text("박서연")
    assert count(page, "congress") == before + 2
    assert_no_serious_violations(page, axe_script)
    shoot(page, "hidden-banner")
    banner.get_by_role("button", name=catalog.p("button", "Undo")).click()
    expect(page.locator(".success")).to_contain_text(catalog._("The signature of %(name)s counts again.",
                                                               name="박서연"))
    assert count(page, "congress") == before + 3

    # Deleted as a whole, after its confirmation page.
    page.goto(f"/{TAG}/organisers/congress/paper")
    page.locator("#batches + table tbody tr", has_text=place).get_by_role(
        "link", name=catalog.p("paper batch", "Delete the batch")).click()
    expect(page.locator(".warning")).to_contain_text(catalog.n(
        "%(count)s counted signature will leave the count, the lists, the packets and the exports.",
        "%(count)s counted signatures will leave the count, the lists, the packets and the exports.", 3, count=3))
    assert_no_serious_violations(page, axe_script)
    shoot(page, "paper-delete")
    page.get_by_role("button", name=catalog.p("button", "Delete the batch")).click()
    expect(page.locator(".success")).to_contain_text(catalog.n(
        "The batch is deleted: %(count)s signature no longer counts.",
        "The batch is deleted: %(count)s signatures no longer count.", 3, count=3))
    assert count(page, "congress") == before and batch_names(live_server, place) == []
