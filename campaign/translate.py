"""`flask translate …`: extract, update, compile, check and init the gettext catalogs.

Registered as a Flask plugin command (see setup.cfg), so it runs without building the app:
a language that is configured but has no catalog yet can still be initialised.
"""
import io
import re
from datetime import datetime, timezone
from pathlib import Path

import click
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .config import PROJECT_ROOT, DefaultConfig
from .i18n import babel_name
from .letter_facts import letter_fact_problems

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,  # the usual alias of lazy_gettext
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)
# A fixed creation date keeps messages.pot byte-identical between runs: the gate compares it.
POT_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)
PROJECT = "campaign"
LINE_WIDTH = 100

PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%[sd]|\{[A-Za-z_][A-Za-z0-9_]*\}")
MARKUP_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")


def translations_dir():
    return Path(DefaultConfig.BABEL_TRANSLATION_DIRECTORIES)


def pot_path(directory):
    return Path(directory) / "messages.pot"


def po_path(directory, tag):
    return Path(directory) / babel_name(tag) / "LC_MESSAGES" / "messages.po"


def configured_languages():
    return [tag for tag in DefaultConfig.LANGUAGES[1:]]


def extract_catalog(source_root=PROJECT_ROOT):
    """Extract every message from the package into a Catalog, the same way every time."""
    with open(Path(source_root) / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project=PROJECT, version="1", creation_date=POT_DATE, revision_date=POT_DATE,
                      msgid_bugs_address="", copyright_holder="the campaign's contributors",
                      charset="utf-8", fuzzy=False)
    results = extract_from_dir(source_root, method_map, options_map, keywords=KEYWORDS,
                               comment_tags=COMMENT_TAGS, strip_comment_tags=True,
                               directory_filter=_skip_hidden_and_venv)
    for filename, lineno, message, comments, context in results:
        catalog.add(message, None, [(filename.replace("\\", "/"), lineno)],
                    auto_comments=comments, context=context)
    return catalog


def _skip_hidden_and_venv(dirname):
    name = Path(dirname).name
    return not (name.startswith(".") or name in {"build", "node_modules", "__pycache__"})


def render_pot(catalog):
    buffer = io.BytesIO()
    # File names without line numbers: moving code must not churn every catalog. The gates
    # still name the line, from the fresh extract.
    write_po(buffer, catalog, width=LINE_WIDTH, sort_output=True, include_previous=False, include_lineno=False)
    return buffer.getvalue()


def read_catalog(path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def write_catalog(path, catalog):
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=LINE_WIDTH, ignore_obsolete=True, include_previous=True, include_lineno=False)
    path.write_bytes(buffer.getvalue())


@click.group("translate")
def translate():
    """Manage the translation catalogs in translations/."""


@translate.command("extract")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def extract_command(directory):
    """Write translations/messages.pot from the code and templates."""
    pot_path(directory).write_bytes(render_pot(extract_catalog()))
    click.echo(f"wrote {pot_path(directory)}")


def update_catalogs(directory, tags):
    template = read_catalog(pot_path(directory))
    for tag in tags:
        path = po_path(directory, tag)
        catalog = read_catalog(path, locale=babel_name(tag))
        # No fuzzy matching: a guessed translation would slip past translators unseen.
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        write_catalog(path, catalog)
        click.echo(f"updated {path}")


@translate.command("update")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def update_command(directory):
    """Extract, then merge new and changed messages into every language's .po file."""
    pot_path(directory).write_bytes(render_pot(extract_catalog()))
    update_catalogs(directory, [t for t in configured_languages() if po_path(directory, t).exists()])


