"""The letter as it is printed in a packet: the page's own letter template, rendered in a language
and reduced to plain blocks (paragraphs, headings, list items), so the packet delivers exactly
the text the signers read and translators edit it in one place.

letter_version() fingerprints that text per language: each signature records the version its
signer read, and packets print the versions they deliver, so a later change of wording never
silently becomes what earlier signers agreed to.
"""
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import current_app, render_template

from ..mail.compose import in_language
from ..petitions.counting import campaign_state

VERSION_LENGTH = 12  # hex characters of the SHA-256 kept: short enough to print, long enough to differ
BLOCK_TAGS = {"p", "h2", "h3", "li", "dt", "dd", "footer", "address", "blockquote"}


@dataclass(frozen=True)
class Block:
    kind: str  # p, heading, item (bulleted), numbered (its number at the start), quote, address
    text: str


class _BlockParser(HTMLParser):
    KINDS = {"h2": "heading", "h3": "heading", "li": "item", "address": "address", "footer": "quote",
             "dt": "label", "dd": "value"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self._text = []
        self._kind = "p"
        self._quoted = False
        self._lists = []  # per open list: the last number of an <ol>, or None for a <ul>

    def _flush(self):
        lines = (" ".join(line.split()) for line in "".join(self._text).split("\n"))
        text = "\n".join(line for line in lines if line)
        self._text = []
        if not text:
            return
        if self._kind == "value" and self.blocks and self.blocks[-1].kind == "label":
            # A bill's fact: "Sponsor" + "Sen. Marco Rubio, …" print as one line.
            self.blocks[-1] = Block("p", f"{self.blocks[-1].text}: {text}")
        else:
            self.blocks.append(Block("quote" if self._quoted and self._kind == "p" else self._kind, text))

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self._text.append("\n")
        elif tag in ("ol", "ul"):
            self._flush()
            self._lists.append(0 if tag == "ol" else None)
        elif tag == "li" and self._lists and self._lists[-1] is not None:
            self._flush()
            self._lists[-1] += 1
            self._kind = "numbered"
            self._text.append(f"{self._lists[-1]}. ")
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag == "blockquote":
                self._quoted = True
            self._kind = self.KINDS.get(tag, "p")

    def handle_endtag(self, tag):
        if tag in ("ol", "ul"):
            self._flush()
            if self._lists:
                self._lists.pop()
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag == "blockquote":
                self._quoted = False
            self._kind = "p"

    def handle_data(self, data):
        self._text.append(data)


def letter_blocks(definition, language, **fact_overrides):
    """The campaign's letter in `language` as a list of Block. `fact_overrides` replace letter
    placeholders (e.g. the member of Congress addressed). Needs a request context."""
    with in_language(language):
        state = campaign_state(definition)
        facts = {**definition.facts(state), **fact_overrides}
        html = render_template(definition.template("letter"), petition=definition, state=state, facts=facts,
                               letter_data=definition.letter_context(), lang=language)
        parser = _BlockParser()
        parser.feed(html)
        parser.close()
        parser._flush()
        return parser.blocks


def letter_version(definition, language):
    """The version of the campaign's letter in `language`: the first VERSION_LENGTH hex characters
    of the SHA-256 of its blocks, as a signer reads them on the sign page. The text changes only
    with a deploy (templates and catalogs), so it is computed once per app, campaign and language.
    Needs a request context the first time."""
    cache = current_app.extensions.setdefault("letter_versions", {})
    key = (definition.slug, language)
    if key not in cache:
        text = "\n".join(f"{block.kind}\t{block.text}" for block in letter_blocks(definition, language))
        cache[key] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_LENGTH]
    return cache[key]
