"""`flask translate …`: extract, update, compile, check, init and review the gettext catalogs.

Registered as a Flask plugin command (see setup.cfg), so it runs without building the app:
a language that is configured but has no catalog yet can still be initialised.

No translator's work is lost: `update` merges the new English into every catalog with fuzzy
matching, so a paragraph whose English changed keeps its translation, marked fuzzy with the
previous English beside it (`#|`), and a string that left the code stays at the end as `#~` (until
`update --drop-obsolete`, for a release). The site never shows a fuzzy translation (the .mo files are
compiled without them) and the check refuses them in shipped languages.

Files are written in one layout (campaign/catalog_files.py): entries in extraction order, which is
the reading order of each page, references as file:line, no line wrapping, so a one-word fix is a
one-line diff whether `update`, po_apply or Poedit wrote the file.
"""
from pathlib import Path

import click
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo

from . import catalog_files, reviews
from .catalog_files import POT_DATE, PROJECT, VERSION
from .config import PROJECT_ROOT, DefaultConfig
from .i18n import babel_name
from .letter_facts import letter_fact_problems
from .translation_rules import PLACEHOLDER, message_problems  # noqa: F401 (PLACEHOLDER: for the tests)

KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,  # the usual alias of lazy_gettext
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
COMMENT_TAGS = ("Translators:",)


def translations_dir():
    return Path(DefaultConfig.BABEL_TRANSLATION_DIRECTORIES)


def pot_path(directory):
    return Path(directory) / "messages.pot"


def po_path(directory, tag):
    return Path(directory) / babel_name(tag) / "LC_MESSAGES" / "messages.po"


def configured_languages():
    """Every language with a catalog: the shipped ones and those in preview (not the source)."""
    return [tag for tag in DefaultConfig.LANGUAGES[1:]]


