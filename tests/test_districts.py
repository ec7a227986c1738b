"""Congressional districts: `flask data import`, and the congress form finding or asking for the district."""
import csv
import re

import pytest
from sqlalchemy import func, select

from campaign.congress_data import DATA_DIR, MEMBERS_FILE, ZIP_FILE, import_congress_data
from campaign.extensions import db
from campaign.models import CongressMember, Signature, ZipDistrict
from conftest import sign

MEMBER_COLUMNS = ("last_name", "first_name", "middle_name", "suffix", "nickname", "full_name", "birthday", "gender",
                  "type", "state", "district", "senate_class", "party", "url", "bioguide_id")

# A few rows in the shape of the shipped files: 92833 touches three California districts, CA-46's
# seat is vacant in this sample, 92808 lies in CA-40 only, 99501 in Alaska's at-large district.
ZIP_ROWS = [("06", "CA", "92833", "38"), ("06", "CA", "92833", "45"), ("06", "CA", "92833", "46"),
            ("06", "CA", "92808", "40"), ("02", "AK", "99501", "0")]
MEMBERS = [
    {"bioguide_id": "S001156", "full_name": "Linda T. Sánchez", "first_name": "Linda", "last_name": "Sánchez",
     "type": "rep", "state": "CA", "district": "38", "party": "Democrat"},
    {"bioguide_id": "T000491", "full_name": "Derek Tran", "first_name": "Derek", "last_name": "Tran",
     "type": "rep", "state": "CA", "district": "45", "party": "Democrat"},
    {"bioguide_id": "K000397", "full_name": "Young Kim", "first_name": "Young", "last_name": "Kim",
     "type": "rep", "state": "CA", "district": "40", "party": "Republican"},
    {"bioguide_id": "P000000", "full_name": "Alex Padilla", "first_name": "Alex", "last_name": "Padilla",
     "type": "sen", "state": "CA", "senate_class": "3", "party": "Democrat"},
]


def write_zip_file(path, rows=ZIP_ROWS):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("state_fips", "state_abbr", "zcta", "cd"))
        writer.writerows(rows)
    return path


def write_members_file(path, members=MEMBERS):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=MEMBER_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(members)
    return path


@pytest.fixture
def districts(app, tmp_path):
    """The sample rows above, loaded the way `flask data import` loads the real files."""
    with app.app_context():
        import_congress_data(write_zip_file(tmp_path / "zccd.csv"), write_members_file(tmp_path / "members.csv"))


def stored(app):
    with app.app_context():
        return db.session.execute(select(Signature.district, Signature.street_address)).all()


def radio_labels(response):
    html = response.get_data(as_text=True)
    return re.findall(r'<input[^>]*name="district"[^>]*value="([^"]+)"[^>]*> <span>([^<]*)</span>', html)


# --- flask data import --------------------------------------------------------------------------

def test_data_import_loads_the_shipped_files_and_can_be_rerun(app, runner):
    result = runner.invoke(args=["data", "import"])
    assert result.exit_code == 0, result.output
    assert "42033 ZIP rows (33774 ZIP codes); 537 members of Congress: 537 added" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ZipDistrict)) == 42033
        assert db.session.scalar(select(func.count()).select_from(CongressMember)) == 537
        kim = db.session.get(CongressMember, "K000397")
        assert (kim.full_name, kim.chamber, kim.state, kim.district) == ("Young Kim", "rep", "CA", 40)
        # The vacant seats are still districts (ZIP codes lead to them), with no member.
        for state, number in (("CA", 14), ("FL", 20), ("GA", 13), ("TX", 23)):
            assert db.session.scalar(select(func.count()).select_from(ZipDistrict).where(
                ZipDistrict.state == state, ZipDistrict.district == number)) > 0
            assert db.session.scalar(select(func.count()).select_from(CongressMember).where(
                CongressMember.state == state, CongressMember.district == number)) == 0
    again = runner.invoke(args=["data", "import"])
    assert again.exit_code == 0, again.output
    assert "537 members of Congress: 0 added, 0 updated, 0 removed." in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ZipDistrict)) == 42033


def test_rerun_updates_changed_members_and_replaces_the_zip_table(app, runner, tmp_path, districts):
    members = [dict(member) for member in MEMBERS if member["bioguide_id"] != "T000491"]  # left Congress
    members[0]["party"] = "Independent"  # changed
    members.append({"bioguide_id": "N000001", "full_name": "New Member", "first_name": "New", "last_name": "Member",
                    "type": "rep", "state": "CA", "district": "46", "party": "Democrat"})  # filled a vacancy
    result = runner.invoke(args=["data", "import", "--zip-file", str(write_zip_file(tmp_path / "z.csv", ZIP_ROWS[:2])),
                                 "--members-file", str(write_members_file(tmp_path / "m.csv", members))])
    assert result.exit_code == 0, result.output
    assert "2 ZIP rows (1 ZIP codes); 4 members of Congress: 1 added, 1 updated, 1 removed." in result.output
    with app.app_context():
        assert db.session.get(CongressMember, "T000491") is None
        assert db.session.get(CongressMember, "S001156").party == "Independent"
        assert db.session.get(CongressMember, "N000001").district == 46
        assert db.session.scalars(select(ZipDistrict.zip_code).distinct()).all() == ["92833"]


