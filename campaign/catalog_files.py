"""The catalog files (messages.pot and each language's messages.po), read and written in one layout.

The layout is GNU gettext's own without line wrapping: `msgcat --no-wrap` leaves our files byte for
byte as they are, and that is what Poedit runs when it saves a file it found unwrapped (Preferences >
Advanced: "Preserve formatting of existing files" ticked, or "Wrap at" unticked). So a one-word fix
is a one-line diff, whoever saves the file. Extracted comments are wrapped at 79 columns like
xgettext's (msgcat keeps comment lines as they are), references like msgcat's.

Babel reads and writes the rest, but it drops `#|` (the previous English of a fuzzy entry) when
reading and breaks it when writing, so both are done here: a translator sees exactly what changed.
A `#, reviewed` flag would not survive Poedit (msgcat drops flags it does not know), which is why
reviews live in a REVIEWED file per language (campaign/translate.py).
"""
import io
import re
import textwrap
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime
from babel.messages.pofile import read_po, unescape

PROJECT = "campaign"
VERSION = "1"
# A fixed creation date keeps messages.pot byte-identical between runs: the gate compares it.
POT_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
SITE = "the North Korea Freedom Coalition petition site"
# Where translators write: TRANSLATING.md, "Sending your work", says how (pull request or email).
CONTACT = "see TRANSLATING.md, Sending your work"
WIDTH = 79  # gettext's page width: extracted comments and references are wrapped to it
# Lines that tools put in a header comment as placeholders, or that ours replace.
_GENERATED_HEADER = re.compile(r"FIRST AUTHOR|EMAIL@ADDRESS|ORGANIZATION|^# *$|translations? (for|of|template)|"
                               r"Translations template|same license|^# Copyright|How to translate|never edit")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\r": "\\r", "\n": "\\n", "\a": "\\a", "\b": "\\b",
            "\f": "\\f", "\v": "\\v"}


# --- reading -------------------------------------------------------------------------------------

def read(path, locale=None):
    """A Catalog from a .po or .pot file, with each fuzzy entry's previous English (`#|`)."""
    data = Path(path).read_bytes()
    catalog = read_po(io.BytesIO(data), locale=locale)
    text = data.decode("utf-8")
    previous = _previous_ids(text)
    for message in [*catalog, *catalog.obsolete.values()]:
        # Babel keeps the `#|` lines as translator comments ("| msgid ..."): they are not.
        message.user_comments = [comment for comment in message.user_comments if not comment.startswith("|")]
        if message.lineno in previous:
            message.previous_id = previous[message.lineno]
    catalog.extra_headers = _extra_headers(text)
    return catalog


def _previous_ids(text):
    """{line of the msgid: [previous msgid, (previous msgid_plural)]} from the `#|` lines."""
    found, current = {}, []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#| msgid_plural "):
            current.append(unescape(line[len("#| msgid_plural "):]))
        elif line.startswith("#| msgid "):
            current = [unescape(line[len("#| msgid "):])]
        elif line.startswith('#| "') and current:
            current[-1] += unescape(line[3:])
        elif line.startswith("msgid ") and current:
            found[number] = current
            current = []
        elif not line.strip():
            current = []
    return found


def _extra_headers(text):
    """Header fields Babel does not keep (X-Generator, which Poedit writes ...), in their order."""
    lines = text.splitlines()
    try:
        start = lines.index('msgid ""') + 2
    except ValueError:
        return []
    fields = []
    for line in lines[start:]:
        if not line.startswith('"'):
            break
        name, _colon, value = unescape(line).rstrip("\n").partition(":")
        if name.startswith("X-"):
            fields.append((name, value.strip()))
    return fields


# --- writing -------------------------------------------------------------------------------------

def render(catalog, template=False, include_lineno=True):
    """The bytes of the file: the template (messages.pot) or a language's catalog."""
    lines = _header_comment(catalog, template) + ['msgid ""', 'msgstr ""']
    lines += [_quote(f"{name}: {value}\n") for name, value in _header_fields(catalog, template)]
    entries = ["\n".join(lines)]
    for message in catalog:
        if message.id:
            entries.append("\n".join(_entry(message, catalog.num_plurals, template, include_lineno)))
    for message in catalog.obsolete.values():
        entries.append("\n".join(_obsolete_entry(message, catalog.num_plurals)))
    return ("\n\n".join(entries) + "\n").encode("utf-8")


