"""Paper signatures: a batch is previewed, then saved; it counts, is delivered and dedupes like web
signatures; one bad line rejects the whole batch with every problem listed and nothing stored; a
saved batch can be deleted as a whole."""
import html as html_text
import json
import re

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.models import AuditEntry, PaperBatch, Signature
from conftest import csrf_token, sign
from test_districts import districts  # noqa: F401  (fixture)
from test_organisers import admin, audit_actions, log_in  # noqa: F401  (fixture)

PAGE = "/en/organisers/congress/paper"


def organiser_client(app):
    client = app.test_client()
    log_in(client, "admin@example.org")
    return client


def post_batch(client, lines, url=PAGE, **fields):
    """The first step: the batch is read and shown, nothing is stored."""
    data = {"csrf_token": csrf_token(client, url), "collected_on": "2026-11-20",
            "place": "Korean Church, Fullerton", "language": "ko", "lines": lines, **fields}
    return client.post(url, data=data)


def form_on(page, action_ending):
    """(action, fields) of the form on `page` whose action ends with `action_ending`, as a browser sends it."""
    for action, body in re.findall(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page, re.S):
        if action.endswith(action_ending):
            fields = {}
            for tag in re.findall(r'<input [^>]*type="hidden"[^>]*>', body):
                name, value = re.search(r' name="([^"]*)"', tag), re.search(r' value="([^"]*)"', tag)
                fields[html_text.unescape(name.group(1))] = html_text.unescape(value.group(1) if value else "")
            return html_text.unescape(action), fields
    raise AssertionError(f"no form posting to …{action_ending}")


def save_batch(client, lines, url=PAGE, **fields):
    """Both steps, as an organiser takes them: the preview, then its Save button."""
    preview = post_batch(client, lines, url, **fields)
    if preview.status_code != 200:
        return preview
    action, data = form_on(preview.get_data(as_text=True), "/paper/save")
    return client.post(action, data=data)


def rows(app):
    with app.app_context():
        return db.session.execute(select(Signature.first_name, Signature.source, Signature.district,
                                         Signature.paper_batch_id, Signature.locale).order_by(Signature.id)).all()


def test_a_batch_counts_and_reaches_the_packets(app, admin, districts, runner, tmp_path):  # noqa: F811
    client = organiser_client(app)
    response = save_batch(client, "민준;김;Anaheim;CA;92808\nGrace\tLee\tFullerton\tCalifornia\t92833\tCA-45\n")
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
    response = save_batch(organiser_client(app), "Young;Park;Fullerton;CA;92808\nNew;Person;Anaheim;CA;92808")
    assert response.status_code == 303
    assert client.get("/en/congress/count.json").get_json()["count"] == 2
    with app.app_context():
        assert db.session.execute(select(PaperBatch.signatures)).scalar_one() == 1


def test_other_campaigns_take_a_country_by_code_or_name(app, admin):  # noqa: F811
    url = "/en/organisers/unhcr/paper"
    response = post_batch(organiser_client(app), "Haruto;Sato;JP\n민서;박;대한민국\nAnna;Meyer;Atlantis", url=url)
    assert response.status_code == 400 and "Line 3: “Atlantis” is not a country" in response.get_data(as_text=True)
    response = save_batch(organiser_client(app), "Haruto;Sato;JP\n민서;박;대한민국\n민서;박;KR", url=url)
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.execute(select(Signature.first_name, Signature.country).order_by(Signature.id)).all()
    assert stored == [("Haruto", "JP"), ("민서", "KR")]  # the repeated line counted once


def test_form_fields_are_checked(app, admin):  # noqa: F811
    response = post_batch(organiser_client(app), "", place="", collected_on="not a date")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please enter at least one signature." in html and "Please enter where the signatures" in html


def stored_count(app):
    with app.app_context():
        return (db.session.execute(select(func.count()).select_from(Signature)).scalar_one(),
                db.session.execute(select(func.count()).select_from(PaperBatch)).scalar_one())