def test_a_bad_file_changes_nothing(app, runner, tmp_path, districts):
    bad = write_zip_file(tmp_path / "bad.csv", [("06", "CA", "9283", "38")])
    result = runner.invoke(args=["data", "import", "--zip-file", str(bad)])
    assert result.exit_code != 0 and "not a ZIP, state and district" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ZipDistrict)) == len(ZIP_ROWS)
        assert db.session.scalar(select(func.count()).select_from(CongressMember)) == len(MEMBERS)


def test_the_data_and_its_licence_notes_are_in_the_project():
    assert ZIP_FILE.parent == MEMBERS_FILE.parent == DATA_DIR
    assert DATA_DIR.parent.parent.name == "campaign"  # inside the package, not ../shared
    notices = {path.name: path.read_text(encoding="utf-8") for path in DATA_DIR.glob("NOTICE-*.md")}
    assert "1335b61ff36b6835a25fc63c754070a6148110e7" in notices["NOTICE-zccd.md"]
    assert "United States Government" in notices["NOTICE-zccd.md"]
    assert "61c9ce6a4b093e76e1244a53ada21d8d30981f42" in notices["NOTICE-legislators.md"]
    assert "CC0 1.0" in notices["NOTICE-legislators.md"]


# --- the congress form (the question itself: test_district_step.py) -------------------------------

def test_zip_with_one_district_stores_it(app, client, districts):
    assert sign(client, "congress", zip_code="92808").status_code == 303
    assert stored(app) == [("CA-40", None)]  # no street address is asked or stored


def test_at_large_state_stores_district_00(app, client, districts):
    assert sign(client, "congress", state="AK", city="Anchorage", zip_code="99501-1234").status_code == 303
    assert stored(app) == [("AK-00", None)]


def test_zip_with_several_districts_asks_the_signer_to_choose(app, client, rows, districts):
    response = sign(client, "congress", zip_code="92833")
    assert response.status_code == 200 and rows() == 0  # a question, not an error
    html = response.get_data(as_text=True)
    assert "Which congressional district do you live in?" in html
    assert radio_labels(response) == [("CA-38", "CA-38 — Linda T. Sánchez"), ("CA-45", "CA-45 — Derek Tran"),
                                      ("CA-46", "CA-46 — vacant seat"), ("unsure", "I’m not sure")]
    # What was typed is kept.
    assert 'value="92833"' in html and 'value="Fullerton"' in html
    assert sign(client, "congress", zip_code="92833", district="CA-45").status_code == 303
    assert stored(app) == [("CA-45", None)]


def test_a_choice_outside_the_candidates_is_asked_again(app, client, rows, districts):
    response = sign(client, "congress", zip_code="92833", district="CA-40")
    assert response.status_code == 200 and rows() == 0
    assert [value for value, _ in radio_labels(response)] == ["CA-38", "CA-45", "CA-46", "unsure"]
    assert 'checked' not in re.search(r'<fieldset class="question".*?</fieldset>', response.get_data(as_text=True),
                                      re.DOTALL).group(0)


def test_a_zip_the_table_lacks_in_the_chosen_state_signs_with_no_district(app, client, districts):
    # 96161 (Truckee, California) is not in the sample table: no district is guessed, none is asked.
    assert sign(client, "congress", zip_code="96161").status_code == 303
    assert stored(app) == [(None, None)]


def test_zip_in_another_state_is_corrected(app, client, rows, districts):
    response = sign(client, "congress", state="AK", city="Anchorage", zip_code="92808")
    assert response.status_code == 400 and rows() == 0
    html = response.get_data(as_text=True)
    assert "ZIP code 92808 is in California, not Alaska: check the state or the ZIP code." in html
    assert radio_labels(response) == []


def test_without_imported_data_nothing_is_looked_up(app, client):
    assert sign(client, "congress", zip_code="92833").status_code == 303
    assert stored(app) == [(None, None)]


def test_the_choice_is_asked_in_the_page_language(app, client, districts):
    response = sign(client, "congress", lang="ko", zip_code="92833")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Which congressional district do you live in?" not in html
    assert "CA-38 — Linda T. Sánchez" in html  # the member's name as in the data
