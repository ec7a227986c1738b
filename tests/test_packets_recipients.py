"""Which recipients get a packet: only those with signers; a member whose full name is missing is
named by first and last name; a seat with no member gets no letter, its signers are in the
summary. And the dashboard's packets page (of a finished build): national total first, sorted by
count, filterable."""
import re

import pytest
from flask_babel import force_locale, ngettext

from campaign.congress_data import import_congress_data
from campaign.extensions import db
from campaign.models import Signature
from test_delivery import build, congress_signers, pdf_text, squeezed  # noqa: F401  (fixtures)
from test_districts import MEMBERS, districts, write_members_file, write_zip_file  # noqa: F401  (fixture)
from test_organisers import admin, log_in  # noqa: F401  (fixture)
from test_packet_builds import ensure_built

# CA-1 as the shipped file had it: a member with no full name. CA-46: a row with no name at all.
MORE_MEMBERS = [
    {"bioguide_id": "G000607", "full_name": "", "first_name": "James", "last_name": "Gallagher",
     "type": "rep", "state": "CA", "district": "1", "party": "Republican"},
    {"bioguide_id": "X000046", "full_name": "", "first_name": "", "last_name": "",
     "type": "rep", "state": "CA", "district": "46", "party": ""},
]


@pytest.fixture
def seats(app, tmp_path):
    with app.app_context():
        import_congress_data(write_zip_file(tmp_path / "zccd.csv"),
                             write_members_file(tmp_path / "members.csv", MEMBERS + MORE_MEMBERS))
        for number, (first, last, district) in enumerate([("Shasta", "Voter", "CA-01"), ("Vacant", "Seat", "CA-46"),
                                                          ("Also", "Vacant", "CA-46"), ("Kim", "Voter", "CA-40")]):
            db.session.add(Signature(campaign="congress", identity_key=f"seat-{number}", first_name=first,
                                     last_name=last, city="Somewhere", region="CA", district=district,
                                     country="US", locale="en", source="web"))
        db.session.commit()


def test_only_recipients_with_signers_get_a_packet(app, runner, tmp_path, congress_signers):
    files = build(runner, "congress", tmp_path)
    # Linda Sánchez (CA-38) has no signers: no packet, but the summary lists her with 0.
    assert not any("sanchez" in name for name in files)
    assert set(files) == {"summary.pdf", "house/CA-40-young-kim.pdf", "house/CA-45-derek-tran.pdf",
                          "senate/CA-alex-padilla.pdf"}
    summary = pdf_text(files["summary.pdf"])
    assert re.search(r"Rep\. Linda T\. Sánchez \(D-CA-38\)\s*0\b", summary), summary


def test_a_member_without_full_name_is_named_by_first_and_last_name(app, runner, tmp_path, seats):
    files = build(runner, "congress", tmp_path)
    assert "house/CA-1-james-gallagher.pdf" in files and "house/CA-1-.pdf" not in files
    text = pdf_text(files["house/CA-1-james-gallagher.pdf"])
    assert "To Rep. James Gallagher (R-CA-1)" in text and "Dear Hon. James Gallagher:" in text
    assert "Rep. (R" not in text and "Dear Hon. :" not in text


def test_a_vacant_seat_gets_no_letter_and_its_signers_are_in_the_summary(app, runner, tmp_path, seats):
    files = build(runner, "congress", tmp_path)
    assert not any(name.startswith("house/CA-46") for name in files)
    for name, path in files.items():
        text = pdf_text(path)
        assert "Dear Hon. :" not in text and "Rep. (" not in text, name
    summary = pdf_text(files["summary.pdf"])
    flat = squeezed(summary)
    assert "Vacant seat: CA-46" in summary
    assert "VacantSeat" in flat and "AlsoVacant" in flat and "ShastaVoter" not in flat
    assert "2 signers live in districts whose seat is vacant" in summary


def packets_page(app, query="", lang="en", campaign="congress"):
    ensure_built(app, campaign)
    client = app.test_client()
    log_in(client, "admin@example.org", lang=lang)
    response = client.get(f"/{lang}/organisers/{campaign}/packets/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def recipients(html):
    return re.findall(r'<td><a href="[^"]+/packets/([^"]+)"', html)


def test_packets_page_total_first_sorted_by_count_and_skipped(app, admin, congress_signers):  # noqa: F811
    html = packets_page(app)
    total = html.index('class="total"')
    assert total < html.index("senate/CA-alex-padilla.pdf")
    assert re.search(r'class="total".*?summary\.pdf.*?<td>5</td>', html, re.S)
    # Padilla 4 (the state's signers), Kim 3, Tran 1.
    assert recipients(html) == ["senate/CA-alex-padilla.pdf", "house/CA-40-young-kim.pdf",
                                "house/CA-45-derek-tran.pdf"]
    assert "1 recipient has no signers yet and gets no packet." in html


def test_packets_page_can_be_filtered(app, admin, congress_signers):  # noqa: F811
    html = packets_page(app, "?q=kim")
    assert recipients(html) == ["house/CA-40-young-kim.pdf"]
    assert 'value="kim"' in html and "1 of 3 packets" in html
    assert recipients(packets_page(app, "?q=CA-45")) == ["house/CA-45-derek-tran.pdf"]
    nothing = packets_page(app, "?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert recipients(nothing) == [] and "<script>alert(1)" not in nothing
    assert "&lt;script&gt;" in nothing


def test_packets_page_in_korean_says_the_skipped_count_in_korean(app, admin, congress_signers):  # noqa: F811
    html = packets_page(app, lang="ko")
    with app.test_request_context("/"), force_locale("ko"):
        expected = ngettext("%(count)s recipient has no signers yet and gets no packet.",
                            "%(count)s recipients have no signers yet and get no packet.", 1, count=1)
    assert "recipient has no signers" not in expected and expected in html
    assert "recipient has no signers" not in html and "recipients have no signers" not in html


def test_a_campaign_nobody_signed_offers_no_empty_packet(app, admin):  # noqa: F811
    html = packets_page(app, campaign="unhcr")
    assert "packets.zip" not in html and recipients(html) == []
    assert "1 recipient has no signers yet and gets no packet." in html
    client = app.test_client()
    log_in(client, "admin@example.org")
    assert client.get("/en/organisers/unhcr/packets/unhcr.pdf").status_code == 404
