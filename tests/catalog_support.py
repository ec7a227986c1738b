"""Helpers for tests that change a copy of the catalogs (never the real ones)."""
import shutil

from campaign.i18n import babel_name
from campaign.translate import (compile_catalogs, configured_languages, po_path, read_catalog, translations_dir,
                                write_catalog)


def copy_catalogs(tmp_path):
    """A compiled copy of translations/ (.po, .pot, REVIEWED files)."""
    target = tmp_path / "translations"
    shutil.copytree(translations_dir(), target, ignore=shutil.ignore_patterns("*.mo"))
    compile_catalogs(target, [tag for tag in configured_languages() if po_path(target, tag).exists()])
    return target


def set_translation(directory, tag, msgid, translation, context=None):
    """Write `translation` for `msgid` into the copy's catalog of `tag` (clearing fuzzy), and compile it."""
    path = po_path(directory, tag)
    catalog = read_catalog(path, locale=babel_name(tag))
    message = catalog.get(msgid, context=context)
    assert message is not None, f"{msgid!r} [{context}] is not in {path}"
    message.string = translation
    message.flags.discard("fuzzy")
    write_catalog(path, catalog)
    compile_catalogs(directory, [tag])
    return path


def line_of(path, msgid):
    """The line of `msgid "<msgid>"` in a .po file (where the check points)."""
    quoted = 'msgid "' + msgid.replace('"', '\\"') + '"'
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line == quoted:
            return number
    raise AssertionError(f"{msgid!r} not found in {path}")
