"""Which translations of delivered letters a reviewer has checked: translations/<lang>/REVIEWED.

Where a letter is delivered in a translation (the letter to Xi Jinping goes to the embassies in
Simplified Chinese too: its definition's delivered_languages), a second person reads every string of
it before delivery. `flask translate review zh-Hans xi` records each string as it is then: a line
with a digest of its context, English and translation. When either text changes the line no longer
matches, and `flask translate check` lists the string as unreviewed again.

A file rather than a `#, reviewed` flag: Poedit saves through msgcat, which drops flags it does not
know, so a flag would vanish the first time a translator saved the catalog.
"""
import hashlib
from pathlib import Path

FILE_NAME = "REVIEWED"
HEADER = ("# Translations of delivered letters that a reviewer has checked, one per line, written by\n"
          "# `flask translate review` (see TRANSLATING.md). A line stops counting when its English or its\n"
          "# translation changes. Columns: digest, context, the English's first words.\n")
# Entries that letters take their facts from (names, treaties, bills), in the campaign's own module.
FACT_CONTEXTS = {"person", "treaty", "organisation", "law", "bill", "bill title", "committee", "number",
                 "campaign title"}


def reviewed_path(directory, catalog_folder):
    return Path(directory) / catalog_folder / FILE_NAME


def digest(message):
    english = "\x00".join(message.id) if isinstance(message.id, (list, tuple)) else message.id
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    text = f"{message.context or ''}\x04{english}\x00\x00{chr(0).join(s or '' for s in strings)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def delivered_letters(tag):
    """Slugs of the campaigns whose letter is delivered in language `tag` (English never counts)."""
    from .campaigns import definitions

    return [d.slug for d in definitions() if tag != "en" and tag in d.delivered_languages]


def letter_entries(catalog, slug):
    """Entries whose text is delivered with the letter of `slug`: its paragraphs, the facts they
    quote, and the labels of its delivery packet."""
    from .campaigns import definitions

    other_packets = {f"campaign/delivery/{d.slug}.py" for d in definitions() if d.slug != slug}
    own_modules = {f"campaign/campaigns/{slug}.py", "campaign/campaigns/common.py"}
    for message in catalog:
        if not message.id:
            continue
        files = {name for name, _line in message.locations}
        if (message.context == f"letter:{slug}" or f"campaign/templates/{slug}/letter.html" in files
                or any(name.startswith("campaign/delivery/") and name not in other_packets for name in files)
                or (message.context in FACT_CONTEXTS and files & own_modules)):
            yield message


def reviewed_digests(directory, catalog_folder):
    path = reviewed_path(directory, catalog_folder)
    if not path.exists():
        return set()
    return {line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")}


def unreviewed(directory, catalog_folder, tag, catalog):
    """(slug, message) for every translated string of a delivered letter no reviewer has checked."""
    done = reviewed_digests(directory, catalog_folder)
    for slug in delivered_letters(tag):
        for message in letter_entries(catalog, slug):
            if is_translated(message) and digest(message) not in done:
                yield slug, message


def mark_reviewed(directory, catalog_folder, messages):
    """Record `messages` as reviewed; lines of other entries that still match stay."""
    path = reviewed_path(directory, catalog_folder)
    lines = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                lines[line.split("\t", 1)[0]] = line
    for message in messages:
        english = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        words = " ".join(english.split()[:8])
        lines[digest(message)] = f"{digest(message)}\t{message.context or '-'}\t{words}"
    path.write_text(HEADER + "".join(line + "\n" for line in sorted(lines.values(), key=lambda l: l.split("\t")[1:])),
                    encoding="utf-8")


def is_translated(message):
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and not message.fuzzy
