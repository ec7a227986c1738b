"""Facts corrected in the letters stay corrected: the gate behind `translations/letter_facts.tsv`.

Each row of that file names a language (or several), an entry (its context and a few words of its
English), what its text must not say and what it must say, and why. `flask translate check` and the
test suite report every entry that breaks a row, and every row that no longer finds its entry (so
the file cannot quietly stop checking anything).

Languages: `en` is the English source (messages.pot), `ko`, `zh_Hans`, `zh_Hant` their catalogs.
Context `data:bills` is not a catalog entry but the bill list of the letter to Congress, one line per
bill as "H.R.958: CA-45" (the sponsor's state and district), because those facts are data in
campaign/campaigns/congress.py, not text.
"""
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .i18n import babel_name

FACTS_FILE = "letter_facts.tsv"
COLUMNS = ["languages", "context", "entry", "must_not_say", "must_say", "why"]
EMPTY = "-"
BILLS = "data:bills"


@dataclass(frozen=True)
class Fact:
    line: int
    languages: tuple
    context: str | None
    entry: str  # words of the English msgid; empty: every entry of the context
    must_not_say: re.Pattern | None
    must_say: re.Pattern | None
    why: str

    def describe(self):
        context = f" [{self.context}]" if self.context else ""
        return f"{self.entry!r}{context}" if self.entry else (context.strip() or "every entry")


@dataclass(frozen=True)
class Text:
    context: str | None
    msgid: str
    where: str  # file:line, for the report
    text: str


def read_facts(path):
    facts = []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = (row for row in enumerate(handle, start=1) if row[1].strip() and not row[1].startswith("#"))
        numbered = list(rows)
    header = next(csv.reader([numbered[0][1]], delimiter="\t"))
    if header != COLUMNS:
        raise ValueError(f"{path}:{numbered[0][0]}: the columns must be {COLUMNS}")
    for line, raw in numbered[1:]:
        row = next(csv.reader([raw.rstrip("\n")], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(row) != len(COLUMNS):
            raise ValueError(f"{path}:{line}: {len(row)} columns, {len(COLUMNS)} expected (separate them with tabs)")
        values = dict(zip(COLUMNS, (value.strip() for value in row)))
        facts.append(Fact(
            line=line,
            languages=tuple(lang.strip() for lang in values["languages"].split(",")),
            context=None if values["context"] == EMPTY else values["context"],
            entry="" if values["entry"] == EMPTY else values["entry"],
            must_not_say=None if values["must_not_say"] == EMPTY else re.compile(values["must_not_say"]),
            must_say=None if values["must_say"] == EMPTY else re.compile(values["must_say"]),
            why=values["why"],
        ))
    return facts


def letter_fact_problems(directory, shipped_tags):
    """Every entry that says again what was corrected, as `file:line: message` strings."""
    from .translate import po_path, pot_path, read_catalog  # translate calls this module

    path = Path(directory) / FACTS_FILE
    if not path.exists():
        return [f"{path}: missing: the facts the letters must keep"]
    texts = {"en": _english_texts(pot_path(directory), read_catalog) + _bill_texts()}
    for tag in shipped_tags:
        catalog_path = po_path(directory, tag)
        if catalog_path.exists():
            name = babel_name(tag)
            texts[name] = _translated_texts(catalog_path, read_catalog(catalog_path, locale=name))
    problems = []
    for fact in read_facts(path):
        for lang in fact.languages:
            if lang in texts:
                problems.extend(_fact_problems(path, fact, lang, texts[lang]))
    return problems


def _fact_problems(path, fact, lang, texts):
    matching = [t for t in texts if t.context == fact.context and fact.entry in t.msgid]
    if not matching:
        return [f"{path}:{fact.line}: no {lang} entry {fact.describe()}: correct this row or the entry"]
    problems = []
    for text in matching:
        found = fact.must_not_say.search(text.text) if fact.must_not_say else None
        if found:
            problems.append(f"{text.where}: {lang} {fact.describe()} says {found.group()!r}: {fact.why} "
                            f"({path.name}:{fact.line})")
        if fact.must_say and not fact.must_say.search(text.text):
            problems.append(f"{text.where}: {lang} {fact.describe()} does not say {fact.must_say.pattern!r}: "
                            f"{fact.why} ({path.name}:{fact.line})")
    return problems


def _english_texts(pot, read_catalog):
    if not pot.exists():
        return []
    return [Text(m.context, _first(m.id), f"{pot}:{m.lineno}", " ".join(_all(m.id)))
            for m in read_catalog(pot) if m.id]


def _translated_texts(path, catalog):
    # Untranslated and fuzzy entries are reported by the catalog gate and never shown.
    return [Text(m.context, _first(m.id), f"{path}:{m.lineno}", " ".join(_all(m.string)))
            for m in catalog if m.id and not m.fuzzy and all(_all(m.string))]


def _bill_texts():
    from .campaigns import congress

    where = congress.__file__
    return [Text(BILLS, bill.number, where, f"{bill.number}: {bill.sponsor.state}-{bill.sponsor.district}")
            for bill in congress.BILLS if bill.sponsor.district is not None]


def _all(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _first(value):
    return _all(value)[0]