def preview_table(page):
    """The preview's column headings and rows of cells, as text."""
    table = re.search(r'<table class="paper-preview">(.*?)</table>', page, re.S).group(1)
    headings = re.findall(r'<th scope="col">([^<]*)</th>', table)
    rows = [re.findall(r'<td[^>]*>([^<]*)</td>', row) for row in re.findall(r'<tr[^>]*>(.*?)</tr>', table, re.S)[1:]]
    return headings, rows


def test_a_batch_is_shown_in_the_forms_own_name_order_before_it_is_saved(app, admin, districts):  # noqa: F811
    client = organiser_client(app)
    lines = "민준;김;Anaheim;CA;92808\nGrace;Lee;Fullerton;California;92833;CA-45"
    preview = post_batch(client, lines)  # a Korean form: family name first
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Nothing is saved yet." in page
    assert stored_count(app) == (0, 0)
    headings, rows = preview_table(page)
    assert headings[:3] == ["Line", "Last name", "First name"]
    assert rows == [["1", "김", "민준", "Anaheim", "California", "92808", "CA-40", ""],
                    ["2", "Lee", "Grace", "Fullerton", "California", "92833", "CA-45", ""]]
    assert "2 new signatures will be added." in page
    headings, _rows = preview_table(post_batch(client, lines, language="en").get_data(as_text=True))
    assert headings[:3] == ["Line", "First name", "Last name"]
    for language in ("zh-Hans", "zh-Hant"):
        headings, _rows = preview_table(post_batch(client, lines, language=language).get_data(as_text=True))
        assert headings[:3] == ["Line", "Last name", "First name"], language
    assert stored_count(app) == (0, 0)
    # "Change them" brings the form back as it was typed.
    action, data = form_on(page, "/paper")
    again = client.post(action, data={**data, "change": "1"})
    assert again.status_code == 200 and "민준;김;Anaheim;CA;92808" in again.get_data(as_text=True)
    assert stored_count(app) == (0, 0)


def test_other_campaigns_preview_country_names_and_lines_already_counted(app, admin):  # noqa: F811
    client = organiser_client(app)
    url = "/en/organisers/unhcr/paper"
    assert save_batch(client, "Haruto;Sato;JP", url=url, language="en").status_code == 303
    page = post_batch(client, "Haruto;Sato;JP\n민서;박;KR\n민서;박;대한민국", url=url, language="ko").get_data(as_text=True)
    headings, rows = preview_table(page)
    assert headings == ["Line", "Last name", "First name", "Country", "Note"]
    assert rows == [["1", "Sato", "Haruto", "Japan", "Already signed"], ["2", "박", "민서", "South Korea", ""],
                    ["3", "박", "민서", "South Korea", "Already in this batch"]]
    assert "1 new signature will be added." in page and "2 lines will not be added" in page


def test_saving_twice_saves_once(app, admin, districts):  # noqa: F811
    client = organiser_client(app)
    preview = post_batch(client, "민준;김;Anaheim;CA;92808\nGrace;Lee;Fullerton;CA;92833;CA-45")
    action, data = form_on(preview.get_data(as_text=True), "/paper/save")
    first = client.post(action, data=data)
    second = client.post(action, data=data)  # a double click, or Back and Save again
    assert first.status_code == second.status_code == 303
    assert stored_count(app) == (2, 1)
    assert app.test_client().get("/en/congress/count.json").get_json()["count"] == 2
    assert len(audit_actions(app, "paper_batch")) == 1
    saved = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "The batch is saved: 2 new signatures." in saved
    repeated = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Nothing was added: every person in this batch has already signed." in repeated


def test_saving_checks_the_batch_again(app, admin, districts):  # noqa: F811
    client = organiser_client(app)
    preview = post_batch(client, "민준;김;Anaheim;CA;92808")
    action, data = form_on(preview.get_data(as_text=True), "/paper/save")
    tampered = client.post(action, data={**data, "lines": "민준;김;Anaheim;Narnia;92808"})
    assert tampered.status_code == 400 and "“Narnia” is not a U.S. state" in tampered.get_data(as_text=True)
    assert client.post(action, data={key: value for key, value in data.items() if key != "csrf_token"}) \
        .status_code == 400
    assert stored_count(app) == (0, 0)


