"""Where the xi packets go and how they name the mission (campaign/data/embassies/prc_missions.csv):
every country the PRC has relations with reaches its embassy, and each mission is named in Chinese
as it names itself, with the public reference each name was checked against."""
import re
from collections import Counter

import pytest
from fontTools.ttLib import TTFont
from noto_cjk_sans_otc import FONT_PATH

from campaign.delivery.fonts import FACE_INDEX, LATIN_FACE
from campaign.delivery.xi import mission_for, missions
from campaign.places import country_codes
from conftest import confirm_pending, sign
from test_delivery import build, pdf_text, squeezed

# States without diplomatic relations with the PRC (PRC Ministry of Foreign Affairs, list of
# countries with diplomatic relations): the twelve that recognise Taipei, and Bhutan.
NO_RELATIONS = {"BZ", "GT", "HT", "KN", "LC", "MH", "PW", "PY", "SZ", "TV", "VA", "VC", "BT"}
# Places no PRC embassy receives a letter for: China itself (with Taiwan, Hong Kong and Macao),
# Kosovo and Western Sahara (not recognised by the PRC) and Antarctica.
NO_RECIPIENT = {"CN", "TW", "HK", "MO", "XK", "EH", "AQ"}

NAME_ENDING = {"embassy": "大使馆", "consulate general": "总领事馆", "consulate": "领事馆",
               "office": ("办事处", "代办处")}
ENGLISH_START = {"embassy": "Embassy of the People’s Republic of China in ",
                 "consulate general": "Consulate General of the People’s Republic of China in ",
                 "consulate": "Consulate of the People’s Republic of China in ", "office": "Office of "}


def test_a_german_signer_goes_to_the_embassy_in_berlin():
    embassy = mission_for("DE")
    assert (embassy.type, embassy.city, embassy.name_zh) == ("embassy", "Berlin", "中华人民共和国驻德国大使馆")
    assert embassy.name_en == "Embassy of the People’s Republic of China in Germany"


def test_duesseldorf_is_named_as_it_names_itself():
    [duesseldorf] = [mission for mission in missions() if mission.city == "Düsseldorf"]
    assert duesseldorf.type == "consulate general"
    assert duesseldorf.name_zh == "中华人民共和国驻杜塞尔多夫总领事馆"


@pytest.mark.parametrize("country, city", [("KE", "Nairobi"), ("EG", "Cairo"), ("KZ", "Astana")])
def test_countries_that_had_only_a_consulate_or_nothing_reach_their_embassy(country, city):
    embassy = mission_for(country)
    assert (embassy.type, embassy.host_country, embassy.city) == ("embassy", country, city)


def test_every_mission_has_both_names_and_a_source():
    for mission in missions():
        assert re.fullmatch(r"中华人民共和国驻\S+", mission.name_zh), mission
        assert mission.name_zh.endswith(NAME_ENDING[mission.type]), mission
        if mission.type == "consulate":
            assert not mission.name_zh.endswith("总领事馆"), mission
        assert mission.name_en.startswith(ENGLISH_START[mission.type]), mission
        assert len(mission.source) > 20, mission  # what the name was checked against, or that it was not


def test_each_name_and_place_is_in_the_file_once():
    assert len({mission.name_zh for mission in missions()}) == len(missions())
    from_wikidata = [mission.wikidata for mission in missions() if mission.wikidata]
    assert len(set(from_wikidata)) == len(from_wikidata)
    served = Counter(code for mission in missions() for code in mission.serves)
    assert [code for code, times in served.items() if times > 1] == []
    assert set(served) <= country_codes()


def test_every_country_with_relations_reaches_an_embassy():
    unreached = []
    for code in sorted(country_codes() - NO_RELATIONS - NO_RECIPIENT):
        mission = mission_for(code)
        if mission is None:
            unreached.append(code)
        elif mission.type == "consulate general":
            assert code not in {m.host_country for m in missions() if m.type == "embassy"}, code
    assert unreached == []
    embassies = [mission for mission in missions() if mission.type in ("embassy", "office")]
    assert len(embassies) >= 170
    # Every state with relations and an embassy of its own reaches that embassy, not a consulate.
    for embassy in embassies:
        assert mission_for(embassy.host_country) is embassy, embassy


def test_countries_without_relations_go_to_no_mission_on_file():
    for code in NO_RELATIONS | NO_RECIPIENT:
        assert mission_for(code) is None, code


def test_every_name_can_be_drawn_in_the_packet_fonts():
    def characters(face):
        with TTFont(str(FONT_PATH), fontNumber=FACE_INDEX[face], lazy=True) as font:
            return set(font.getBestCmap())

    latin, chinese = characters(LATIN_FACE), characters("zh-Hans")
    for mission in missions():
        assert {ord(ch) for ch in mission.name_en} <= latin, mission.name_en
        assert {ord(ch) for ch in mission.name_zh} <= chinese, mission.name_zh


def test_the_german_packet_opens_with_the_embassy_and_follows_chinese_letter_order(app, client, runner, tmp_path):
    assert sign(client, "xi", first_name="Anna", last_name="Müller", city="Köln", region="NRW", country="DE",
                email="anna@example.org").status_code == 303
    assert sign(client, "xi", first_name="Ana", last_name="Gómez", city="Asunción", region="Central",
                country="PY", email="ana@example.org").status_code == 303
    confirm_pending(app)
    files = build(runner, "xi", tmp_path)
    assert set(files) == {"DE-embassy-berlin.pdf", "no-mission-on-file.pdf"}
    text = pdf_text(files["DE-embassy-berlin.pdf"])
    assert squeezed(text.splitlines()[0]) == "中华人民共和国驻德国大使馆"
    flat = squeezed(text)
    addressed = flat.index("中华人民共和国主席习近平阁下（经中华人民共和国驻德国大使馆转呈）")
    assert addressed < flat.index("尊敬的习近平主席")
    assert "HisExcellencyXiJinping,PresidentofthePeople’sRepublicofChina" in flat
    assert "ThroughtheEmbassyofthePeople’sRepublicofChinainGermany" in flat
    assert "领馆（" not in flat and "AnnaMüller" in flat
    # Signers whose country has no PRC embassy get the letter addressed through the embassies in general.
    elsewhere = squeezed(pdf_text(files["no-mission-on-file.pdf"]))
    assert "中华人民共和国主席习近平阁下（经中华人民共和国驻外使领馆转呈）" in elsewhere
    assert "AnaGómez" in elsewhere
