"""No translator's work is lost when the English changes, and the catalogs read in page order in one
layout that `update`, po_apply and Poedit (msgcat --no-wrap) all keep."""
import difflib
import re
import shutil
import subprocess

import pytest
from babel.messages.mofile import read_mo

from campaign.config import PROJECT_ROOT
from campaign.translate import (extract_catalog, find_problems, po_path, pot_path, read_catalog, render_pot, update,
                                write_catalog)
from catalog_support import copy_catalogs, set_translation

LETTER = PROJECT_ROOT / "campaign" / "templates" / "xi" / "letter.html"
OLD_WORDS, NEW_WORDS = "three specific requests", "three concrete requests"


@pytest.fixture
def project(tmp_path):
    """A copy of the code and the catalogs, to change the English without touching the real ones."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "campaign", root / "campaign", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "babel.cfg", root / "babel.cfg")
    copy_catalogs(root)
    return root


def edit(root, relative, old, new):
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def paragraph(catalog, words):
    return next(m for m in catalog if m.context == "letter:xi" and words in m.id)


def test_a_changed_letter_paragraph_keeps_its_korean_as_fuzzy_with_the_previous_english(project):
    translations = project / "translations"
    before = paragraph(read_catalog(po_path(translations, "ko"), locale="ko"), OLD_WORDS)
    assert before.string and not before.fuzzy

    edit(project, "campaign/templates/xi/letter.html", OLD_WORDS, NEW_WORDS)
    update(translations, source_root=project)

    path = po_path(translations, "ko")
    after = paragraph(read_catalog(path, locale="ko"), NEW_WORDS)
    assert after.fuzzy and after.string == before.string
    assert after.previous_id == [before.id]
    text = path.read_text(encoding="utf-8")
    assert f"#| msgid {quoted(before.id)}\n" in text  # the translator sees exactly what changed
    # The gate refuses it in a shipped language; the site shows the English (no fuzzy in the .mo).
    assert any(p.startswith(f"{path}:") and "is marked fuzzy" in p for p in find_problems(translations, ["ko"],
                                                                                          source_root=project))
    from campaign.translate import compile_catalogs
    compile_catalogs(translations, ["ko"])
    with path.with_suffix(".mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert compiled.get(after.id, context="letter:xi") is None


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_a_removed_string_stays_obsolete_and_comes_back_translated(project):
    translations = project / "translations"
    skip = read_catalog(po_path(translations, "ko"), locale="ko").get("Skip to the main content")
    edit(project, "campaign/templates/base.html", '{{ _("Skip to the main content") }}', "")
    update(translations, source_root=project)
    text = po_path(translations, "ko").read_text(encoding="utf-8")
    assert f'#~ msgid "Skip to the main content"\n#~ msgstr {quoted(skip.string)}' in text

    edit(project, "campaign/templates/base.html", '<a class="skip-link" href="#main">',
         '<a class="skip-link" href="#main">{{ _("Skip to the main content") }}')
    update(translations, source_root=project)
    back = read_catalog(po_path(translations, "ko"), locale="ko").get("Skip to the main content")
    assert back.string == skip.string and not back.fuzzy
    assert "#~ msgid \"Skip to the main content\"" not in po_path(translations, "ko").read_text(encoding="utf-8")


def test_update_drop_obsolete_removes_them(project):
    translations = project / "translations"
    edit(project, "campaign/templates/base.html", '{{ _("Skip to the main content") }}', "")
    update(translations, source_root=project, drop_obsolete=True)
    assert "#~ " not in po_path(translations, "ko").read_text(encoding="utf-8")


def test_update_is_idempotent_and_keeps_previous_english(project):
    translations = project / "translations"
    edit(project, "campaign/templates/xi/letter.html", OLD_WORDS, NEW_WORDS)
    update(translations, source_root=project)
    first = {tag: po_path(translations, tag).read_bytes() for tag in ("ko", "zh-Hans", "zh-Hant")}
    first_pot = pot_path(translations).read_bytes()
    update(translations, source_root=project)
    assert {tag: po_path(translations, tag).read_bytes() for tag in first} == first
    assert pot_path(translations).read_bytes() == first_pot
    # Reading and writing a catalog (what po_apply does) keeps every #| line.
    path = po_path(translations, "zh-Hans")
    write_catalog(path, read_catalog(path, locale="zh_Hans"))
    assert path.read_bytes() == first["zh-Hans"]


def test_a_one_word_fix_is_a_one_line_diff(tmp_path):
    translations = copy_catalogs(tmp_path)
    path = po_path(translations, "ko")
    catalog = read_catalog(path, locale="ko")
    message = paragraph(catalog, OLD_WORDS)
    write_catalog(path, catalog)  # the layout itself is what update writes
    before = path.read_text(encoding="utf-8").splitlines()
    word = message.string.split()[3]
    set_translation(translations, "ko", message.id, message.string.replace(word, word + "들", 1), context="letter:xi")
    changed = [line for line in difflib.unified_diff(before, path.read_text(encoding="utf-8").splitlines(), n=0,
                                                      lineterm="") if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == 2, changed  # one line out, one line in


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext's msgcat is not installed")
def test_poedit_keeps_the_layout(tmp_path):
    """Poedit saves an unwrapped catalog through `msgcat --no-wrap`: it must change nothing."""
    translations = copy_catalogs(tmp_path)
    (tmp_path / "messages.pot").write_bytes(render_pot(extract_catalog()))
    files = [tmp_path / "messages.pot"]
    for tag in ("ko", "zh-Hans", "zh-Hant"):
        path = po_path(translations, tag)
        write_catalog(path, read_catalog(path, locale=tag.replace("-", "_")))
        files.append(path)
    for path in files:
        result = subprocess.run(["msgcat", "--no-wrap", str(path)], capture_output=True, check=True)
        assert result.stdout == path.read_bytes(), f"msgcat --no-wrap changes {path}"


def test_entries_follow_the_pages_and_references_give_lines():
    catalog = extract_catalog()
    messages = [m for m in catalog if m.id]
    letter = [index for index, m in enumerate(messages) if m.context == "letter:xi"
              and any(name == "campaign/templates/xi/letter.html" for name, _line in m.locations)]
    assert letter == list(range(letter[0], letter[0] + len(letter))), "the letter's paragraphs are not together"
    lines = [next(line for name, line in messages[i].locations if name.endswith("xi/letter.html")) for i in letter]
    assert lines == sorted(lines)
    pot = render_pot(catalog).decode("utf-8")
    references = [ref for line in pot.splitlines() if line.startswith("#: ") for ref in line[3:].split()]
    assert references and all(re.fullmatch(r"campaign/\S+:\d+", ref) for ref in references)


def test_headers_are_filled_in(tmp_path):
    translations = copy_catalogs(tmp_path)
    for path in [pot_path(translations), *(po_path(translations, t) for t in ("ko", "zh-Hans", "zh-Hant"))]:
        catalog = read_catalog(path)
        write_catalog(path, catalog) if path.suffix == ".po" else None
    texts = {path: path.read_text(encoding="utf-8").split("\n\n", 1)[0]
             for path in [po_path(translations, t) for t in ("ko", "zh-Hans", "zh-Hant")]}
    texts["pot"] = render_pot(extract_catalog()).decode("utf-8").split("\n\n", 1)[0]
    for name, header in texts.items():
        for placeholder in ("FULL NAME", "YEAR-MO-DA", "EMAIL@ADDRESS", "ORGANIZATION", "LANGUAGE <", "PACKAGE"):
            assert placeholder not in header, (name, placeholder)
        assert "Report-Msgid-Bugs-To: the translation coordinator" in header
    for path, header in texts.items():
        if path != "pot":
            assert re.search(r'"Language-Team: \w+.* translators: see TRANSLATING.md', header), header
            assert re.search(r'"PO-Revision-Date: \d{4}-\d\d-\d\d \d\d:\d\d[+-]\d{4}\\n"', header), header
