"""Facts corrected in the letters (issue 15) stay corrected, in the English and in every translation.

The facts are data a translator can read (translations/letter_facts.tsv); the gate is
campaign/letter_facts.py, run by `flask translate check` and here.
"""
import csv
import dataclasses
import re
import shutil

import pytest
from babel import Locale
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup
from click.testing import CliRunner

from campaign.campaigns import congress
from campaign.cjk_spacing import CHINESE_CATALOGS, catalog_spacing_problems, spacing_problems
from campaign.config import DefaultConfig
from campaign.letter_facts import FACTS_FILE, letter_fact_problems, read_facts
from campaign.places import US_STATES_FILE
from campaign.translate import find_problems, po_path, pot_path, read_catalog, translate, translations_dir

SHIPPED = DefaultConfig.SHIPPED_LANGUAGES
XI_PARAGRAPH_1 = "%(convention)s and its %(protocol)s"


@pytest.fixture
def catalog_copy(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(translations_dir(), target)
    return target


def edit_entry(directory, tag, context, words, change):
    """Change the msgstr of the one entry of `context` whose English contains `words`."""
    path = po_path(directory, tag)
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    (message,) = [m for m in catalog if m.id and m.context == context and words in (
        m.id if isinstance(m.id, str) else m.id[0])]
    message.string = change(message.string)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100)
    return path


def reported(problems, path, text):
    return [p for p in problems if p.startswith(f"{path}:") and text in p]


# --- the real catalogs and letters keep every fact -------------------------------------------------

def test_shipped_catalogs_keep_every_corrected_fact():
    problems = letter_fact_problems(translations_dir(), SHIPPED)
    assert problems == [], "\n".join(problems)


def test_every_fact_has_a_reason_and_known_languages():
    facts = read_facts(translations_dir() / FACTS_FILE)
    assert len(facts) >= 10
    for fact in facts:
        assert fact.why and (fact.must_not_say or fact.must_say), fact
        assert set(fact.languages) <= {"en", "ko", "zh_Hans", "zh_Hant"}, fact


@pytest.mark.parametrize("lang, says, never", [
    ("en", "acceded to the 1951 Convention Relating to the Status of Refugees", "signed the"),
    ("ko", "가입했습니다", "서명했"),
    ("zh-Hans", "加入了1951年《关于难民地位的公约》", "签署"),
    ("zh-Hant", "加入1951年《關於難民地位的公約》", "簽署"),
])
def test_xi_letter_says_china_acceded(client, lang, says, never):
    letter = BeautifulSoup(client.get(f"/{lang}/xi/").get_data(as_text=True), "html.parser")
    first = next(p.get_text(" ") for p in letter.find_all("p") if "1982" in p.get_text())
    first = " ".join(first.split())
    assert says in first and never not in first


@pytest.mark.parametrize("lang, name", [
    ("zh-Hans", "联合国朝鲜民主主义人民共和国人权调查委员会"), ("zh-Hant", "聯合國朝鮮民主主義人民共和國人權調查委員會"),
])
def test_xi_letter_names_the_coi_as_the_un_does(client, lang, name):
    assert name in client.get(f"/{lang}/xi/").get_data(as_text=True)


@pytest.mark.parametrize("lang, law", [
    ("en", "the North Korea Sanctions and Policy Enhancement Act of 2016"), ("ko", "2016년 대북제재정책강화법"),
    ("zh-Hans", "《2016年朝鲜制裁与政策强化法》"), ("zh-Hant", "《2016年北韓制裁與政策強化法》"),
])
def test_coalition_letter_names_the_2016_sanctions_act(client, lang, law):
    html = client.get(f"/{lang}/coalition/").get_data(as_text=True)
    assert law in html and "North Korea Human Rights Act" not in html


def test_steel_sponsors_hr958_from_ca_45(client):
    text = " ".join(BeautifulSoup(client.get("/en/congress/").get_data(as_text=True), "html.parser").get_text(" ").split())
    assert "Rep. Michelle Steel, Republican of California, district 45;" in text
    assert "district 39" not in text


@pytest.mark.parametrize("lang, numbers", [
    ("en", "20,000–200,000 North Korean refugees"), ("ko", "약 2만~20만 명의 탈북민"),
    ("zh-Hans", "约有2万至20万名脱北者"), ("zh-Hant", "約有2萬至20萬名"),
])
def test_unhcr_numbers_are_written_as_each_language_writes_them(client, lang, numbers):
    assert numbers in client.get(f"/{lang}/unhcr/").get_data(as_text=True)


# --- the gate reports a fact that comes back ------------------------------------------------------

