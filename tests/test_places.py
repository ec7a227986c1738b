"""Districts as people type them, and place lists in each language, sorted for its readers."""
import pytest

from campaign.districts import NotADistrict, UnknownDistrict, parse_district
from campaign.places import country_choices, us_state_choices, us_states


@pytest.mark.parametrize("text, expected", [
    ("CA-40", "CA-40"), ("CA40", "CA-40"), ("ca 40", "CA-40"), (" ny-3 ", "NY-03"), ("AK-AL", "AK-00"),
    ("AK-0", "AK-00"), ("WY 0", "WY-00"), ("DC-AL", "DC-00"), ("PR-0", "PR-00"), ("ca–40", "CA-40"),
])
def test_district_forms(text, expected):
    assert str(parse_district(text)) == expected


@pytest.mark.parametrize("text", ["CA-53", "CA-0", "AK-1", "NY-AL", "TX-99"])
def test_districts_that_do_not_exist(text):
    with pytest.raises(UnknownDistrict):
        parse_district(text)


@pytest.mark.parametrize("text", ["100 Main Street", "California", "XX-1", "", "CA-"])
def test_not_districts(text):
    with pytest.raises(NotADistrict):
        parse_district(text)


def test_every_state_dc_and_territory_has_names_in_every_language():
    states = us_states()
    assert len(states) == 56
    assert {"DC", "PR", "GU", "VI", "AS", "MP"} <= set(states)
    for state in states.values():
        for key in ("en", "ko", "zh_Hans", "zh_Hant"):
            assert state.names[key], (state.code, key)
    assert sum(s.districts or 1 for s in states.values() if s.kind == "state") == 435


def names(choices):
    return [name for _code, name in choices]


def test_korean_lists_are_in_hangul_order():
    countries = names(country_choices("ko"))
    assert countries.index("가나") < countries.index("나이지리아") < countries.index("대한민국") < countries.index("미국")
    # Hangul syllables are encoded in dictionary order, so code-point order is the reference here.
    states = names(us_state_choices("ko"))
    assert states == sorted(states) and states[0] == "괌"


def test_simplified_chinese_lists_are_in_pinyin_order():
    countries = names(country_choices("zh-Hans"))
    # 阿 (a) < 巴 (ba) < 德 (de) < 美 (mei) < 中 (zhong)
    assert countries.index("阿富汗") < countries.index("巴西") < countries.index("德国") < countries.index("美国") \
        < countries.index("中国")


def test_traditional_chinese_lists_are_in_stroke_order():
    countries = names(country_choices("zh-Hant"))
    # 中 (4 strokes) < 巴 (4, later radical) < 美 (9) < 德 (15)
    assert countries.index("中國") < countries.index("美國") < countries.index("德國")
    assert countries.index("丹麥") < countries.index("日本") < countries.index("南韓")


def test_country_names_come_from_cldr_per_locale():
    assert dict(country_choices("ko"))["KP"] == "북한"
    assert dict(country_choices("zh-Hans"))["KP"] == "朝鲜"
    assert dict(country_choices("zh-Hant"))["KP"] == "北韓"
    assert "EU" not in dict(country_choices("en")) and "ZZ" not in dict(country_choices("en"))


@pytest.mark.parametrize("first, last, tag, expected", [
    ("美玲", "陳", "zh-Hant", "陳美玲"), ("민준", "김", "ko", "김민준"), ("Mei", "Chen", "zh-Hans", "Chen Mei"),
    ("Mei", "Chen", "en", "Mei Chen"), ("Young", "Kim", "ko", "Kim Young"), ("美玲", "陳", "en", "陳美玲"),
])
def test_person_names_follow_the_readers_conventions(first, last, tag, expected):
    from campaign.i18n import person_name

    assert person_name(first, last, tag) == expected
