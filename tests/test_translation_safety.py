"""No translation can take a page down: a translation that would not format (a literal %, a renamed
placeholder), or that changes the English's HTML, is shown in English and logged once, and
`flask translate check` names its file and line in every configured language."""
import logging
import re

import pytest
from click.testing import CliRunner
from flask import g
from flask_babel import gettext, lazy_gettext

from campaign.config import DefaultConfig
from campaign.translate import find_problems, po_path, translate
from catalog_support import copy_catalogs, line_of, set_translation

GOAL = "Our goal: %(goal)s signatures"
DEADLINE = "Open for signatures until %(date)s."
SKIP = "Skip to the main content"


@pytest.fixture
def catalogs(tmp_path):
    return copy_catalogs(tmp_path)


@pytest.fixture
def japanese(catalogs, monkeypatch):
    """Japanese in preview: started with `flask translate init ja` and configured (unless it already is)."""
    if "ja" in DefaultConfig.SHIPPED_LANGUAGES:
        pytest.skip("Japanese is shipped: these tests need a language in preview")
    if not po_path(catalogs, "ja").exists():
        result = CliRunner().invoke(translate, ["init", "ja", "--directory", str(catalogs)])
        assert result.exit_code == 0, result.output
    if "ja" not in DefaultConfig.LANGUAGES:
        monkeypatch.setattr(DefaultConfig, "LANGUAGES", [*DefaultConfig.LANGUAGES, "ja"])
    return catalogs


def site(make_app, directory, **settings):
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(directory), XI_DEADLINE="2099-12-10",
                    LANGUAGES=DefaultConfig.LANGUAGES, **settings).test_client()


def test_a_literal_percent_in_a_korean_format_string_shows_the_english(catalogs, make_app):
    set_translation(catalogs, "ko", GOAL, "목표 %(goal)s명의 100%")
    response = site(make_app, catalogs).get("/ko/xi/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Our goal: 10,000 signatures" in html
    assert "목표 10,000명의" not in html


def test_a_renamed_placeholder_in_a_new_language_shows_the_english(japanese, make_app):
    set_translation(japanese, "ja", DEADLINE, "%(dt)sまで署名を受け付けています。")
    response = site(make_app, japanese).get("/ja/xi/")
    assert response.status_code == 200
    assert "Open for signatures until 2099年12月10日." in response.get_data(as_text=True)  # a Japanese date


def test_a_percent_in_plain_text_is_shown_as_written(catalogs, make_app):
    """Where the English has no %, a translation may write % or %%: the page shows one %."""
    set_translation(catalogs, "ko", SKIP, "본문 바로가기 (100%)")
    html = site(make_app, catalogs).get("/ko/xi/").get_data(as_text=True)
    assert "본문 바로가기 (100%)" in html
    set_translation(catalogs, "ko", SKIP, "본문 바로가기 (100%%)")
    html = site(make_app, catalogs).get("/ko/unhcr/").get_data(as_text=True)
    assert "본문 바로가기 (100%)" in html and "100%%" not in html


def test_changed_markup_shows_the_english(catalogs, make_app):
    """A translation that adds a tag (here one that would swallow the page) is not used."""
    set_translation(catalogs, "ko", SKIP, "본문 바로가기 <!--")
    html = site(make_app, catalogs).get("/ko/xi/").get_data(as_text=True)
    assert SKIP in html and "<!--" not in html.split("<body>", 1)[1]


def test_python_strings_fall_back_too(catalogs, make_app):
    set_translation(catalogs, "ko", "Please use at most %(max)s characters.", "최대 %(maximum)s자까지 입력하십시오.")
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    with app.test_request_context("/ko/xi/"):
        g.lang = "ko"
        assert gettext("Please use at most %(max)s characters.", max=100) == "Please use at most 100 characters."
        assert str(lazy_gettext(SKIP)) == "본문 바로가기"  # the rest of the catalog is untouched


def test_a_broken_translation_is_logged_once(catalogs, make_app, caplog):
    path = set_translation(catalogs, "ko", GOAL, "목표 %(goal)s명의 100%")
    client = site(make_app, catalogs)
    with caplog.at_level(logging.WARNING, logger="campaign.i18n"):
        for _ in range(3):
            assert client.get("/ko/xi/").status_code == 200
            assert client.get("/ko/unhcr/").status_code == 200
    mentions = [r for r in caplog.records if "Our goal" in r.getMessage()]
    assert len(mentions) == 1, [r.getMessage() for r in caplog.records]
    assert str(path.with_suffix(".mo")) in mentions[0].getMessage()
    assert "write %% for a percent sign" in mentions[0].getMessage()


def test_check_names_each_broken_line_and_ends_with_a_summary(japanese):
    korean = set_translation(japanese, "ko", GOAL, "목표 %(goal)s명의 100%")
    japanese_po = set_translation(japanese, "ja", DEADLINE, "%(dt)sまで署名を受け付けています。")
    result = CliRunner().invoke(translate, ["check", "--directory", str(japanese)])
    assert result.exit_code == 1
    output = result.output
    assert f"{korean}:{line_of(korean, GOAL)}: msgid {GOAL!r} has a % that is not part of a placeholder" in output
    assert (f"{japanese_po}:{line_of(japanese_po, DEADLINE)}: msgid {DEADLINE!r} uses %(dt)s, which the English "
            "does not have (renamed from %(date)s?)") in output
    # Untranslated Japanese is no error: ja is in preview. The summary comes last, one row a language.
    assert not re.search(r"ja/LC_MESSAGES/messages\.po:\d+: .* is not translated", output)
    summary = output.rstrip().splitlines()[-(len(DefaultConfig.LANGUAGES)):]
    assert summary[0].split() == ["language", "state", "translated", "untranslated", "fuzzy", "broken"]
    rows = {line.split()[0]: line.split()[1:] for line in summary[1:]}
    state, _translated, untranslated, _fuzzy, broken = rows["ja"]
    assert (state, broken) == ("preview", "1") and int(untranslated) > 0
    assert rows["ko"][0] == "shipped" and rows["ko"][4] == "1"


@pytest.mark.parametrize("translation, problem", [
    ("마감: %(date)s", None),
    ("마감", r"drops %\(date\)s"),
    ("마감: %(date)d", r"writes %\(date\)d where the English has %\(date\)s"),
    ("마감: %(date)s <b>", r"adds HTML <b>"),
    ("마감: %(date)s % 남음", r"a % that is not part of a placeholder"),
])
def test_check_reports_lost_added_and_renamed_parts(catalogs, translation, problem):
    path = set_translation(catalogs, "ko", DEADLINE, translation)
    problems = [p for p in find_problems(catalogs, ["ko"]) if p.startswith(f"{path}:{line_of(path, DEADLINE)}:")]
    if problem is None:
        assert problems == []
    else:
        assert any(re.search(problem, p) for p in problems), problems


def test_missing_translations_are_errors_only_in_shipped_languages(japanese):
    shipped = DefaultConfig.SHIPPED_LANGUAGES
    problems = find_problems(japanese, shipped, languages=DefaultConfig.LANGUAGES[1:])
    assert not [p for p in problems if str(po_path(japanese, "ja")) in p]
    set_translation(japanese, "ko", SKIP, "")
    problems = find_problems(japanese, shipped, languages=DefaultConfig.LANGUAGES[1:])
    assert any(p.startswith(str(po_path(japanese, "ko"))) and "is not translated" in p for p in problems)