def extract_catalog(source_root=PROJECT_ROOT):
    """Extract every message from the package into a Catalog, the same way every time.

    Entries keep the order in which extraction meets them (files in path order, each from top to
    bottom), so a page's strings, and a letter's paragraphs, follow one another in the catalogs.
    """
    with open(Path(source_root) / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project=PROJECT, version=VERSION, creation_date=POT_DATE, revision_date=POT_DATE,
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


def render_pot(catalog, include_lineno=True):
    return catalog_files.render(catalog, template=True, include_lineno=include_lineno)


def template_is_current(pot, fresh):
    """messages.pot says what the code says. Line numbers may lag (they move with every edit; the
    next `update` refreshes them), so they are left out of the comparison."""
    if not pot.exists():
        return False
    return render_pot(catalog_files.read(pot), include_lineno=False) == render_pot(fresh, include_lineno=False)


def read_catalog(path, locale=None):
    return catalog_files.read(path, locale=locale)


def write_catalog(path, catalog):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(catalog_files.render(catalog))


@click.group("translate")
def translate():
    """Manage the translation catalogs in translations/."""


@translate.command("extract")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def extract_command(directory):
    """Write translations/messages.pot from the code and templates."""
    pot_path(directory).write_bytes(render_pot(extract_catalog()))
    click.echo(f"wrote {pot_path(directory)}")


def update_catalogs(directory, tags, drop_obsolete=False):
    """Merge messages.pot into the catalogs of `tags`, keeping every translation somewhere."""
    template = read_catalog(pot_path(directory))
    for tag in tags:
        path = po_path(directory, tag)
        catalog = read_catalog(path, locale=babel_name(tag))
        _offer_obsolete_translations(catalog)
        waiting = {_key(m): m.previous_id for m in catalog if m.id and m.fuzzy and m.previous_id}
        # Fuzzy matching: an entry whose English changed keeps its translation, flagged fuzzy with
        # the previous English (#|), for the translator to check. The site never shows it.
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        for message in catalog:  # still fuzzy from an earlier update: keep what it was translated from
            if message.id and message.fuzzy and not message.previous_id and _key(message) in waiting:
                message.previous_id = waiting[_key(message)]
        if drop_obsolete:
            catalog.obsolete.clear()
        write_catalog(path, catalog)
        click.echo(f"updated {path}")


def _key(message):
    return (message.id[0] if isinstance(message.id, (list, tuple)) else message.id), message.context


def _offer_obsolete_translations(catalog):
    """Old translations (#~) take part in the merge: an English string that comes back gets its
    translation back, and a similar one gets it as a fuzzy suggestion. The rest stay #~."""
    for message in list(catalog.obsolete.values()):
        if message.string and catalog.get(message.id, context=message.context) is None:
            catalog[message.id] = message
    catalog.obsolete.clear()


def update(directory, source_root=PROJECT_ROOT, drop_obsolete=False):
    pot_path(directory).write_bytes(render_pot(extract_catalog(source_root)))
    update_catalogs(directory, [t for t in configured_languages() if po_path(directory, t).exists()],
                    drop_obsolete=drop_obsolete)


@translate.command("update")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
@click.option("--drop-obsolete", is_flag=True, help="Delete the #~ entries (strings no longer in the code).")
def update_command(directory, drop_obsolete):
    """Extract, then merge new and changed messages into every language's .po file."""
    update(directory, drop_obsolete=drop_obsolete)


def compile_catalogs(directory, tags):
    for tag in tags:
        path = po_path(directory, tag)
        catalog = read_catalog(path, locale=babel_name(tag))
        # Only complete translations: Babel would fill a missing plural form with the English
        # singular, which is wrong for every other number. A fuzzy one shows the English too.
        for message in list(catalog):
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if message.id and not all(strings):
                catalog.delete(message.id, context=message.context)
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
    catalog = Catalog(locale=babel_name(tag), project=PROJECT, version=VERSION, creation_date=POT_DATE,
                      fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    write_catalog(path, catalog)
    compile_catalogs(directory, [tag])
    click.echo(f"created {path}. Add {tag!r} to LANGUAGES in campaign/config.py: /{tag}/ then shows the "
               "site in preview (TRANSLATING.md, Starting a new language).")


@translate.command("check")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def check_command(directory):
    """Report every entry that would break a page or leave English on a shipped one, then a summary.

    Broken entries (a placeholder or tag that differs from the English, a % that is not %%) are
    errors in every configured language; untranslated and fuzzy ones only in shipped languages.
    Also lists the translated strings of delivered letters that no reviewer has marked.
    """
    languages = configured_languages()
    problems = find_problems(directory, DefaultConfig.SHIPPED_LANGUAGES, languages=languages)
    for problem in problems:
        click.echo(problem)
    waiting = list(unreviewed_letter_strings(directory, languages))
    if waiting:
        click.echo("\nNot yet reviewed (delivered letters; a reviewer marks them with `flask translate review`):")
        for line in waiting:
            click.echo(f"  {line}")
    click.echo("")
    if problems:
        click.echo(f"{len(problems)} problem(s) in the catalogs.")
    click.echo(summary_table(directory, languages))
    if problems:
        raise SystemExit(1)


@translate.command("review")
@click.argument("tag")
@click.argument("letter")
@click.option("--directory", type=click.Path(file_okay=False, path_type=Path), default=translations_dir)
def review_command(tag, letter, directory):
    """Record that a reviewer has read every translated string of LETTER in TAG, as they are now.

    Example: `flask translate review zh-Hans xi`. Untranslated and fuzzy strings are left out.
    """
    if letter not in reviews.delivered_letters(tag):
        raise click.ClickException(f"the {letter!r} letter is not delivered in {tag!r}")
    catalog = read_catalog(po_path(directory, tag), locale=babel_name(tag))
    marked = [m for m in reviews.letter_entries(catalog, letter)
              if reviews.is_translated(m) and not message_problems(m.id, m.string, catalog.num_plurals)]
    reviews.mark_reviewed(directory, babel_name(tag), marked)
    click.echo(f"{len(marked)} string(s) of the {letter} letter marked reviewed in "
               f"{reviews.reviewed_path(directory, babel_name(tag))}")


def find_problems(directory, shipped_tags, source_root=PROJECT_ROOT, languages=None):
    """Every reason the catalogs are not fit to ship, as `file:line: message` strings.

    `languages` are the catalogs to check for broken entries (default: the shipped ones); of those,
    the shipped ones must also be complete.
    """
    languages = list(shipped_tags) if languages is None else list(languages)
    problems = []
    pot = pot_path(directory)
    fresh = extract_catalog(source_root)
    template = read_catalog(pot) if pot.exists() else Catalog()
    if not template_is_current(pot, fresh):
        problems.extend(template_problems(pot, template, fresh))
    for tag in languages:
        path = po_path(directory, tag)
        shipped = tag in shipped_tags
        if not path.exists():
            if shipped:
                problems.append(f"{path}: missing; run `flask translate init {tag}`")
            continue
        catalog = read_catalog(path, locale=babel_name(tag))
        problems.extend(catalog_problems(path, catalog, template, shipped=shipped))
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


def entry_state(message, num_plurals):
    """'fuzzy', 'untranslated', 'broken' (with its problems) or 'translated'."""
    if message.fuzzy:
        return "fuzzy", []
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    found = message_problems(message.id, message.string, num_plurals)
    if message.pluralizable and len(strings) != num_plurals:
        found.insert(0, f"has {len(strings)} plural forms where the language has {num_plurals}")
    if found:
        return "broken", found
    return ("translated" if all(strings) else "untranslated"), []


def catalog_problems(path, catalog, template, shipped=True):
    problems = []
    for message in catalog:
        if not message.id:
            continue
        where = f"{path}:{message.lineno}"
        state, found = entry_state(message, catalog.num_plurals)
        problems.extend(f"{where}: {_label(message)} {problem}" for problem in found)
        if shipped and state == "fuzzy":
            problems.append(f"{where}: {_label(message)} is marked fuzzy (its English changed): check it "
                            "against the previous English (#|), then remove the fuzzy flag")
        elif shipped and state == "untranslated":
            problems.append(f"{where}: {_label(message)} is not translated")
    if shipped:
        for message in template:
            if message.id and catalog.get(message.id, context=message.context) is None:
                problems.append(f"{path}: {_label(message)} is missing; run `flask translate update`")
    return problems


def language_counts(path, catalog, template):
    counts = dict.fromkeys(("translated", "untranslated", "fuzzy", "broken"), 0)
    for message in catalog:
        if message.id:
            counts[entry_state(message, catalog.num_plurals)[0]] += 1
    counts["untranslated"] += sum(1 for message in template
                                  if message.id and catalog.get(message.id, context=message.context) is None)
    return counts


def summary_table(directory, languages):
    template = read_catalog(pot_path(directory)) if pot_path(directory).exists() else Catalog()
    rows = [("language", "state", "translated", "untranslated", "fuzzy", "broken")]
    for tag in languages:
        state = "shipped" if tag in DefaultConfig.SHIPPED_LANGUAGES else "preview"
        path = po_path(directory, tag)
        if not path.exists():
            rows.append((tag, state, "no catalog", "", "", ""))
            continue
        counts = language_counts(path, read_catalog(path, locale=babel_name(tag)), template)
        rows.append((tag, state, *(str(counts[key]) for key in ("translated", "untranslated", "fuzzy", "broken"))))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) if column < 2 else cell.rjust(width)
                               for column, (cell, width) in enumerate(zip(row, widths))).rstrip() for row in rows)


def unreviewed_letter_strings(directory, languages):
    for tag in languages:
        path = po_path(directory, tag)
        if not path.exists():
            continue
        catalog = read_catalog(path, locale=babel_name(tag))
        for slug, message in reviews.unreviewed(directory, babel_name(tag), tag, catalog):
            yield f"{path}:{message.lineno}: {_label(message)} ({slug} letter)"


def placeholder_problems(msgid, msgstr):
    """The problems of one translation (kept for callers of the old name)."""
    return message_problems(msgid, msgstr, 1)


def _label(message):
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
    context = f" [{message.context}]" if message.context else ""
    return f"msgid {short!r}{context}"
