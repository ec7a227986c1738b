"""No name stops delivery: a name in any script a signer can type is drawn legibly in every packet,
invisible format characters never reach one, a character no font has is drawn as U+FFFD and
reported, and one bad row never stops a build (issue "Signer safety", item 3).

Names are read back out of the PDFs with pypdf. Shaped text comes back with some care: glyphs a
shaper adds (Arabic dots, Devanagari vowel signs drawn apart) carry no text of their own and come
out as control characters, which are dropped; right-to-left words come out in reading order but
in the order they stand on the line (the last word first). Two tests below look at the glyphs
themselves: Arabic letters take their joined forms, and right-to-left text runs right to left.
"""
import io
import logging
import re
import unicodedata

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from sqlalchemy import select, update

from campaign.extensions import db
from campaign.models import Organisation, Signature
from conftest import confirm_pending, csrf_token, sign
from test_coalition import sign_organisation
from test_delivery import GENERATED_AT, build, congress_signer
from test_districts import districts  # noqa: F401  (fixture: sample ZIP → district rows and members)
from test_organisers import admin, log_in  # noqa: F401  (fixture)
from test_packet_builds import built_now

# (script, first name, last name) of one signer each.
SCRIPT_NAMES = [
    ("Latin with diacritics", "Zoë", "Łukasiewicz-Nguyễn"),
    ("Cyrillic", "Анна", "Ковальчук"),
    ("Greek", "Γιώργος", "Παπαδόπουλος"),
    ("Hebrew", "נועה", "כהן"),
    ("Arabic", "محمد", "العلي"),
    ("Devanagari", "प्रिया", "शर्मा"),
    ("Thai", "สมชาย", "ใจดี"),
    ("Hangul", "민준", "김"),
    ("Han", "美玲", "陳"),
    ("Kana", "はると", "さとう"),
    ("Emoji", "Joy 😀", "Smile"),
]
# Typed with invisible characters; delivered without them.
INVISIBLE_NAMES = [("zero-width space", "Ji\u200bwoo", "Lee", "Jiwoo Lee"),
                   ("right-to-left override", "\u202eevil", "Doe", "evil Doe")]
RIGHT_TO_LEFT = {"Hebrew", "Arabic"}
NO_FONT_HAS = "\U00013000"  # EGYPTIAN HIEROGLYPH A001: a letter, but in no font the packets use


def delivered(first, last):
    """The name as a packet prints it (family name first with no space for Hangul, Han, kana)."""
    from campaign.i18n import person_name

    return person_name(first, last, "en")


def page_text(path_or_bytes):
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    text = "".join(page.extract_text() for page in PdfReader(source).pages)
    # Glyphs that carry no text of their own come out as control characters.
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch) != "Cc")


def squeezed(text):
    return re.sub(r"\s+", "", text)


def found(name, text, right_to_left=False):
    """Whether `name` is in the extracted `text`, every character in reading order; words of a
    right-to-left name may come out in the order they stand on the line."""
    flat = squeezed(text)
    if squeezed(name) in flat:
        return True
    return right_to_left and "".join(reversed(name.split())) in flat


def assert_every_name_in(text, names=SCRIPT_NAMES):
    missing = [script for script, first, last in names
               if not found(delivered(first, last), text, script in RIGHT_TO_LEFT)]
    assert not missing, missing
    assert "\ufffd" not in text


def sign_everyone(app, client, slug, names=SCRIPT_NAMES):
    for number, (script, first, last) in enumerate(names):
        lang = "zh-Hant" if script == "Han" else "en"
        if slug == "congress":
            congress_signer(client, first, last, "92808", city="Anaheim Hills", lang=lang)
        else:
            extra = {"city": "Toronto", "country": "CA"} if slug == "xi" else {"country": "KR"}
            response = sign(client, slug, lang, first_name=first, last_name=last,
                            email=f"signer{number}@example.org", **extra)
            assert response.status_code == 303, (script, response.get_data(as_text=True))
    confirm_pending(app)


def stored_names(app, slug):
    with app.app_context():
        return db.session.execute(select(Signature.first_name, Signature.last_name)
                                  .where(Signature.campaign == slug).order_by(Signature.id)).all()


# -- every script in every packet --------------------------------------------------------------

@pytest.mark.parametrize("slug", ["xi", "congress", "unhcr"])
def test_a_name_in_every_script_is_drawn_and_read_back(app, client, runner, tmp_path, districts, slug):  # noqa: F811
    sign_everyone(app, client, slug)
    files = build(runner, slug, tmp_path)  # xi: Canada's signers go to whichever mission serves Canada
    with_signers = [path for name, path in files.items() if "Joy" in page_text(path)]
    assert with_signers, sorted(files)
    for path in with_signers:
        assert_every_name_in(page_text(path))


