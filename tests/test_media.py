"""Campaign media: organisers add and remove videos and documents; pages link to our own player page,
which alone frames the video host, with subtitles in the page's language where the video has them."""
import json
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import AuditEntry, CampaignMedia
from campaign.petitions.media import Video, parse_video
from conftest import csrf_token
from test_organisers import admin, log_in  # noqa: F401  (fixture)

MEDIA = "/en/organisers/xi/media/"


@pytest.mark.parametrize("url, video", [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", Video("youtube", "dQw4w9WgXcQ")),
    ("https://youtu.be/dQw4w9WgXcQ", Video("youtube", "dQw4w9WgXcQ")),
    ("https://m.youtube.com/shorts/dQw4w9WgXcQ", Video("youtube", "dQw4w9WgXcQ")),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", Video("youtube", "dQw4w9WgXcQ")),
    ("https://vimeo.com/76979871", Video("vimeo", "76979871")),
    ("https://www.youtube.com/watch?v=short", None),
    ("https://example.org/video.mp4", None),
    ("https://evil.example/youtube.com/watch?v=dQw4w9WgXcQ", None),
])
def test_video_addresses(url, video):
    assert parse_video(url) == video


def organiser(app):
    client = app.test_client()
    log_in(client, "admin@example.org")
    return client


def add(client, **fields):
    data = {"csrf_token": csrf_token(client, MEDIA), "kind": "video", "url": "https://youtu.be/dQw4w9WgXcQ",
            "title_0": "Testimonies", "title_1": "탈북민의 증언", "subtitles_0": "y", "subtitles_1": "y", **fields}
    return client.post(MEDIA, data=data)


def foreign_loads(html):
    """src/href of everything a browser loads by itself (not links) that is not on our site."""
    soup = BeautifulSoup(html, "html.parser")
    loads = [tag.get("src") for tag in soup.find_all(["script", "img", "iframe", "video", "audio", "source", "embed"])]
    loads += [tag.get("href") for tag in soup.find_all("link") if "stylesheet" in (tag.get("rel") or []) or
              "preload" in (tag.get("rel") or [])]
    return [url for url in loads if url and re.match(r"^(https?:)?//", url)]


def test_the_campaign_page_links_to_our_player_and_loads_nothing_from_the_host(app, client, admin):  # noqa: F811
    assert add(organiser(app)).status_code == 303
    with app.app_context():
        media_id = db.session.execute(select(CampaignMedia.id)).scalar_one()
    korean = client.get("/ko/xi/")
    html = korean.get_data(as_text=True)
    assert f'href="/ko/xi/media/{media_id}"' in html and "탈북민의 증언" in html
    assert "youtube" not in html and foreign_loads(html) == []
    assert "frame-src" not in korean.headers["Content-Security-Policy"]
    assert "Testimonies" in client.get("/zh-Hans/xi/").get_data(as_text=True)  # no Chinese title: English

    player = client.get(f"/ko/xi/media/{media_id}")
    iframe = BeautifulSoup(player.get_data(as_text=True), "html.parser").find("iframe")
    assert iframe["src"].startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?")
    assert "cc_lang_pref=ko" in iframe["src"]
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in player.headers[
        "Content-Security-Policy"]
    chinese = BeautifulSoup(client.get(f"/zh-Hans/xi/media/{media_id}").get_data(as_text=True), "html.parser")
    assert "cc_lang_pref" not in chinese.find("iframe")["src"]  # no Chinese subtitles: none asked for
    assert client.get(f"/ko/unhcr/media/{media_id}").status_code == 404  # another campaign's


def test_bad_addresses_are_refused_and_nothing_is_stored(app, admin):  # noqa: F811
    client = organiser(app)
    for fields in ({"url": "https://example.org/not-a-video"}, {"url": "javascript:alert(1)"},
                   {"title_0": ""}, {"kind": "podcast"}, {"alternative_url": "ftp://x"}):
        response = add(client, **fields)
        assert response.status_code == 400, fields
    with app.app_context():
        assert db.session.execute(select(CampaignMedia)).first() is None


def test_documents_and_removal_are_audited(app, client, admin):  # noqa: F811
    organiser_client = organiser(app)
    response = add(organiser_client, kind="document", url="https://example.org/the-list.pdf",
                   title_0="THE LIST", title_1="", subtitles_0="", subtitles_1="")
    assert response.status_code == 303
    page = client.get("/ko/xi/").get_data(as_text=True)
    assert 'href="https://example.org/the-list.pdf"' in page and "THE LIST" in page
    with app.app_context():
        item = db.session.execute(select(CampaignMedia)).scalar_one()
        assert json.loads(item.titles) == {"en": "THE LIST"} and item.subtitles == ""
    token = csrf_token(organiser_client, MEDIA)
    assert organiser_client.post(f"{MEDIA}{item.id}/delete", data={"csrf_token": token}).status_code == 303
    assert "the-list.pdf" not in client.get("/ko/xi/").get_data(as_text=True)
    with app.app_context():
        actions = db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert actions[-2:] == ["media_add", "media_delete"]