def compile_catalogs(directory, tags):
    for tag in tags:
        path = po_path(directory, tag)
        catalog = read_catalog(path, locale=babel_name(tag))
        with open(path.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


@translate.command("compile")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def compile_command(directory):
    """Build the .mo files the site reads (never committed)."""
    tags = [t for t in configured_languages() if po_path(directory, t).exists()]
    compile_catalogs(directory, tags)
    click.echo(f"compiled {', '.join(tags)}")


@translate.command("init")
@click.argument("tag")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def init_command(tag, directory):
    """Start the catalog of a new language, e.g. `flask translate init ja`, and compile it."""
    Locale.parse(babel_name(tag))  # fails on a tag Babel does not know
    path = po_path(directory, tag)
    if path.exists():
        raise click.ClickException(f"{path} already exists: use `flask translate update`")
    template = read_catalog(pot_path(directory))
    catalog = Catalog(locale=babel_name(tag), project=PROJECT, version="1", creation_date=POT_DATE,
                      fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    write_catalog(path, catalog)
    compile_catalogs(directory, [tag])
    click.echo(f"created {path}; add {tag!r} to LANGUAGES in campaign/config.py")


@translate.command("check")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def check_command(directory):
    """Fail on a stale messages.pot, an untranslated or fuzzy entry, a broken placeholder, or a
    corrected fact of a letter said again (translations/letter_facts.tsv)."""
    problems = find_problems(directory, DefaultConfig.SHIPPED_LANGUAGES)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the catalogs")
    click.echo("catalogs are complete and consistent")


def find_problems(directory, shipped_tags, source_root=PROJECT_ROOT):
    """Every reason the catalogs are not fit to ship, as `file:line: message` strings."""
    problems = []
    pot = pot_path(directory)
    fresh = extract_catalog(source_root)
    template = read_catalog(pot) if pot.exists() else Catalog()
    if not pot.exists() or pot.read_bytes() != render_pot(fresh):
        problems.extend(template_problems(pot, template, fresh))
    for tag in shipped_tags:
        path = po_path(directory, tag)
        if not path.exists():
            problems.append(f"{path}: missing; run `flask translate init {tag}`")
            continue
        problems.extend(catalog_problems(path, read_catalog(path, locale=babel_name(tag)), template))
    # Facts corrected in the letters must not come back (translations/letter_facts.tsv).
    problems.extend(letter_fact_problems(directory, shipped_tags))
    return problems


def template_problems(pot, committed, fresh):
    """Why messages.pot differs from the code: each new or changed message, where the code uses it."""
    problems = []
    for message in fresh:
        if message.id and committed.get(message.id, context=message.context) is None:
            for filename, lineno in message.locations:
                problems.append(f"{filename}:{lineno}: {_label(message)} is not in {pot.name}; "
                                "run `flask translate update` and translate it")
    problems.append(f"{pot}: out of date with the code; run `flask translate update`")
    return problems


def catalog_problems(path, catalog, template):
    problems = []
    expected_plurals = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        where = f"{path}:{message.lineno}"
        label = _label(message)
        if message.fuzzy:
            problems.append(f"{where}: {label} is marked fuzzy; check it and remove the fuzzy flag")
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.pluralizable and len(strings) != expected_plurals:
            problems.append(f"{where}: {label} has {len(strings)} plural forms, {catalog.locale} needs {expected_plurals}")
        if not all(strings):
            problems.append(f"{where}: {label} is not translated")
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        for string in strings:
            problems.extend(f"{where}: {label}: {p}" for p in placeholder_problems(ids[-1], string))
    for message in template:
        if message.id and message.id not in catalog._messages and (message.id, message.context) not in catalog._messages:
            if catalog.get(message.id, context=message.context) is None:
                problems.append(f"{path}: {_label(message)} is missing; run `flask translate update`")
    return problems


def placeholder_problems(msgid, msgstr):
    problems = []
    if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
        problems.append(f"placeholders differ: {sorted(set(PLACEHOLDER.findall(msgid)))} in English, "
                        f"{sorted(set(PLACEHOLDER.findall(msgstr)))} in the translation")
    if sorted(MARKUP_TAG.findall(msgid)) != sorted(MARKUP_TAG.findall(msgstr)):
        problems.append("markup tags differ from the English")
    return problems


def _label(message):
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    context = f" [{message.context}]" if message.context else ""
    return f"msgid {short!r}{context}"