@pytest.mark.parametrize("tag, folder, word", [("zh-Hans", "zh_Hans", "签署"), ("zh-Hant", "zh_Hant", "簽署")])
def test_signed_back_in_the_chinese_xi_letter_is_reported(catalog_copy, tag, folder, word):
    path = edit_entry(catalog_copy, folder, "letter:xi", XI_PARAGRAPH_1, lambda text: text.replace("加入", word))
    problems = find_problems(catalog_copy, [tag])
    assert reported(problems, path, f"says {word!r}"), problems
    assert reported(problems, path, "does not say '加入'"), problems


def test_flask_translate_check_fails_on_a_fact_that_came_back(catalog_copy):
    edit_entry(catalog_copy, "zh_Hant", "letter:xi", XI_PARAGRAPH_1, lambda text: text.replace("絕無僅有", "無可比擬"))
    result = CliRunner().invoke(translate, ["check", "--directory", str(catalog_copy)])
    assert result.exit_code != 0
    assert "says '無可比擬'" in result.output and FACTS_FILE in result.output


def test_signed_back_in_the_english_xi_letter_is_reported(catalog_copy):
    pot = pot_path(catalog_copy)
    pot.write_text(pot.read_text(encoding="utf-8").replace("acceded to the %(convention)s", "signed the %(convention)s"),
                   encoding="utf-8")
    assert reported(letter_fact_problems(catalog_copy, []), pot, "says 'signed'")


def test_the_2016_human_rights_act_back_in_korean_is_reported(catalog_copy):
    path = edit_entry(catalog_copy, "ko", "law", "2016", lambda text: "2016년 북한인권법")
    assert reported(letter_fact_problems(catalog_copy, ["ko"]), path, "says '북한인권법'")


def test_steel_back_in_ca_39_is_reported(monkeypatch):
    bills = tuple(dataclasses.replace(bill, sponsor=dataclasses.replace(bill.sponsor, district=39))
                  if bill.number == "H.R.958" else bill for bill in congress.BILLS)
    monkeypatch.setattr(congress, "BILLS", bills)
    problems = letter_fact_problems(translations_dir(), [])
    assert [p for p in problems if "says 'CA-39'" in p and "H.R.958" in p], problems


def test_a_row_that_finds_no_entry_is_reported(catalog_copy):
    facts = catalog_copy / FACTS_FILE
    with open(facts, "a", encoding="utf-8") as handle:
        handle.write("ko\tletter:xi\tA sentence no letter has\t-\t가입\ta row for a paragraph that is gone\n")
    problems = letter_fact_problems(catalog_copy, ["ko"])
    assert any(re.match(rf"{re.escape(str(facts))}:\d+: no ko entry 'A sentence no letter has'", p) for p in problems)


def test_a_missing_facts_file_is_reported(catalog_copy):
    (catalog_copy / FACTS_FILE).unlink()
    assert letter_fact_problems(catalog_copy, SHIPPED) == [f"{catalog_copy / FACTS_FILE}: missing: the facts the "
                                                           "letters must keep"]


def test_a_row_with_missing_columns_is_refused(catalog_copy):
    facts = catalog_copy / FACTS_FILE
    with open(facts, "a", encoding="utf-8") as handle:
        handle.write("ko letter:xi spaces instead of tabs\n")
    with pytest.raises(ValueError, match="columns"):
        read_facts(facts)


# --- one rule for spaces between Han and Latin text ------------------------------------------------

def test_chinese_catalogs_follow_the_spacing_rule():
    problems = []
    for name in CHINESE_CATALOGS:
        path = po_path(translations_dir(), name)
        problems.extend(catalog_spacing_problems(path, read_catalog(path, locale=name)))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("text, ok", [
    ("加入 Facebook 社群", True), ("分享到 Facebook", True), ("分享到Facebook", False), ("KakaoTalk及其他应用", False),
    ("2026年12月10日", True), ("第 118 届", False), ("例如92833-1234。", True), ("例如 92833-1234。", False),
    ("萨德（THAAD）", True), ("萨德（ THAAD ）", False), ("尊敬的%(member)s：", True), ("尊敬的 %(member)s：", False),
    ("选区 %(district)s 不在", True), ("选区%(district)s不在", False), ("<strong>提升</strong>美国", True),
])
def test_spacing_rule(text, ok):
    assert (spacing_problems(text) == []) is ok, spacing_problems(text)


# --- American Samoa has one Korean name ------------------------------------------------------------

def test_american_samoa_has_the_cldr_korean_name_in_the_state_list():
    with open(US_STATES_FILE, encoding="utf-8") as handle:
        samoa = next(row for row in csv.DictReader(handle) if row["code"] == "AS")
    assert samoa["ko"] == Locale("ko").territories["AS"]
