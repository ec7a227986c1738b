"""Delivery packets built in the background, in Korean: the organiser presses "Build all packets",
the page shows the build waiting (its status region kept up to date by packets.js, never a timed
reload), a packet worker builds it, the page comes back by itself with the finished files, whose
download is the file the worker wrote. Each state passes axe-core. Screenshots:
artifacts/screenshots/organisers/ko-packets-*.png."""
from pathlib import Path

from playwright.sync_api import expect

from .test_organiser_pages import assert_no_serious_violations, shoot, signatures_on_past_days, signed_in

TAG = "ko"


def test_build_all_packets_from_the_dashboard(visit, live_server, catalogs, axe_script):
    from sqlalchemy import select

    from campaign.delivery import jobs
    from campaign.extensions import db
    from campaign.models import BUILD_DONE, PacketBuild

    catalog = catalogs[TAG]
    signatures_on_past_days(live_server, "unhcr")
    page = signed_in(visit, live_server)
    page.goto(f"/{TAG}/organisers/unhcr/packets/")
    page.get_by_role("button", name=catalog.p("button", "Build all packets")).click()

    # Waiting for a worker: said in the status region; the script follows it, so no link to reload.
    expect(page.get_by_role("status")).to_contain_text(
        catalog._("Build asked for on %(time)s (UTC): waiting for the packet worker to start it.", time="TIME")
        .split("TIME")[-1].strip())
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    expect(page.locator("[data-build-refresh]")).to_be_hidden()
    expect(page.get_by_role("button", name=catalog.p("button", "Build all packets"))).to_have_count(0)
    assert_no_serious_violations(page, axe_script)
    shoot(page, "packets-waiting")

    with live_server.app.app_context():
        assert jobs.work() == 1
        build = db.session.scalars(select(PacketBuild).where(PacketBuild.campaign == "unhcr")
                                   .order_by(PacketBuild.id.desc())).first()
        assert build.status == BUILD_DONE, build.error
        written = (Path(live_server.app.config["PACKET_BUILDS_DIR"]) / build.directory / "pdf"
                   / "unhcr.pdf").read_bytes()

    # packets.js sees the build is over and shows the page again, with its files.
    link = page.locator('a[href$="/packets/unhcr.pdf"]')
    expect(link).to_have_count(1, timeout=15000)
    expect(page.locator("table th").nth(2)).to_have_text(catalog.p("packets", "File size"))
    expect(page.get_by_role("button", name=catalog.p("button", "Build all packets"))).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body() == written
    assert_no_serious_violations(page, axe_script)
    shoot(page, "packets-built")
