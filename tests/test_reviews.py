"""A delivered translation is reviewed string by string: `flask translate review` records each string
as it is (translations/<lang>/REVIEWED), and the check lists every string of a delivered letter that
no reviewer has seen in its current form."""
from click.testing import CliRunner

from campaign import reviews
from campaign.translate import po_path, read_catalog, translate
from catalog_support import copy_catalogs, set_translation


def unreviewed_lines(directory):
    result = CliRunner().invoke(translate, ["check", "--directory", str(directory)])
    lines = result.output.split("Not yet reviewed", 1)
    return [line.strip() for line in lines[1].splitlines()[1:] if line.startswith("  ")] if len(lines) > 1 else []


def test_the_xi_letter_is_delivered_in_simplified_chinese_only():
    assert reviews.delivered_letters("zh-Hans") == ["xi"]
    assert reviews.delivered_letters("ko") == [] and reviews.delivered_letters("en") == []


def test_review_marks_strings_until_they_change(tmp_path):
    catalogs = copy_catalogs(tmp_path)
    before = unreviewed_lines(catalogs)
    catalog = read_catalog(po_path(catalogs, "zh-Hans"), locale="zh_Hans")
    letter = [m for m in reviews.letter_entries(catalog, "xi") if reviews.is_translated(m)]
    assert letter and all("(xi letter)" in line for line in before)
    if not reviews.reviewed_digests(catalogs, "zh_Hans"):  # nobody has reviewed the real catalog yet
        assert len(before) == len(letter) and any("Dear Mr. President:" in line for line in before)

    result = CliRunner().invoke(translate, ["review", "zh-Hans", "xi", "--directory", str(catalogs)])
    assert result.exit_code == 0, result.output
    assert unreviewed_lines(catalogs) == []
    assert (catalogs / "zh_Hans" / "REVIEWED").read_text(encoding="utf-8").startswith("# Translations of delivered")

    # A changed translation is unreviewed again (and only that one).
    salutation = next(m for m in letter if m.id == "Dear Mr. President:")
    set_translation(catalogs, "zh-Hans", salutation.id, "尊敬的主席先生：", context="letter:xi")
    again = unreviewed_lines(catalogs)
    assert len(again) == 1 and "Dear Mr. President:" in again[0]


def test_only_delivered_letters_can_be_reviewed(tmp_path):
    catalogs = copy_catalogs(tmp_path)
    result = CliRunner().invoke(translate, ["review", "ko", "xi", "--directory", str(catalogs)])
    assert result.exit_code != 0 and "not delivered in 'ko'" in result.output
