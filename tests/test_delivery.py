"""Delivery packets: `flask delivery build`, what each packet holds and never holds, and the
dashboard's downloads. PDFs are read back with pypdf (text extraction puts spaces between CJK
glyphs, so comparisons are made without whitespace)."""
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from campaign.extensions import db
from campaign.models import AuditEntry, Signature
from conftest import confirm_pending, sign
from test_districts import districts  # noqa: F401  (fixture: sample ZIP → district rows and members)
from test_organisers import admin, log_in  # noqa: F401  (fixture)

GENERATED_AT = "2026-07-14T09:30:00+00:00"
SECRET_STREET = "742 Evergreen Terrace"


def pdf_text(source):
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return "".join(page.extract_text() for page in reader.pages)


def squeezed(text):
    return re.sub(r"\s+", "", text)


def build(runner, campaign, out):
    result = runner.invoke(args=["delivery", "build", campaign, "--out", str(out), "--generated-at", GENERATED_AT])
    assert result.exit_code == 0, result.output
    return {str(path.relative_to(out)): path for path in Path(out).rglob("*.pdf")}


def congress_signer(client, first, last, zip_code, **extra):
    response = sign(client, "congress", first_name=first, last_name=last, zip_code=zip_code,
                    address_or_district=extra.pop("address", SECRET_STREET), **extra)
    assert response.status_code == 303, response.get_data(as_text=True)


@pytest.fixture
def congress_signers(app, client, districts):  # noqa: F811
    congress_signer(client, "민준", "김", "92808", city="Anaheim Hills")
    congress_signer(client, "美玲", "陳", "92808", city="Yorba Linda", email="mei@example.org", follow_up="y")
    congress_signer(client, "Grace", "Lee", "92808", lang="ko")
    congress_signer(client, "Other", "District", "92833", district="CA-45")
    congress_signer(client, "Alaska", "Voter", "99501", state="AK", city="Anchorage")


def test_young_kim_gets_exactly_her_districts_signers(app, runner, tmp_path, congress_signers):
    files = build(runner, "congress", tmp_path)
    assert {"summary.pdf", "house/CA-40-young-kim.pdf", "house/CA-45-derek-tran.pdf",
            "senate/CA-alex-padilla.pdf"} <= set(files)
    text = pdf_text(files["house/CA-40-young-kim.pdf"])
    flat = squeezed(text)
    assert "To Rep. Young Kim (R-CA-40)" in text and "Dear Hon. Young Kim:" in text
    # The Korean and the Chinese name come back out of the PDF as they were typed.
    assert "김민준" in flat and "陳美玲" in flat and "GraceLee" in flat
    assert "OtherDistrict" not in flat and "AlaskaVoter" not in flat
    assert "3 constituents" in text
    senator = squeezed(pdf_text(files["senate/CA-alex-padilla.pdf"]))
    assert "김민준" in senator and "OtherDistrict" in senator and "AlaskaVoter" not in senator
    summary = pdf_text(files["summary.pdf"])
    assert "Rep. Young Kim (R-CA-40)" in summary and "5 signatures in total" in summary


def test_no_packet_shows_a_street_address_email_or_zip_code(app, runner, tmp_path, congress_signers):
    for name, path in build(runner, "congress", tmp_path).items():
        text = pdf_text(path)
        for private in (SECRET_STREET, "mei@example.org", "92808", "92833", "99501"):
            assert private not in text, (name, private)
        assert "Evergreen" not in squeezed(text)


def test_the_same_signatures_and_time_give_the_same_bytes(app, runner, tmp_path, congress_signers):
    first = build(runner, "congress", tmp_path / "a")
    second = build(runner, "congress", tmp_path / "b")
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes(), name


def test_pages_are_numbered_and_dated(app, runner, tmp_path, congress_signers):
    files = build(runner, "congress", tmp_path)
    reader = PdfReader(files["house/CA-40-young-kim.pdf"])
    pages = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {pages}" in page.extract_text()
        assert "Generated 2026-07-14 09:30:00 UTC" in page.extract_text()


def test_hidden_and_unconfirmed_signatures_are_not_delivered(app, runner, tmp_path, congress_signers):
    with app.app_context():
        db.session.execute(update(Signature).where(Signature.first_name == "Grace").values(status="hidden"))
        db.session.execute(update(Signature).where(Signature.first_name == "민준").values(status="pending"))
        db.session.commit()
    flat = squeezed(pdf_text(build(runner, "congress", tmp_path)["house/CA-40-young-kim.pdf"]))
    assert "陳美玲" in flat and "GraceLee" not in flat and "김민준" not in flat
    assert "1constituent" in flat


