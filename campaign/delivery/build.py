"""Building a campaign's packets: `flask delivery build <campaign>` and the dashboard's builds (jobs.py).

A packet is written in its recipient's language (the campaign's first delivered language; xi
adds Chinese itself), whoever builds it: the command line, or an organiser on a Korean page.
Only recipients with signers get a packet.
"""
import importlib
import logging
import multiprocessing
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from ..extensions import db
from ..i18n import languages
from ..mail.compose import in_language
from .document import signer_cells
from .fonts import CharacterSets, FontSet
from .letter import letter_version
from .packet import CampaignPackets, VersionNote, packet_texts, render
from .signers import listed

logger = logging.getLogger(__name__)

# Campaigns with packets, and the module of this package that describes them.
PACKET_MODULES = {"congress": "congress", "xi": "xi", "unhcr": "unhcr", "coalition": "coalition"}


def has_packets(slug):
    return slug in PACKET_MODULES


def in_delivered_language(definition):
    """Render in the language the recipient reads, whatever the page's (a context manager)."""
    return in_language(definition.delivered_languages[0])


def packets_for(definition, generated_at):
    """The campaign's packets as CampaignPackets (descriptions; nothing drawn yet): one for each
    recipient with signers, and the summary. Needs a request context."""
    module = importlib.import_module(f".{PACKET_MODULES[definition.slug]}", __package__)
    with in_delivered_language(definition):
        described = module.packets(definition, generated_at)
    # The letter texts a packet prints, for its fingerprint (packet.PacketFingerprint).
    letters = tuple((language, letter_version(definition, language)) for language in definition.delivered_languages)
    kept = tuple(replace(packet, letters=letters) for packet in described if packet.summary or packet.count > 0)
    summary = next((packet for packet in kept if packet.summary), None)
    total = summary.count if summary else sum(packet.count for packet in kept)
    return CampaignPackets(packets=kept, total=total, skipped=len(described) - len(kept))


def _version_note(definition, packets):
    """The VersionNote of a build's packets (None if none lists signers): the letter's current
    version in every language, computed before any worker process is forked."""
    if not any(packet.signers for packet in packets):
        return None
    return VersionNote(languages=tuple(definition.delivered_languages),
                       current={tag: letter_version(definition, tag) for tag in languages()})


def _characters(packets, slug, note=None):
    """Every character the packets will draw, by face: their texts, and one pass over the signers."""
    characters = CharacterSets()
    for packet in packets:
        for text, face in packet_texts(packet):
            # Table cells choose their face from their own text (fonts.face_for): add both.
            characters.add(text, face)
            characters.add_written(text, None)
    row_makers = {packet.signers.row for packet in packets if packet.signers}
    if not row_makers:
        return characters
    versions = set()  # (letter version, language signed in): for the note after the signers
    for row in listed(slug):
        for make_row in row_makers:
            for text, language in signer_cells(make_row, row, characters.unlisted):
                characters.add_written(text, language)
        versions.add((row.letter_version, row.locale))
    if note:
        for text, face in note.specimen(versions):
            characters.add(text, face)
    return characters


def now_to_the_second():
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass
class PreparedBuild:
    """What every packet of one build shares, worked out once: the packets, the fonts subset to
    every character they draw and the note on letter versions."""
    described: CampaignPackets
    fonts: FontSet
    generated_at: datetime
    slug: str
    note: VersionNote | None

    def draw(self, packet):
        """The packet's PDF (bytes)."""
        return render(packet, self.fonts, self.generated_at, self.slug, self.note)


@contextmanager
def prepared(definition, generated_at, report=None):
    """A PreparedBuild of the campaign's packets, drawn in the recipients' language while it is open.

    build() writes them all at once; the dashboard's builds (jobs.py) draw them one at a time and
    record each, so that a build interrupted halfway can be resumed: the same signatures and
    `generated_at` give the same bytes, whichever process draws a packet.
    """
    with in_delivered_language(definition):  # forked workers inherit it
        described = packets_for(definition, generated_at)
        note = _version_note(definition, described.packets)
        characters = _characters(described.packets, definition.slug, note)
        _report(characters, report)
        with FontSet(characters) as fonts:
            yield PreparedBuild(described, fonts, generated_at, definition.slug, note)


def _write(job, packet, directory):
    path = Path(directory) / packet.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(job.draw(packet))
    return path


# The job of the worker processes of a parallel build, set before they are forked: packets hold
# functions, which cannot be sent to a process, but a forked process has them already.
_job = None


def _write_numbered(index):
    job, directory = _job
    return _write(job, job.described.packets[index], directory)


def _report(characters, report):
    """Log what the build could not draw (fonts.CharacterSets.problems), and add it to `report`."""
    for line in characters.problems():
        logger.warning(line)
        if report is not None:
            report.append(line)


def build(definition, directory, generated_at=None, progress=lambda packets: packets, workers=1, report=None):
    """Write every packet of the campaign under `directory`. Returns [(packet, path)].

    `progress` wraps the list of packets being written (e.g. in a progress bar). With `workers`
    > 1 (the command line; never inside a web request) packets are drawn by that many forked
    processes: a packet per member of Congress keeps both cores busy. The files are the same.
    What could not be drawn (a name's character no font has, a row that failed) is logged and
    added to the list `report`, if given: one name never stops a build.
    """
    global _job
    generated_at = generated_at or now_to_the_second()
    with prepared(definition, generated_at, report) as job:
        packets = job.described.packets
        if workers <= 1 or len(packets) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return [(packet, _write(job, packet, directory)) for packet in progress(packets)]
        # The children open their own database connections: none may be shared across a fork.
        db.session.remove()
        db.engine.dispose()
        _job = (job, directory)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                paths = pool.imap(_write_numbered, range(len(packets)), chunksize=4)
                return [(packet, path) for packet, path in zip(progress(packets), paths)]
        finally:
            _job = None