def _header_comment(catalog, template):
    if template:
        first = f"# Translations template for {SITE}."
        last = "# Made by `flask translate update` from the code and templates: never edit it by hand."
    else:
        first = f"# {Locale.parse(catalog.locale_identifier).english_name} translation of {SITE}."
        last = "# How to translate: TRANSLATING.md. Key terms: translations/GLOSSARY.md."
    kept = [line for line in (catalog.header_comment or "").splitlines()
            if line.startswith("#") and not _GENERATED_HEADER.search(line)]
    return [first, f"# Copyright (C) {POT_DATE.year} the campaign's contributors",
            f"# This file is distributed under the same license as the {PROJECT} project (AGPL-3.0-or-later).",
            last, *kept]


def _header_fields(catalog, template):
    fields = [("Project-Id-Version", f"{PROJECT} {VERSION}"), ("Report-Msgid-Bugs-To", f"the translation coordinator: {CONTACT}"),
              ("POT-Creation-Date", _date(POT_DATE))]
    if not template:
        revision = catalog.revision_date if isinstance(catalog.revision_date, datetime) else datetime.now(timezone.utc)
        fields.append(("PO-Revision-Date", _date(revision)))
        translator = catalog.last_translator or ""
        if translator and "FULL NAME" not in translator:
            fields.append(("Last-Translator", translator))
        language = Locale.parse(catalog.locale_identifier)
        fields += [("Language", catalog.locale_identifier),
                   ("Language-Team", f"{language.english_name} translators: {CONTACT}"),
                   ("Plural-Forms", catalog.plural_forms)]
    fields += [("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=UTF-8"),
               ("Content-Transfer-Encoding", "8bit")]
    if not template:
        fields += list(getattr(catalog, "extra_headers", []))
    return fields


def _date(moment):
    return format_datetime(moment, "yyyy-MM-dd HH:mmZ", locale="en")


def _entry(message, num_plurals, template, include_lineno):
    lines = [f"# {comment}".rstrip() for comment in message.user_comments]
    for comment in message.auto_comments:
        for paragraph in comment.splitlines():
            lines += [f"#. {line}" for line in textwrap.wrap(paragraph, WIDTH - 3, break_long_words=False,
                                                             break_on_hyphens=False)]
    lines += _references(message.locations, include_lineno)
    lines += _flags(message)
    previous = message.previous_id if not template else []
    if previous:
        lines += _field("#| msgid", previous[0])
        if len(previous) > 1:
            lines += _field("#| msgid_plural", previous[1])
    return lines + _strings(message, num_plurals, template)


def _obsolete_entry(message, num_plurals):
    lines = [f"# {comment}".rstrip() for comment in message.user_comments] + _flags(message)
    return lines + [f"#~ {line}" for line in _strings(message, num_plurals, False)]


def _references(locations, include_lineno):
    references = dict.fromkeys(f"{name}:{line}" if include_lineno and line else name
                               for name, line in sorted(locations, key=lambda item: (item[0], item[1] or 0)))
    lines, line = [], "#:"
    for reference in references:
        if len(line) > 2 and len(line) + 1 + len(reference) > WIDTH:
            lines.append(line)
            line = "#:"
        line += " " + reference
    return lines + [line] if references else []


def _flags(message):
    flags = sorted(message.flags - {"fuzzy"})
    if message.fuzzy:
        flags.insert(0, "fuzzy")
    return ["#, " + ", ".join(flags)] if flags else []


def _strings(message, num_plurals, template):
    lines = _field("msgctxt", message.context) if message.context is not None else []
    if isinstance(message.id, (list, tuple)):
        lines += _field("msgid", message.id[0]) + _field("msgid_plural", message.id[1])
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        count = 2 if template else num_plurals
        for index in range(count):
            lines += _field(f"msgstr[{index}]", strings[index] if index < len(strings) and strings[index] else "")
    else:
        lines += _field("msgid", message.id)
        lines += _field("msgstr", "" if template else (message.string or ""))
    return lines


def _field(keyword, text):
    """`keyword "text"`, or `keyword ""` and a line per `\\n`-ended piece when the text has inner newlines."""
    pieces = text.split("\n")
    if len(pieces) > 1 and pieces[-1] == "":
        pieces = [piece + "\n" for piece in pieces[:-1]]
    else:
        pieces = [piece + "\n" for piece in pieces[:-1]] + [pieces[-1]]
    if len(pieces) <= 1:
        return [f"{keyword} {_quote(text)}"]
    prefix = "#| " if keyword.startswith("#|") else ""
    return [f'{keyword} ""'] + [prefix + _quote(piece) for piece in pieces]


def _quote(text):
    return '"' + "".join(_ESCAPES.get(char, char) for char in text) + '"'