XI_SIGNERS = [("Haruto", "Sato", "Tokyo", "JP"), ("민서", "박", "서울", "KR"), ("Louis", "Rossi", "Monaco", "MC"),
              ("志明", "林", "台北", "TW"), ("Anna", "Müller", "Berlin", "DE")]


@pytest.fixture
def xi_signers(app, client):
    for number, (first, last, city, country) in enumerate(XI_SIGNERS):
        lang = "zh-Hant" if country == "TW" else "en"
        assert sign(client, "xi", lang, first_name=first, last_name=last, city=city, country=country,
                    email=f"xi{number}@example.org").status_code == 303
    confirm_pending(app)


def test_xi_packets_one_per_mission_with_the_chinese_letter(app, runner, tmp_path, xi_signers):
    files = build(runner, "xi", tmp_path)
    # Germany's signers go to the embassy in Berlin (test_xi_missions.py: routing and names).
    assert set(files) == {"JP-embassy-tokyo.pdf", "KR-embassy-seoul.pdf", "FR-embassy-paris.pdf",
                          "DE-embassy-berlin.pdf", "no-mission-on-file.pdf"}
    japan = squeezed(pdf_text(files["JP-embassy-tokyo.pdf"]))
    assert "EmbassyofthePeople’sRepublicofChinainJapan" in japan
    assert "中华人民共和国驻日本国大使馆" in japan  # as the embassy names itself
    assert "尊敬的习近平主席" in japan and "DearMr.President" in japan  # the letter in both languages
    assert "HarutoSato" in japan and "민서" not in japan
    # Monaco's signers go to the embassy in Paris, which serves Monaco.
    assert "LouisRossi" in squeezed(pdf_text(files["FR-embassy-paris.pdf"]))
    assert "林志明" in squeezed(pdf_text(files["no-mission-on-file.pdf"]))
    for path in files.values():
        assert "@example.org" not in pdf_text(path)


def test_unhcr_packet_has_the_total_and_countries(app, runner, tmp_path, client):
    for number, country in enumerate(["KR", "KR", "US"]):
        assert sign(client, "unhcr", first_name=f"Signer{number}", email=f"u{number}@example.org",
                    country=country).status_code == 303
    confirm_pending(app)
    text = pdf_text(build(runner, "unhcr", tmp_path)["unhcr.pdf"])
    assert "3 people signed this petition." in text and "Signatures came from 2 countries and territories." in text
    assert "South Korea" in text and "Signer2" in text and "u0@example.org" not in text


def test_the_command_line_build_is_audited(app, runner, tmp_path, xi_signers):
    build(runner, "xi", tmp_path)
    with app.app_context():
        entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "export_packets")).scalar_one()
        assert entry.user_id is None and entry.campaign == "xi"
        assert json.loads(entry.details)["via"] == "command line"


def test_unknown_campaign_and_bad_time_are_refused(runner, tmp_path):
    assert runner.invoke(args=["delivery", "build", "nope", "--out", str(tmp_path)]).exit_code == 2
    assert runner.invoke(args=["delivery", "build", "xi", "--generated-at", "yesterday"]).exit_code == 2


def test_dashboard_lists_and_downloads_packets_and_audits(app, congress_signers, admin):  # noqa: F811
    """The dashboard's build (test_packet_builds.py: the worker, its progress and its leases)."""
    from test_packet_builds import built_now

    client = app.test_client()
    log_in(client, "admin@example.org")
    built_now(app, client)
    page = client.get("/en/organisers/congress/packets/").get_data(as_text=True)
    assert "Rep. Young Kim (R-CA-40)" in page and "/en/organisers/congress/packets/house/CA-40-young-kim.pdf" in page
    response = client.get("/en/organisers/congress/packets/house/CA-40-young-kim.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "김민준" in squeezed(pdf_text(response.data))
    response.close()
    assert client.get("/en/organisers/congress/packets/house/XX-99-nobody.pdf").status_code == 404
    archive = client.get("/en/organisers/congress/packets.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    archive.close()  # as the server does: it closes the file behind the download
    assert "summary.pdf" in names and "house/CA-40-young-kim.pdf" in names
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.details).where(
            AuditEntry.action.like("export%")).order_by(AuditEntry.id)).all()
    assert [(action, json.loads(details).get("packet")) for action, details in entries] == [
        ("export_packets", None), ("export_packet", "house/CA-40-young-kim.pdf"), ("export_packets_zip", None)]
