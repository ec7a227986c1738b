"""Property-based: arbitrary form data, headers, paths and encodings never give a 500 or store a row
that the form would have refused."""
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import csrf_token

ENDPOINTS = ["/", "/en/", "/ko/", "/zh-Hans/xi/", "/zh-Hant/unhcr/", "/en/congress/", "/ko/xi/thanks",
             "/en/unhcr/count.json"]
FIELDS = ["first_name", "last_name", "email", "city", "region", "country", "state", "zip_code",
          "district", "district_asked", "email_use", "updates", "follow_up", "website", "csrf_token",
          "organisation", "organisation_en", "homepage"]

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
form_data = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=20), text, max_size=12)
header_value = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200)
headers = st.dictionaries(st.sampled_from(["Accept-Language", "Cookie", "X-Forwarded-For", "Referer",
                                           "Content-Type", "User-Agent", "Accept"]), header_value, max_size=4)
path = st.lists(st.text(alphabet=string.ascii_letters + string.digits + "-_.%~", max_size=12), max_size=4)

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=form_data, extra_headers=headers, slug=st.sampled_from(["congress", "xi", "unhcr", "coalition"]),
       lang=st.sampled_from(["en", "ko", "zh-Hans", "zh-Hant"]), with_token=st.booleans())
def test_arbitrary_posts_never_500_and_bad_input_stores_nothing(client, rows, data, extra_headers, slug, lang,
                                                               with_token):
    url = f"/{lang}/{slug}/"
    if with_token:
        data = {**data, "csrf_token": csrf_token(client, url)}
    before = rows()
    response = client.post(url, data=data, headers=extra_headers)
    assert response.status_code in (303, 400, 413, 429), response.status_code
    if response.status_code != 303:
        assert rows() == before


@FUZZ
@given(segments=path, extra_headers=headers, method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "OPTIONS"]))
def test_arbitrary_paths_and_headers_never_500(client, segments, extra_headers, method):
    # As a whole URL: the test client would read a path such as "//." as "//host/path" and fail
    # itself, before the app, where a browser sends that path as it is.
    response = client.open("http://localhost/" + "/".join(segments), method=method, headers=extra_headers)
    assert response.status_code < 500, response.status_code


@FUZZ
@given(body=st.binary(max_size=2000), content_type=st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "text/plain",
    "application/x-www-form-urlencoded; charset=latin-1", "application/json"]))
def test_arbitrary_bodies_and_encodings_never_500(client, rows, body, content_type):
    response = client.post("/en/xi/", data=body, content_type=content_type)
    assert response.status_code in (400, 413, 429)
    assert rows() == 0


@FUZZ
@given(data=form_data)
def test_a_stored_row_always_passed_validation(client, app, data):
    """Whatever gets stored is what the form accepts: bounded, no control characters."""
    import unicodedata

    from campaign.extensions import db
    from campaign.models import Signature

    client.post("/en/unhcr/", data={**data, "csrf_token": csrf_token(client, "/en/unhcr/")})
    with app.app_context():
        for signature in db.session.query(Signature):
            for value in (signature.first_name, signature.last_name, signature.email):
                assert value and len(value) <= 254
                assert not any(unicodedata.category(ch) in ("Cc", "Co", "Cn", "Zl", "Zp") for ch in value)
