"""Bad input: a localized message next to the field, what was typed kept, nothing stored, never a 500."""
import re
import time
from html import unescape as html_unescape

import pytest
from babel.support import Translations

from campaign.translate import translations_dir
from conftest import VALID_SIGNERS, csrf_token, sign

TEN_KB = "x" * 10240


def ko(message):
    """The Korean catalog's translation of an English message, as the page must show it."""
    return Translations.load(str(translations_dir()), ["ko"]).gettext(message)


def matches_message(text, message):
    pattern = ".+?".join(re.escape(part) for part in re.split(r"%\(\w+\)s", message))
    return re.fullmatch(pattern, text) is not None


def field_error(html, field_id):
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else None


BAD_INPUTS = [
    # (campaign, field, bad value, English message the field must show)
    ("congress", "first_name", "", "Please enter your first name."),
    ("congress", "last_name", "   ", "Please enter your last name."),
    ("congress", "first_name", TEN_KB, "Please use at most %(max)s characters."),
    ("congress", "city", "Fuller\x00ton", "Please remove the invisible or control characters from this field."),
    ("congress", "city", "Fuller\u202eton\x1b", "Please remove the invisible or control characters from this field."),
    ("congress", "zip_code", "9283", "Please enter a 5-digit ZIP code, or ZIP+4 such as 92833-1234."),
    ("congress", "zip_code", "92833-12", "Please enter a 5-digit ZIP code, or ZIP+4 such as 92833-1234."),
    ("congress", "state", "ZZ", "Please choose your state from the list."),
    ("congress", "email", "not-an-email", "Please enter a valid email address, such as name@example.com."),
    ("xi", "email", "", "Please enter your email address."),
    ("xi", "email", "a@b@c", "Please enter a valid email address, such as name@example.com."),
    ("xi", "country", "XX", "Please choose your country from the list."),
    ("xi", "email_use", "sell_it", "Please choose how we may use your email address."),
    ("xi", "city", TEN_KB, "Please use at most %(max)s characters."),
    ("unhcr", "country", "", "Please choose your country."),
    ("unhcr", "email", "x" * 300 + "@example.org", "Please use at most %(max)s characters."),
]


@pytest.mark.parametrize("slug, field, value, message", BAD_INPUTS)
def test_bad_field_gets_localized_error_keeps_input_stores_nothing(client, rows, slug, field, value, message):
    response = sign(client, slug, "ko", **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = field_error(html, field)
    assert error, f"no error shown next to {field}"
    # The Korean page shows the Korean message (placeholders filled in), not the English one.
    assert matches_message(html_unescape(error), ko(message))
    assert 'aria-invalid="true"' in html
    # What else was typed is still in the form.
    other = "city" if field != "city" and "city" in VALID_SIGNERS[slug] else "first_name"
    if other != field:
        assert f'value="{VALID_SIGNERS[slug][other]}"' in html
    assert rows() == 0


def test_follow_up_consent_without_email_is_an_error(client, rows):
    response = sign(client, "congress", "en", follow_up="y", email="")
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "email") == (
        "Please enter your email address to receive follow-up emails.")
    assert rows() == 0


@pytest.mark.parametrize("state, zip_code, stored", [("AK", "99501", "AK-00"), ("DC", "20001", "DC-00"),
                                                     ("VT", "05401", "VT-00"), ("CA", "92833", None)])
def test_a_state_with_one_district_needs_no_district_table(app, client, state, zip_code, stored):
    from campaign.extensions import db
    from campaign.models import Signature

    # A district typed the old way is ignored: the ZIP code and state decide (test_district_step.py).
    assert sign(client, "congress", state=state, zip_code=zip_code, address_or_district="CA-40").status_code == 303
    with app.app_context():
        assert db.session.query(Signature.district).scalar() == stored


def test_missing_csrf_token_is_refused(client, rows):
    response = client.post("/en/xi/", data=VALID_SIGNERS["xi"])
    assert response.status_code == 400
    assert rows() == 0


def test_expired_csrf_token_shows_form_again_with_message(make_app, rows):
    app = make_app(WTF_CSRF_TIME_LIMIT=1)
    client = app.test_client()
    token = csrf_token(client, "/zh-Hant/xi/")
    time.sleep(2.1)
    response = client.post("/zh-Hant/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    expected = Translations.load(str(translations_dir()), ["zh_Hant"]).gettext(
        "This form was open for a long time, so for your security we could not accept it yet. "
        "Please check your details and sign again.")
    assert expected in html
    assert 'value="mei.chen@example.org"' in html
    assert rows() == 0


@pytest.mark.parametrize("payload", [
    {"first_name": ["a", "b"]},
    {"country": "../../etc"},
    {"unknown_field": "x" * 5000},
])
def test_malformed_posts_never_500(client, rows, payload):
    token = csrf_token(client, "/en/xi/")
    response = client.post("/en/xi/", data={**VALID_SIGNERS["xi"], **payload, "csrf_token": token})
    assert response.status_code in (303, 400)
    assert rows() <= 1


@pytest.mark.parametrize("body", [b"first_name=%FF%FE%FD&email=%C0%AF", b"\xff\xfe\x00garbage", b"a=%zz&&&=="])
def test_undecodable_bodies_never_500(client, rows, body):
    token = csrf_token(client, "/en/xi/")
    response = client.post("/en/xi/", data=body + f"&csrf_token={token}".encode(),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert rows() == 0


def test_oversized_body_is_refused_in_language(client, rows):
    response = client.post("/ko/xi/", data={"first_name": "x" * (100 * 1024)})
    assert response.status_code == 413
    assert '<html lang="ko">' in response.get_data(as_text=True)
    assert rows() == 0