@pytest.mark.parametrize("slug", ["xi", "congress", "unhcr"])
def test_invisible_characters_are_removed_at_signing_and_never_printed(app, client, runner, tmp_path,
                                                                      districts, slug):  # noqa: F811
    names = [(script, first, last) for script, first, last, _shown in INVISIBLE_NAMES]
    sign_everyone(app, client, slug, names)
    assert stored_names(app, slug) == [("Jiwoo", "Lee"), ("evil", "Doe")]
    text = "".join(page_text(path) for path in build(runner, slug, tmp_path).values())
    assert "Jiwoo Lee" in text and "evil Doe" in text


def test_a_name_of_only_invisible_characters_is_refused_and_nothing_is_stored(app, client):
    response = sign(client, "unhcr", first_name="\u200b\u200b\u2060", email="ghost@example.org")
    assert response.status_code == 400
    assert "Please enter your first name." in response.get_data(as_text=True)
    assert stored_names(app, "unhcr") == []


def test_joiners_stay_where_they_join(app, client):
    persian, family = "\u0645\u06cc\u200c\u0631\u0636\u0627", "\U0001F469\u200d\u2695\ufe0f"
    assert sign(client, "unhcr", first_name=f"\u200d{persian}\u200c", last_name=family,
                email="joiner@example.org").status_code == 303
    assert stored_names(app, "unhcr") == [(persian, family)]


def test_organisations_in_every_script_are_drawn_in_the_coalition_letter(app, client, runner, tmp_path):
    for number, (script, first, last) in enumerate(SCRIPT_NAMES):
        response = sign_organisation(client, "en", organisation=f"{first} {last}", organisation_en=f"{script} group",
                                     email=f"contact{number}@example.org", homepage=f"group{number}.example.org")
        assert response.status_code == 303, (script, response.get_data(as_text=True))
    with app.app_context():
        db.session.execute(update(Organisation).values(status="approved"))
        db.session.commit()
    text = page_text(build(runner, "coalition", tmp_path)["coalition.pdf"])
    missing = [script for script, first, last in SCRIPT_NAMES
               if not found(f"{first} {last}", text, script in RIGHT_TO_LEFT)]
    assert not missing, missing
    assert "Emoji group" in text and "\ufffd" not in text


# -- shaping and direction, read from the glyphs -----------------------------------------------

