"""A packet is written in its recipient's delivered languages (definition.delivered_languages),
whoever builds it: an organiser on a Korean dashboard, or the command line. Counts read as the
packet's language says them (ngettext), never "1 signers"."""
import re

import pytest
from flask_babel import force_locale

from campaign.campaigns import definitions
from conftest import confirm_pending, sign
from test_delivery import build, congress_signers, pdf_text, squeezed, xi_signers  # noqa: F401  (fixtures)
from test_districts import districts  # noqa: F401  (fixture)
from test_organisers import admin, log_in  # noqa: F401  (fixture)
from test_packet_builds import built_now

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def definition(slug):
    return next(d for d in definitions() if d.slug == slug)


def titles(app, slug):
    """{babel locale: the campaign's title in it}."""
    with app.test_request_context("/"):
        result = {}
        for locale in ("en", "ko", "zh_Hans", "zh_Hant"):
            with force_locale(locale):
                result[locale] = str(definition(slug).title)
        return result


def download(app, url, lang="ko"):
    """The packet at `url` after an organiser on the `lang` dashboard pressed "Build all packets"."""
    client = app.test_client()
    log_in(client, "admin@example.org", lang=lang)
    built_now(app, client, url.split("/")[3], lang=lang)
    response = client.get(url)
    assert response.status_code == 200, url
    data = response.data
    response.close()
    return pdf_text(data)


def japan_packet(app, client):
    """The file name of the packet for the PRC embassy in Japan, as the packets page lists it."""
    page = client.get("/ko/organisers/xi/packets/").get_data(as_text=True)
    return re.search(r'/packets/(JP-embassy-[a-z-]+\.pdf)"', page).group(1)


def without(text, *names):
    flat = squeezed(text)
    for name in names:
        flat = flat.replace(name, "")
    return flat


@pytest.fixture
def unhcr_signers(app, client):
    for number, (first, last, country) in enumerate([("Ji-woo", "Lee", "KR"), ("민준", "김", "KR"),
                                                     ("Ann", "Smith", "US")]):
        assert sign(client, "unhcr", "ko", first_name=first, last_name=last, country=country,
                    email=f"lang{number}@example.org").status_code == 303
    confirm_pending(app)


def test_unhcr_packet_from_the_korean_dashboard_is_english_only(app, admin, unhcr_signers):  # noqa: F811
    text = download(app, "/ko/organisers/unhcr/packets/unhcr.pdf")
    names = titles(app, "unhcr")
    assert names["en"] in text
    for locale in ("ko", "zh_Hans", "zh_Hant"):
        assert squeezed(names[locale]) not in squeezed(text), locale
    # Apart from the signers' own names, not one Korean or Chinese character.
    rest = without(text, "김민준")
    assert not HANGUL.search(rest) and not HAN_OR_KANA.search(rest), rest[:300]
    assert "South Korea" in text and "3 people signed this petition." in text


def test_representatives_packet_from_the_korean_dashboard_is_english(app, admin, congress_signers):  # noqa: F811
    text = download(app, "/ko/organisers/congress/packets/house/CA-40-young-kim.pdf")
    assert titles(app, "congress")["en"] in text
    assert "To Rep. Young Kim (R-CA-40)" in text and "Dear Hon. Young Kim:" in text
    rest = without(text, "김민준", "陳美玲")
    assert not HANGUL.search(rest) and not HAN_OR_KANA.search(rest), rest[:300]


def test_xi_packet_from_the_korean_dashboard_is_english_and_simplified_chinese(app, admin, xi_signers):  # noqa: F811
    client = app.test_client()
    log_in(client, "admin@example.org", lang="ko")
    built_now(app, client, "xi", lang="ko")
    with client.get(f"/ko/organisers/xi/packets/{japan_packet(app, client)}") as response:
        text = pdf_text(response.data)
    flat = squeezed(text)
    names = titles(app, "xi")
    assert squeezed(names["en"]) in flat and squeezed(names["zh_Hans"]) in flat
    assert squeezed(names["ko"]) not in flat and squeezed(names["zh_Hant"]) not in flat
    assert "DearMr.President" in flat and "尊敬的习近平主席" in flat
    assert not HANGUL.search(flat)


def test_command_line_packets_are_in_the_delivered_language(app, runner, tmp_path, unhcr_signers):
    text = pdf_text(build(runner, "unhcr", tmp_path)["unhcr.pdf"])
    assert titles(app, "unhcr")["en"] in text
    assert not HANGUL.search(without(text, "김민준"))


def test_one_signer_reads_in_the_singular(app, runner, tmp_path, districts):  # noqa: F811
    client = app.test_client()
    assert sign(client, "congress", first_name="Solo", last_name="Signer", zip_code="92808",
                address_or_district="1 Main Street", city="Anaheim").status_code == 303
    files = build(runner, "congress", tmp_path)
    text = pdf_text(files["house/CA-40-young-kim.pdf"])
    assert "1 constituent in district CA-40 (California) signed this letter." in text
    assert "1 person signed this letter nationwide." in text
    assert "signers nationwide" not in text and "1 constituents" not in text
    summary = pdf_text(files["summary.pdf"])
    assert "1 signature in total." in summary
    senator = pdf_text(files["senate/CA-alex-padilla.pdf"])
    assert "1 constituent in California signed this letter." in senator


def test_unhcr_singular(app, runner, tmp_path, client):
    assert sign(client, "unhcr", first_name="Only", email="only@example.org", country="KR").status_code == 303
    confirm_pending(app)
    text = pdf_text(build(runner, "unhcr", tmp_path)["unhcr.pdf"])
    assert "1 person signed this petition." in text and "from 1 country or territory" in text
    assert "Signer (1)" in text
