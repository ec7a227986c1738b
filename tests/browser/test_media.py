"""A campaign video loads nothing from its host until the visitor chooses to play it."""
import json

from playwright.sync_api import expect

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def add_video(live_server, slug="xi"):
    from campaign.extensions import db
    from campaign.models import CampaignMedia

    with live_server.app.app_context():
        row = CampaignMedia(campaign=slug, kind="video", url=VIDEO, subtitles="en ko",
                            titles=json.dumps({"en": "Testimonies of North Koreans", "ko": "탈북민의 증언"}))
        db.session.add(row)
        db.session.commit()
        media_id = row.id
    live_server.app.extensions.pop("sign_page_cache", None)  # as the organisers' media page does
    return media_id


def test_no_request_to_the_video_host_before_play(visit, live_server):
    media_id = add_video(live_server)
    visitor = visit("ko")
    page = visitor.new_page()
    page.goto("/ko/xi/")
    link = page.get_by_role("link", name="탈북민의 증언")
    expect(link).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert visitor.foreign == []
    assert all("youtube" not in url for url in visitor.requests)
    with page.expect_request(lambda request: "youtube-nocookie.com" in request.url) as played:
        link.click()
    assert page.url.endswith(f"/ko/xi/media/{media_id}")
    assert "cc_lang_pref=ko" in played.value.url and "/embed/dQw4w9WgXcQ" in played.value.url
    # The only request to another host is the one the visitor asked for (refused here: no network).
    for _ in range(50):  # the refusal is recorded by the route handler, just after the request event
        if visitor.foreign:
            break
        page.wait_for_timeout(100)
    assert visitor.foreign and all(url.startswith("https://www.youtube-nocookie.com/embed/") for url in visitor.foreign)
    visitor.foreign.clear()