def drawn_runs(pdf_bytes):
    """[(font name, text)] of every string drawn, in the order drawn (left to right within a line),
    each glyph read through its font's ToUnicode map."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    runs = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        maps = {}
        for key, font in fonts.items():
            font = font.get_object()
            cmap = font["/ToUnicode"].get_object().get_data().decode()
            pairs = {}
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for glyph, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
                    pairs[int(glyph, 16)] = bytes.fromhex(text).decode("utf-16-be") if text else ""
            maps[key] = (str(font["/BaseFont"]), pairs)
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = maps[operands[0]]
            elif operator in (b"Tj", b"TJ") and current:
                strings = operands[0] if operator == b"TJ" else [operands[0]]
                data = b"".join(s.get_original_bytes() if hasattr(s, "get_original_bytes") else bytes(s)
                                for s in strings if not isinstance(s, (int, float)))
                glyphs = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
                runs.append((current[0], [(glyph, current[1].get(glyph, "")) for glyph in glyphs]))
    return runs


def test_arabic_is_joined_and_right_to_left_and_hebrew_right_to_left(app, client):
    from campaign.delivery.build import now_to_the_second, prepared
    from campaign.campaigns import definitions

    persian = ("Persian", "\u0645\u06cc\u200c\u0631\u0636\u0627", "\u0627\u062d\u0645\u062f\u06cc")  # می‌رضا احمدی
    sign_everyone(app, client, "unhcr", [("Arabic", "محمد", "العلي"), ("Hebrew", "נועה", "כהן"), persian])
    unhcr = next(definition for definition in definitions() if definition.slug == "unhcr")
    with app.test_request_context("/"), prepared(unhcr, now_to_the_second()) as job:
        data = job.draw(next(packet for packet in job.described.packets if packet.filename == "unhcr.pdf"))
    arabic = [glyphs for font, glyphs in drawn_runs(data) if "Arabic" in font]
    hebrew = [glyphs for font, glyphs in drawn_runs(data) if "Hebrew" in font]
    assert arabic and hebrew
    # Joined: م starts محمد and stands in its middle, in two different forms (two glyphs).
    meem = {glyph for glyphs in arabic for glyph, text in glyphs if text == "م"}
    assert len(meem) >= 2, meem
    # Right to left: on the line, the last letter of each word is drawn first.
    arabic_line = "".join(text for glyphs in arabic for _glyph, text in glyphs)
    assert "دمحم" in arabic_line and "يلعلا" in arabic_line, arabic_line
    hebrew_line = "".join(text for glyphs in hebrew for _glyph, text in glyphs)
    assert "העונ" in hebrew_line and "ןהכ" in hebrew_line, hebrew_line
    # A Persian name keeps its zero-width non-joiner (ی stays unjoined) and its letters in order.
    assert "\u06cc\u062f\u0645\u062d\u0627 \u0627\u0636\u0631\u200c\u06cc\u0645" in arabic_line, arabic_line


# -- what no font has, and rows that cannot be drawn -------------------------------------------

def test_a_character_no_font_has_is_drawn_as_a_replacement_and_reported(app, client, runner, tmp_path, caplog):
    assert sign(client, "unhcr", first_name=f"Ankh{NO_FONT_HAS}", last_name="Scribe",
                email="scribe@example.org").status_code == 303
    confirm_pending(app)
    with caplog.at_level(logging.WARNING):
        result = runner.invoke(args=["delivery", "build", "unhcr", "--out", str(tmp_path),
                                     "--generated-at", GENERATED_AT])
    assert result.exit_code == 0, result.output
    assert "1 name or place had characters no font can draw" in result.output
    assert "U+13000" in result.output
    assert "U+13000" in caplog.text and "Ankh" not in caplog.text  # names stay out of logs
    text = page_text(tmp_path / "unhcr.pdf")
    assert "Ankh\ufffdScribe" in squeezed(text)


def test_a_malformed_district_stops_no_build(app, runner, tmp_path, client, districts):  # noqa: F811
    congress_signer(client, "Grace", "Lee", "92808")
    congress_signer(client, "Broken", "District", "92808")
    with app.app_context():  # a district no form writes (a bad import, a hand edit)
        db.session.execute(update(Signature).where(Signature.first_name == "Broken").values(district="CA-4x"))
        db.session.commit()
    files = build(runner, "congress", tmp_path)
    senator = page_text(files["senate/CA-alex-padilla.pdf"])
    assert "Grace Lee" in senator and "Broken District" in senator and "CA-4x" in senator


def test_one_row_that_cannot_be_made_is_reported_and_the_rest_build(app, runner, tmp_path, client, monkeypatch,
                                                                    caplog):
    from campaign.delivery import unhcr

    def failing_for_one(row):
        if row.first_name == "Broken":
            raise ValueError("a value no form writes")
        return original(row)

    original = unhcr.signer_row
    monkeypatch.setattr(unhcr, "signer_row", failing_for_one)
    for number, first in enumerate(["Grace", "Broken", "Mei"]):
        assert sign(client, "unhcr", first_name=first, email=f"row{number}@example.org").status_code == 303
    confirm_pending(app)
    with app.app_context():
        broken = db.session.execute(select(Signature.id).where(Signature.first_name == "Broken")).scalar_one()
    with caplog.at_level(logging.WARNING):
        result = runner.invoke(args=["delivery", "build", "unhcr", "--out", str(tmp_path),
                                     "--generated-at", GENERATED_AT])
    assert result.exit_code == 0, result.output
    assert f"1 signature could not be listed and is printed as \ufffd (signature {broken})" in result.output
    assert f"signature {broken} could not be listed" in caplog.text and "Broken" not in caplog.text
    text = squeezed(page_text(tmp_path / "unhcr.pdf"))
    assert "GraceLee" in text and "MeiLee" in text and "\ufffd" in text and "Broken" not in text


# -- the dashboard, byte-reproducibility, the signing rules ------------------------------------

def test_the_dashboard_downloads_a_packet_with_such_names(app, client, admin, districts):  # noqa: F811
    sign_everyone(app, client, "congress")
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    built_now(app, organiser)  # "Build all packets", and a worker (test_packet_builds.py)
    response = organiser.get("/en/organisers/congress/packets/house/CA-40-young-kim.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert_every_name_in(page_text(response.data))
    response.close()
    archive = organiser.get("/en/organisers/congress/packets.zip")
    assert archive.status_code == 200
    archive.close()


def test_the_same_names_give_the_same_bytes(app, client, runner, tmp_path):
    sign_everyone(app, client, "unhcr")
    first = build(runner, "unhcr", tmp_path / "a")["unhcr.pdf"].read_bytes()
    second = build(runner, "unhcr", tmp_path / "b")["unhcr.pdf"].read_bytes()
    assert first == second


def test_paper_batches_refuse_invisible_characters(app, admin):  # noqa: F811
    client = app.test_client()
    log_in(client, "admin@example.org")
    url = "/en/organisers/unhcr/paper"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "collected_on": "2026-11-20",
                                      "place": "Seoul", "language": "ko", "lines": "Ji\u200bwoo;Lee;KR\n"})
    assert response.status_code == 400
    assert stored_names(app, "unhcr") == []
