"""Campaign media: videos and documents (such as THE LIST) shown with a campaign.

A video from an outside host is never embedded in the campaign's pages. They show a link to our
own player page, and only that page, which the visitor opens by choosing to play, frames the
host's player. So a visit loads nothing from YouTube or Vimeo until the visitor asks for the
video: no tracking, no weight, and nothing that hangs for visitors who cannot reach the host
(mainland China), who also get the alternative link when the campaign has one. Subtitles follow
the page's language where the video has them.
"""
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import abort, g, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import CampaignMedia

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^\d{6,12}$")
# The hosts whose players the player page may frame (its Content-Security-Policy frame-src).
PLAYER_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


@dataclass(frozen=True)
class Video:
    host: str  # youtube or vimeo
    id: str

    def player_url(self, language=None):
        """The player's address; with `language`, subtitles in it are switched on."""
        if self.host == "youtube":
            query = {"autoplay": 1, "rel": 0}
            if language:
                query.update(cc_load_policy=1, cc_lang_pref=language, hl=language)
            return f"https://www.youtube-nocookie.com/embed/{self.id}?{urlencode(query)}"
        query = {"autoplay": 1, "dnt": 1}
        if language:
            query["texttrack"] = language
        return f"https://player.vimeo.com/video/{self.id}?{urlencode(query)}"


def parse_video(url):
    """The Video of a YouTube or Vimeo address as people copy it, or None."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/").split("/")
    candidate = None
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path[0] == "watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif path[0] in ("embed", "shorts", "live") and len(path) > 1:
            candidate = path[1]
        return Video("youtube", candidate) if candidate and YOUTUBE_ID.match(candidate) else None
    if host == "youtu.be":
        return Video("youtube", path[0]) if YOUTUBE_ID.match(path[0]) else None
    if host in ("vimeo.com", "player.vimeo.com"):
        candidate = path[-1]
        return Video("vimeo", candidate) if VIMEO_ID.match(candidate) else None
    return None


@dataclass(frozen=True)
class MediaItem:
    id: int
    kind: str
    url: str
    titles: dict
    subtitles: tuple
    alternative_url: str | None

    def title(self, language):
        return self.titles.get(language) or self.titles["en"]

    @property
    def video(self):
        return parse_video(self.url) if self.kind == "video" else None

    def player_url(self, language):
        return self.video.player_url(language if language in self.subtitles else None)


def _item(row):
    return MediaItem(row.id, row.kind, row.url, json.loads(row.titles), tuple(row.subtitles.split()),
                     row.alternative_url)


def media_for(slug):
    rows = db.session.execute(select(CampaignMedia).where(CampaignMedia.campaign == slug)
                              .order_by(CampaignMedia.position, CampaignMedia.id)).scalars().all()
    return [_item(row) for row in rows]


def add_media_routes(blueprint, definition, public):

    @blueprint.get("/media/<int:media_id>")
    def play(media_id):
        row = db.session.get(CampaignMedia, media_id)
        if row is None or row.campaign != definition.slug or row.kind != "video" or parse_video(row.url) is None:
            abort(404)
        item = _item(row)
        response = public(render_template("petitions/player.html", petition=definition, item=item,
                                           player_url=item.player_url(g.lang)))
        # This page alone may frame the video host's player (security.py forbids frames elsewhere).
        response.headers["Content-Security-Policy"] = player_policy()
        return response


def player_policy():
    from ..security import CONTENT_SECURITY_POLICY

    return CONTENT_SECURITY_POLICY + "; frame-src " + " ".join(PLAYER_ORIGINS)