def batch_ids(app):
    with app.app_context():
        return db.session.execute(select(PaperBatch.id).order_by(PaperBatch.id)).scalars().all()


def test_a_batch_is_deleted_as_a_whole_after_a_confirmation(app, client, admin, districts):  # noqa: F811
    assert sign(client, "congress", first_name="Web", last_name="Signer", zip_code="92808").status_code == 303
    organiser = organiser_client(app)
    assert save_batch(organiser, "A;One;Anaheim;CA;92808\nB;Two;Anaheim;CA;92808\nC;Three;Anaheim;CA;92808") \
        .status_code == 303
    assert save_batch(organiser, "D;Four;Anaheim;CA;92808", place="Library").status_code == 303
    doomed, kept = batch_ids(app)
    with app.app_context():
        hidden = db.session.execute(select(Signature.id).where(Signature.first_name == "C")).scalar_one()
    listing = "/en/organisers/congress/signatures/"
    assert organiser.post(f"/en/organisers/congress/signatures/{hidden}/hide", data={
        "csrf_token": csrf_token(organiser, listing), "reason": "duplicate"}).status_code == 303
    public = "/en/congress/count.json"
    assert client.get(public).get_json()["count"] == 4  # web 1 + batch 3 - hidden 1 + batch 1
    audit_before = audit_actions(app)

    paper_page = organiser.get(PAGE).get_data(as_text=True)
    assert f'href="/en/organisers/congress/paper/{doomed}/delete"' in paper_page
    confirm = organiser.get(f"/en/organisers/congress/paper/{doomed}/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and '<div class="warning"' in page
    assert "Korean Church, Fullerton" in page and "November 20, 2026" in page
    assert "2 counted signatures will leave the count" in page
    assert re.search(r'<a [^>]*href="/en/organisers/congress/paper"[^>]*>Cancel</a>', page)
    assert audit_actions(app) == audit_before and len(batch_ids(app)) == 2  # looking changes nothing

    action, data = form_on(page, f"/paper/{doomed}/delete")
    for _ in range(2):  # a double click deletes once
        response = organiser.post(action, data=data)
        assert response.status_code == 303
    assert client.get(public).get_json()["count"] == 2  # down by exactly the batch's counted signatures
    assert batch_ids(app) == [kept]
    with app.app_context():
        names = db.session.execute(select(Signature.first_name).order_by(Signature.id)).scalars().all()
    assert names == ["Web", "D"]
    deletions = audit_actions(app, "paper_batch_delete")
    assert deletions == [("paper_batch_delete", admin, "congress", {
        "batch": doomed, "place": "Korean Church, Fullerton", "collected_on": "2026-11-20", "entered_by": admin,
        "counted": 2, "signatures": 3})]
    assert audit_actions(app)[:len(audit_before)] == audit_before and len(audit_actions(app)) == len(audit_before) + 1
    done = organiser.get(response.headers["Location"]).get_data(as_text=True)
    assert "The batch is deleted: 2 signatures no longer count." in done


def test_a_batch_is_deleted_only_from_its_own_campaign(app, admin):  # noqa: F811
    organiser = organiser_client(app)
    assert save_batch(organiser, "Haruto;Sato;JP", url="/en/organisers/unhcr/paper").status_code == 303
    (batch,) = batch_ids(app)
    assert organiser.get(f"/en/organisers/xi/paper/{batch}/delete").status_code == 404
    token = csrf_token(organiser, PAGE)
    assert organiser.post(f"/en/organisers/xi/paper/{batch}/delete", data={"csrf_token": token}).status_code == 404
    assert organiser.post(f"/en/organisers/unhcr/paper/{batch}/delete", data={}).status_code == 400
    assert batch_ids(app) == [batch]
