"""The congress form's district step, as a signer meets it (issue 19, item 3): no street address;
the ZIP code finds the district; a ZIP code in several districts brings a neutral question with
nearby places under each district and "I'm not sure"; a ZIP code of another state brings a short
correction; every member is shown by name."""
import hashlib
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from campaign.congress_data import DATA_DIR, import_congress_data, representatives
from campaign.zip_places import PLACES_FILE, prefix_states, zip_place
from campaign.extensions import db
from campaign.models import CongressMember, Signature
from conftest import sign
from test_delivery import build, pdf_text, squeezed
from test_districts import write_members_file, write_zip_file

FIND_YOUR_REPRESENTATIVE = "https://www.house.gov/representatives/find-your-representative"

# Real rows of the shipped zccd.csv: 92833 (Fullerton) touches three districts; its neighbours
# lie in one of them only (La Mirada and Whittier in CA-38, La Palma in CA-45, Orange in CA-40
# and CA-46); 95556 touches CA-1 and CA-2; 10001 is in New York.
ZIP_ROWS = [("06", "CA", "92833", "38"), ("06", "CA", "92833", "45"), ("06", "CA", "92833", "46"),
            ("06", "CA", "90639", "38"), ("06", "CA", "90604", "38"), ("06", "CA", "90623", "45"),
            ("06", "CA", "92865", "40"), ("06", "CA", "92865", "46"), ("06", "CA", "92808", "40"),
            ("06", "CA", "95556", "1"), ("06", "CA", "95556", "2"),
            ("36", "NY", "10001", "10"), ("36", "NY", "10001", "12")]
MEMBERS = [
    {"bioguide_id": "S001156", "full_name": "Linda T. Sánchez", "first_name": "Linda", "last_name": "Sánchez",
     "type": "rep", "state": "CA", "district": "38", "party": "Democrat"},
    {"bioguide_id": "T000491", "full_name": "Derek Tran", "first_name": "Derek", "last_name": "Tran",
     "type": "rep", "state": "CA", "district": "45", "party": "Democrat"},
    {"bioguide_id": "C001110", "full_name": "J. Luis Correa", "first_name": "J.", "last_name": "Correa",
     "type": "rep", "state": "CA", "district": "46", "party": "Democrat"},
    {"bioguide_id": "K000397", "full_name": "Young Kim", "first_name": "Young", "last_name": "Kim",
     "type": "rep", "state": "CA", "district": "40", "party": "Republican"},
    # As in the shipped file: no full name, only first and last.
    {"bioguide_id": "G000607", "full_name": "", "first_name": "James", "last_name": "Gallagher",
     "type": "rep", "state": "CA", "district": "1", "party": "Republican"},
    {"bioguide_id": "H001068", "full_name": "Jared Huffman", "first_name": "Jared", "last_name": "Huffman",
     "type": "rep", "state": "CA", "district": "2", "party": "Democrat"},
    {"bioguide_id": "P000145", "full_name": "Alex Padilla", "first_name": "Alex", "last_name": "Padilla",
     "type": "sen", "state": "CA", "senate_class": "3", "party": "Democrat"},
    {"bioguide_id": "S001150", "full_name": "Adam Schiff", "first_name": "Adam", "last_name": "Schiff",
     "type": "sen", "state": "CA", "senate_class": "1", "party": "Democrat"},
]


@pytest.fixture
def fullerton(app, tmp_path):
    with app.app_context():
        import_congress_data(write_zip_file(tmp_path / "zccd.csv", ZIP_ROWS),
                             write_members_file(tmp_path / "members.csv", MEMBERS))


def stored(app):
    with app.app_context():
        return db.session.execute(select(Signature.district, Signature.street_address)).all()


def page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def question(response):
    """The district question's fieldset, or None."""
    radio = page(response).find("input", attrs={"name": "district", "type": "radio"})
    return radio.find_parent("fieldset") if radio else None


def options(fieldset):
    """[(value, label, hint)] of the question's choices."""
    result = []
    for radio in fieldset.find_all("input", attrs={"name": "district", "type": "radio"}):
        label = fieldset.find("label", attrs={"for": radio["id"]})
        hint_ids = (radio.get("aria-describedby") or "").split()
        hints = [fieldset.find(id=hint_id).get_text(" ", strip=True) for hint_id in hint_ids]
        result.append((radio["value"], label.get_text(" ", strip=True), " ".join(hints)))
    return result


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


# --- no street address -----------------------------------------------------------------------

