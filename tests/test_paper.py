"""Paper signatures: a batch counts, is delivered and dedupes like web signatures; one bad line
rejects the whole batch with every problem listed and nothing stored."""
import json

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import AuditEntry, PaperBatch, Signature
from conftest import csrf_token, sign
from test_districts import districts  # noqa: F401  (fixture)
from test_organisers import admin, log_in  # noqa: F401  (fixture)

PAGE = "/en/organisers/congress/paper"


def organiser_client(app):
    client = app.test_client()
    log_in(client, "admin@example.org")
    return client


def post_batch(client, lines, url=PAGE, **fields):
    data = {"csrf_token": csrf_token(client, url), "collected_on": "2026-11-20",
            "place": "Korean Church, Fullerton", "language": "ko", "lines": lines, **fields}
    return client.post(url, data=data)


def rows(app):
    with app.app_context():
        return db.session.execute(select(Signature.first_name, Signature.source, Signature.district,
                                         Signature.paper_batch_id, Signature.locale).order_by(Signature.id)).all()


def test_a_batch_counts_and_reaches_the_packets(app, admin, districts, runner, tmp_path):  # noqa: F811
    client = organiser_client(app)
    response = post_batch(client, "민준;김;Anaheim;CA;92808\nGrace\tLee\tFullerton\tCalifornia\t92833\tCA-45\n")
    assert response.status_code == 303
    stored = rows(app)
    assert [(name, source, district) for name, source, district, _batch, _locale in stored] == [
        ("민준", "paper", "CA-40"), ("Grace", "paper", "CA-45")]
    assert {locale for *_rest, locale in stored} == {"ko"}
    assert app.test_client().get("/en/congress/count.json").get_json()["count"] == 2
    page = client.get(PAGE).get_data(as_text=True)
    assert "Korean Church, Fullerton" in page and "Ada Admin" in page
    with app.app_context():
        batch = db.session.execute(select(PaperBatch)).scalar_one()
        assert (batch.signatures, batch.collected_on.isoformat()) == (2, "2026-11-20")
        audit = db.session.execute(select(AuditEntry.details).where(AuditEntry.action == "paper_batch")).scalar_one()
    assert json.loads(audit)["added"] == 2
    from test_delivery import build, pdf_text, squeezed

    assert "김민준" in squeezed(pdf_text(build(runner, "congress", tmp_path)["house/CA-40-young-kim.pdf"]))


def test_one_bad_line_rejects_the_batch_and_lists_every_problem(app, admin, districts):  # noqa: F811
    client = organiser_client(app)
    response = post_batch(client, "\n".join([
        "Good;Person;Anaheim;CA;92808",
        "Only;three;fields",
        "No;Zip;Anaheim;CA;9280",
        "Bad;State;Anaheim;Narnia;92808",
        "Many;Districts;Fullerton;CA;92833",
        "Wrong;District;Fullerton;CA;92833;NY-3",
        ";Nameless;Anaheim;CA;92808",
    ]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for expected in ("Line 2: expected 5 fields", "Line 3: “9280” is not a five-digit ZIP code",
                     "Line 4: “Narnia” is not a U.S. state", "Line 5: ZIP code 92833 is in several districts",
                     "Line 6: “NY-3” is not a district of CA", "Line 7: the first and the last name"):
        assert expected in html, expected
    assert rows(app) == []
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PaperBatch)).scalar_one() == 0


def test_someone_who_signed_online_counts_once(app, client, admin, districts):  # noqa: F811
    assert sign(client, "congress", first_name="Young", last_name="Park", zip_code="92808").status_code == 303
    response = post_batch(organiser_client(app), "Young;Park;Fullerton;CA;92808\nNew;Person;Anaheim;CA;92808")
    assert response.status_code == 303
    assert client.get("/en/congress/count.json").get_json()["count"] == 2
    with app.app_context():
        assert db.session.execute(select(PaperBatch.signatures)).scalar_one() == 1


def test_other_campaigns_take_a_country_by_code_or_name(app, admin):  # noqa: F811
    url = "/en/organisers/unhcr/paper"
    response = post_batch(organiser_client(app), "Haruto;Sato;JP\n민서;박;대한민국\nAnna;Meyer;Atlantis", url=url)
    assert response.status_code == 400 and "Line 3: “Atlantis” is not a country" in response.get_data(as_text=True)
    response = post_batch(organiser_client(app), "Haruto;Sato;JP\n민서;박;대한민국\n민서;박;KR", url=url)
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.execute(select(Signature.first_name, Signature.country).order_by(Signature.id)).all()
    assert stored == [("Haruto", "JP"), ("민서", "KR")]  # the repeated line counted once


def test_form_fields_are_checked(app, admin):  # noqa: F811
    response = post_batch(organiser_client(app), "", place="", collected_on="not a date")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please enter at least one signature." in html and "Please enter where the signatures" in html
