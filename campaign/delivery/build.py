"""Building a campaign's packets: `flask delivery build <campaign>` and the dashboard's downloads."""
import importlib
import multiprocessing
from datetime import datetime, timezone
from pathlib import Path

from ..extensions import db
from .fonts import CharacterSets, FontSet
from .packet import packet_texts, render
from .signers import listed

# Campaigns with packets, and the module of this package that describes them.
PACKET_MODULES = {"congress": "congress", "xi": "xi", "unhcr": "unhcr", "coalition": "coalition"}


def has_packets(slug):
    return slug in PACKET_MODULES


def packets_for(definition, generated_at):
    """The campaign's packets (descriptions; nothing drawn yet). Needs a request context."""
    module = importlib.import_module(f".{PACKET_MODULES[definition.slug]}", __package__)
    return module.packets(definition, generated_at)


def _characters(packets, slug, signer_conditions=()):
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
    for row in listed(slug, *signer_conditions):
        for make_row in row_makers:
            for text, language in make_row(row):
                characters.add_written(text, language)
    return characters


def now_to_the_second():
    return datetime.now(timezone.utc).replace(microsecond=0)


def _write(packet, fonts, generated_at, slug, directory):
    path = Path(directory) / packet.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(packet, fonts, generated_at, slug))
    return path


# The job of the worker processes of a parallel build, set before they are forked: packets hold
# functions, which cannot be sent to a process, but a forked process has them already.
_job = None


def _write_numbered(index):
    packets, fonts, generated_at, slug, directory = _job
    return _write(packets[index], fonts, generated_at, slug, directory)


def build(definition, directory, generated_at=None, progress=lambda packets: packets, workers=1):
    """Write every packet of the campaign under `directory`. Returns [(packet, path)].

    `progress` wraps the list of packets being written (e.g. in a progress bar). With `workers`
    > 1 (the command line; never inside a web request) packets are drawn by that many forked
    processes: a packet per member of Congress keeps both cores busy. The files are the same.
    """
    global _job
    generated_at = generated_at or now_to_the_second()
    packets = packets_for(definition, generated_at)
    slug = definition.slug
    with FontSet(_characters(packets, slug)) as fonts:
        if workers <= 1 or len(packets) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return [(packet, _write(packet, fonts, generated_at, slug, directory)) for packet in progress(packets)]
        # The children open their own database connections: none may be shared across a fork.
        db.session.remove()
        db.engine.dispose()
        _job = (packets, fonts, generated_at, slug, directory)
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                paths = pool.imap(_write_numbered, range(len(packets)), chunksize=4)
                return [(packet, path) for packet, path in zip(progress(packets), paths)]
        finally:
            _job = None


def build_one(definition, filename, generated_at=None):
    """(packet, PDF bytes) of the packet named `filename`, or None if the campaign has no such packet."""
    generated_at = generated_at or now_to_the_second()
    packet = next((p for p in packets_for(definition, generated_at) if p.filename == filename), None)
    if packet is None:
        return None
    conditions = packet.signers.conditions if packet.signers else ()
    with FontSet(_characters([packet], definition.slug, conditions)) as fonts:
        return packet, render(packet, fonts, generated_at, definition.slug)