def test_the_form_asks_no_street_address(app, client, fullerton):
    html = client.get("/en/congress/").get_data(as_text=True)
    assert "address_or_district" not in html and "street_address" not in html
    assert "Street address" not in html and "address-line1" not in html
    for lang in ("ko", "zh-Hans", "zh-Hant"):
        assert "address-line1" not in client.get(f"/{lang}/congress/").get_data(as_text=True)


def test_a_signature_stores_no_street_address_even_if_one_is_posted(app, client, fullerton):
    response = sign(client, "congress", zip_code="92808", address_or_district="742 Evergreen Terrace")
    assert response.status_code == 303
    assert stored(app) == [("CA-40", None)]


def test_a_person_counts_once_by_name_and_five_digit_zip(app, client, rows, fullerton):
    assert sign(client, "congress", zip_code="92808").status_code == 303
    assert sign(client, "congress", zip_code="92808-1234").status_code == 303
    assert rows("congress") == 1


# --- a ZIP code in several districts: a neutral question ------------------------------------------

def test_a_zip_in_three_districts_asks_a_neutral_question(app, client, rows, fullerton):
    response = sign(client, "congress", zip_code="92833")
    assert response.status_code == 200 and rows() == 0  # a question, not an error
    soup = page(response)
    # Not the error style: no alert, no error message, no field marked invalid.
    assert not soup.select('[role="alert"]') and not soup.select(".error, .has-error, [aria-invalid='true']")
    assert "Please correct" not in soup.get_text()
    fieldset = question(response)
    assert flat(fieldset.legend.get_text()) == "Which congressional district do you live in?"
    hint = fieldset.find(id=fieldset["aria-describedby"].split()[0])
    assert "ZIP code 92833 is in more than one congressional district." in flat(hint.get_text())
    link = hint.find("a", href=FIND_YOUR_REPRESENTATIVE)
    assert link is not None and "Find your representative" in link.get_text()
    choices = options(fieldset)
    assert [value for value, _label, _hint in choices] == ["CA-38", "CA-45", "CA-46", "unsure"]
    labels = {value: label for value, label, _hint in choices}
    assert labels["CA-38"] == "CA-38 — Linda T. Sánchez" and labels["CA-46"] == "CA-46 — J. Luis Correa"
    assert labels["unsure"] == "I’m not sure"
    hints = {value: hint for value, _label, hint in choices}
    # Under each district, the nearby places that lie in it and in none of the other two.
    assert "La Mirada (90639)" in hints["CA-38"] and "Whittier (90604)" in hints["CA-38"]
    assert "La Palma (90623)" in hints["CA-45"] and "La Mirada" not in hints["CA-45"]
    assert "Orange (92865)" in hints["CA-46"]
    assert "senators" in hints["unsure"]
    # What was typed is kept, and the answer is asked where the form is.
    assert soup.find("input", attrs={"name": "zip_code"})["value"] == "92833"
    assert fieldset.find("input", attrs={"name": "district_asked", "type": "hidden"})["value"] == "92833"


def test_choosing_a_district_stores_it(app, client, fullerton):
    assert sign(client, "congress", zip_code="92833", district="CA-45", district_asked="92833").status_code == 303
    assert stored(app) == [("CA-45", None)]


def test_a_district_not_among_the_choices_asks_again_without_storing(app, client, rows, fullerton):
    response = sign(client, "congress", zip_code="92833", district="CA-40", district_asked="92833")
    assert response.status_code == 200 and rows() == 0
    assert [value for value, _label, _hint in options(question(response))] == ["CA-38", "CA-45", "CA-46", "unsure"]


def test_an_answer_is_kept_when_another_field_needs_fixing(app, client, rows, fullerton):
    response = sign(client, "congress", zip_code="92833", district="CA-45", district_asked="92833", last_name="")
    assert response.status_code == 400 and rows() == 0
    fieldset = question(response)
    assert fieldset.find("input", attrs={"value": "CA-45"}).has_attr("checked")
    assert fieldset.find("legend").get("autofocus") is None  # the error summary takes the focus


def test_a_question_left_unanswered_says_so(app, client, rows, fullerton):
    response = sign(client, "congress", zip_code="92833", district_asked="92833")
    assert response.status_code == 400 and rows() == 0
    fieldset = question(response)
    assert "Choose your congressional district, or “I’m not sure”." in flat(page(response).get_text())
    assert fieldset.find("input", attrs={"name": "district"})["aria-invalid"] == "true"


def test_im_not_sure_signs_with_no_district_and_reaches_the_senators_and_summary(app, client, runner, tmp_path,
                                                                                 fullerton):
    response = sign(client, "congress", first_name="Soo", last_name="Han", zip_code="92833", district="unsure",
                    district_asked="92833")
    assert response.status_code == 303
    assert stored(app) == [(None, None)]
    files = build(runner, "congress", tmp_path)
    for senator in ("senate/CA-alex-padilla.pdf", "senate/CA-adam-schiff.pdf"):
        assert "SooHan" in squeezed(pdf_text(files[senator])), senator
    # No representative gets it, not even one of the three the ZIP code touches.
    for name in files:
        if name.startswith("house/"):
            assert "SooHan" not in squeezed(pdf_text(files[name])), name
    summary = pdf_text(files["summary.pdf"])
    assert "1 signer gave no district that could be determined" in flat(summary)


# --- a ZIP code of another state: a short correction ------------------------------------------------

def test_a_zip_in_another_state_gets_a_short_correction(app, client, rows, fullerton):
    response = sign(client, "congress", state="CA", zip_code="10001")
    assert response.status_code == 400 and rows() == 0
    soup = page(response)
    error = soup.find(id="zip_code-error")
    assert flat(error.get_text()) == "ZIP code 10001 is in New York, not California: check the state or the ZIP code."
    assert question(response) is None  # no list of districts to choose from
    assert soup.find("input", attrs={"name": "zip_code"})["aria-invalid"] == "true"


def test_a_zip_the_district_table_lacks_is_placed_by_its_post_office(app, client, rows, fullerton):
    # 96161 (Truckee, California) is not in the sample table; the post office data places it.
    response = sign(client, "congress", state="NV", city="Reno", zip_code="96161")
    assert response.status_code == 400 and rows() == 0
    assert "ZIP code 96161 is in California, not Nevada" in flat(page(response).get_text())
    # In its own state it signs: no district is known, so it goes to the senators, never a guess.
    assert sign(client, "congress", city="Truckee", zip_code="96161").status_code == 303
    assert stored(app) == [(None, None)]


def test_the_correction_is_in_the_page_language(app, client, fullerton):
    response = sign(client, "congress", lang="ko", state="CA", zip_code="10001")
    error = flat(page(response).find(id="zip_code-error").get_text())
    assert "10001" in error and "뉴욕" in error and "캘리포니아" in error
    assert "is in" not in error


# --- every member by name ---------------------------------------------------------------------

def test_a_member_without_a_full_name_is_shown_by_first_and_last_name(app, client, fullerton):
    response = sign(client, "congress", city="Orleans", zip_code="95556")
    labels = {value: label for value, label, _hint in options(question(response))}
    assert labels["CA-01"] == "CA-1 — James Gallagher" and labels["CA-02"] == "CA-2 — Jared Huffman"
    with app.app_context():
        assert representatives("CA")[1] == "James Gallagher"


def test_the_shipped_members_all_have_a_name(app):
    with app.app_context():
        import_congress_data()
        members = db.session.scalars(select(CongressMember)).all()
        assert all(member.full_name.strip() for member in members)
        assert db.session.get(CongressMember, "G000607").full_name == "James Gallagher"
        assert representatives("NJ")[11] == "Analilia Mejia"


# --- in the page's language ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ko", "zh-Hans", "zh-Hant"])
def test_the_question_is_asked_in_the_page_language(app, client, fullerton, lang):
    response = sign(client, "congress", lang=lang, zip_code="92833")
    fieldset = question(response)
    text = flat(fieldset.get_text(" "))
    for english in ("Which congressional district", "more than one", "I’m not sure", "Nearby", "senators"):
        assert english not in text, (lang, english)
    assert "La Mirada (90639)" in text and "92833" in text
    assert fieldset.find("a", href=FIND_YOUR_REPRESENTATIVE) is not None


# --- the post office data and its licence note ------------------------------------------------------

def test_the_zip_places_file_is_the_one_its_notice_describes():
    notice = (DATA_DIR / "NOTICE-zip-places.md").read_text(encoding="utf-8")
    assert PLACES_FILE.parent == DATA_DIR
    assert hashlib.sha256(PLACES_FILE.read_bytes()).hexdigest() in notice
    assert "MIT" in notice and "CC BY 4.0" in notice and "GeoNames" in notice
    assert zip_place("92833").city == "Fullerton" and zip_place("10001-1234").state == "NY"
    assert zip_place("00000") is None and prefix_states("10099") == {"NY"}
