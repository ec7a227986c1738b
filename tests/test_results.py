"""Public results (issue 16, items 1, 2 and 7): the results page with its map, results.json and
results.csv in every language, small counts suppressed, and every number checked against the
database; the organisers' counts of pending and hidden signatures."""
import csv
import gzip
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select, update

from campaign.congress_data import import_congress_data
from campaign.extensions import db
from campaign.maps import us_map, world_map
from campaign.models import (ORGANISATION_APPROVED, SIGNATURE_ERASED, SIGNATURE_HIDDEN, SIGNATURES_IN_COUNT,
                             Organisation, Signature)
from campaign.places import country_codes, us_states
from conftest import confirm_pending, sign
from test_organisers import admin, audit_actions, log_in  # noqa: F401  (fixture)

LANGUAGES = ("en", "ko", "zh-Hans", "zh-Hant")
FEWER = {"en": "Fewer than 5", "ko": "5 미만", "zh-Hans": "少于5", "zh-Hant": "少於5"}


@pytest.fixture
def app(make_app):
    # No per-process cache unless a test asks for one: each request sees the database.
    return make_app(RESULTS_CACHE_SECONDS=0)


@pytest.fixture
def congress_data(app):
    with app.app_context():
        import_congress_data()


@pytest.fixture
def done_when(app, client, congress_data):
    """The issue's scenario: six signers in CA-40 (ko, zh-Hant, en; one without their name), two in
    TX-30; six xi signers from Germany and one from Iceland (confirmed, so counted)."""
    for index, lang in enumerate(("ko", "ko", "zh-Hant", "zh-Hant", "en", "en")):
        extra = {"withhold_name": "y"} if index == 5 else {}
        assert sign(client, "congress", lang, first_name=f"Signer{index}", last_name="Kim", city="Yorba Linda",
                    state="CA", zip_code="92887", **extra).status_code == 303
    for index in range(2):
        assert sign(client, "congress", first_name=f"Texan{index}", last_name="Lee", city="Dallas", state="TX",
                    zip_code="75201").status_code == 303
    for index in range(6):
        assert sign(client, "xi", LANGUAGES[index % 4], first_name=f"Hanna{index}", last_name="Weber",
                    city="Berlin", country="DE", email=f"hanna{index}@example.org").status_code == 303
    assert sign(client, "xi", first_name="Sigrun", last_name="Jonsdottir", city="Reykjavik", country="IS",
                email="sigrun@example.org").status_code == 303
    confirm_pending(app)


def database_counts(app, slug, column):
    """{place: count} of counted signatures straight from the database."""
    with app.app_context():
        rows = db.session.execute(select(getattr(Signature, column), func.count())
                                  .where(Signature.campaign == slug, Signature.status.in_(SIGNATURES_IN_COUNT))
                                  .group_by(getattr(Signature, column))).all()
    return {place: count for place, count in rows if place}


def page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def row_cells(soup, code):
    row = soup.find("tr", attrs={"data-place": code})
    return [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]


def assert_cacheable(response):
    assert response.headers["Cache-Control"] in ("public, max-age=0", "max-age=0, public")
    assert "Set-Cookie" not in response.headers


# --- the "Done when" ------------------------------------------------------------------

def test_ko_congress_results_show_california_and_ca40_and_hide_texas(app, client, done_when):
    in_states = database_counts(app, "congress", "region")
    in_districts = database_counts(app, "congress", "district")
    assert in_states == {"CA": 6, "TX": 2} and in_districts == {"CA-40": 6, "TX-30": 2}

    response = client.get("/ko/congress/results")
    soup = page(response)
    assert_cacheable(response)
    california_ko, texas_ko = us_states()["CA"].name("ko"), us_states()["TX"].name("ko")
    assert california_ko == "캘리포니아주" and texas_ko == "텍사스주"
    name, number, senators = row_cells(soup, "CA")
    assert (name, set(senators.split(", ")), number) == (california_ko, {"Alex Padilla", "Adam B. Schiff"}, "6")
    assert row_cells(soup, "TX")[0] == texas_ko and row_cells(soup, "TX")[1] == FEWER["ko"]
    assert row_cells(soup, "CA-40") == ["CA-40", "Young Kim", "6"]
    assert row_cells(soup, "TX-30")[2] == FEWER["ko"]
    # Every state and district of the tables against the database: the number from 5 up, else "fewer than 5".
    for state in us_states():
        expected = in_states.get(state, 0)
        assert row_cells(soup, state)[1] == (str(expected) if expected >= 5 else FEWER["ko"]), state
    district_rows = soup.select("#districts tbody tr")
    assert len(district_rows) == sum(max(1, state.districts) for state in us_states().values())
    for row in district_rows:
        expected = in_districts.get(row["data-place"], 0)
        assert row.find_all("td")[-1].get_text(strip=True) == (str(expected) if expected >= 5 else FEWER["ko"])

    # The map: California's shape carries its count and its Korean name; Texas says only "fewer than 5".
    california = soup.find("path", attrs={"data-place": "CA"})
    assert california["data-count"] == "6" and california.title.get_text() == "캘리포니아주: 서명 6건"
    texas = soup.find("path", attrs={"data-place": "TX"})
    assert not texas.has_attr("data-count") and texas.title.get_text() == "텍사스주: 서명 5건 미만"
    assert texas["fill"] != california["fill"]
    # A state with nobody looks exactly like Texas with two: nothing tells one signer from none.
    alaska = soup.find("path", attrs={"data-place": "AK"})
    assert alaska["fill"] == texas["fill"] and not alaska.has_attr("data-count")


def test_en_xi_results_json_gives_germany_six_and_suppresses_iceland(app, client, done_when):
    in_countries = database_counts(app, "xi", "country")
    assert in_countries == {"DE": 6, "IS": 1}
    response = client.get("/en/xi/results.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert_cacheable(response)
    data = response.get_json()
    assert data["schema_version"] == 1 and data["campaign"] == "xi" and data["by"] == "country"
    assert data["min_count"] == 5 and data["total"] == 7
    countries = {item["code"]: item for item in data["countries"]}
    assert countries["DE"] == {"code": "DE", "name": "Germany", "count": 6, "suppressed": False}
    assert countries["IS"] == {"code": "IS", "name": "Iceland", "count": None, "suppressed": True}
    # Every country is listed, and none with a number below 5: Iceland's one signer looks like nobody.
    assert set(countries) == set(country_codes())
    for code, item in countries.items():
        expected = in_countries.get(code, 0)
        assert item["count"] == (expected if expected >= 5 else None), code
    assert "Sigrun" not in response.get_data(as_text=True) and "Reykjavik" not in response.get_data(as_text=True)


def test_world_map_shape_carries_the_count_and_the_name_in_the_page_language(client, done_when):
    expected = {"en": ("Germany: 6 signatures", "Iceland: fewer than 5 signatures"),
                "ko": ("독일: 서명 6건", "아이슬란드: 서명 5건 미만"),
                "zh-Hans": ("德国：6个签名", "冰岛：少于5个签名"),
                "zh-Hant": ("德國：6份連署", "冰島：少於5份連署")}
    for lang, (germany_title, iceland_title) in expected.items():
        soup = page(client.get(f"/{lang}/xi/results"))
        germany = soup.find("path", attrs={"data-place": "DE"})
        assert germany["data-count"] == "6" and germany.title.get_text() == germany_title, lang
        iceland = soup.find("path", attrs={"data-place": "IS"})
        assert not iceland.has_attr("data-count") and iceland.title.get_text() == iceland_title, lang
        assert row_cells(soup, "DE")[1] == "6"
        assert soup.find("tr", attrs={"data-place": "IS"}) is None  # the table lists only numbers from 5 up
        legend = soup.select_one(".legend").get_text(" ", strip=True)
        assert FEWER[lang] in legend


# --- open data in every language ----------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_json_and_csv_agree_with_the_database_in_every_language(app, client, done_when, lang):
    for slug, column in (("xi", "country"), ("congress", "district")):
        in_database = database_counts(app, slug, column)
        data = client.get(f"/{lang}/{slug}/results.json").get_json()
        assert data["language"] == lang
        response = client.get(f"/{lang}/{slug}/results.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert_cacheable(response)
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        level = "country" if slug == "xi" else "district"
        places = data["countries"] if slug == "xi" else data["districts"]
        by_code = {row["code"]: row for row in rows if row["level"] == level}
        assert len(by_code) == len(places)
        for item in places:
            expected = in_database.get(item["code"], 0)
            shown = expected if expected >= 5 else None
            assert item["count"] == shown and item["suppressed"] == (shown is None)
            assert by_code[item["code"]]["count"] == ("" if shown is None else str(shown))
            assert by_code[item["code"]]["suppressed"] == ("true" if shown is None else "false")
        assert next(row for row in rows if row["level"] == "total")["count"] == str(sum(in_database.values()) if
                                                                                     slug == "xi" else data["total"])
    names = {"en": "Germany", "ko": "독일", "zh-Hans": "德国", "zh-Hant": "德國"}
    data = client.get(f"/{lang}/xi/results.json").get_json()
    assert next(item for item in data["countries"] if item["code"] == "DE")["name"] == names[lang]
    congress = client.get(f"/{lang}/congress/results.json").get_json()
    ca40 = next(item for item in congress["districts"] if item["code"] == "CA-40")
    assert ca40 == {"code": "CA-40", "state": "CA", "count": 6, "suppressed": False,
                    "representative": {"bioguide_id": ca40["representative"]["bioguide_id"], "name": "Young Kim"}}
    assert next(item for item in congress["districts"] if item["code"] == "AK-00")["state"] == "AK"
    assert all(re.fullmatch(r"[A-Z]{2}-\d{2}", item["code"]) for item in congress["districts"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_results_page_answers_in_every_language(client, lang):
    for slug in ("congress", "xi", "unhcr", "coalition"):
        response = client.get(f"/{lang}/{slug}/results")
        soup = page(response)
        assert soup.html["lang"] == lang
        assert_cacheable(response)
        for suffix in (".json", ".csv"):
            assert client.get(f"/{lang}/{slug}/results{suffix}").status_code == 200


# --- what counts ----------------------------------------------------------------------------

def test_only_counted_signatures_count_and_withheld_names_do(app, client):
    for index in range(5):
        assert sign(client, "unhcr", first_name=f"Pending{index}", country="JP",
                    email=f"pending{index}@example.org").status_code == 303
    data = client.get("/en/unhcr/results.json").get_json()
    assert data["total"] == 0  # not confirmed yet: not counted
    confirm_pending(app)
    assert client.get("/en/unhcr/results.json").get_json()["total"] == 5
    with app.app_context():
        # One hidden by an organiser leaves the results; an erased one stays in them.
        first, second = db.session.scalars(select(Signature.id).where(Signature.campaign == "unhcr").limit(2)).all()
        db.session.execute(update(Signature).where(Signature.id == first).values(status=SIGNATURE_HIDDEN))
        db.session.execute(update(Signature).where(Signature.id == second).values(
            status=SIGNATURE_ERASED, first_name="", last_name="", email=None, name_withheld=True))
        db.session.commit()
    japan = next(item for item in client.get("/en/unhcr/results.json").get_json()["countries"] if item["code"] == "JP")
    assert japan == {"code": "JP", "name": "Japan", "count": None, "suppressed": True}


def test_results_are_worked_out_once_per_cache_period(make_app):
    app = make_app(RESULTS_CACHE_SECONDS=60)
    client = app.test_client()
    for index in range(5):
        sign(client, "unhcr", first_name=f"Cached{index}", country="KR", email=f"cached{index}@example.org")
    confirm_pending(app)
    first = client.get("/en/unhcr/results.json")
    assert first.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    assert first.get_json()["total"] == 5
    sign(client, "unhcr", first_name="Later", country="KR", email="later@example.org")
    confirm_pending(app)
    assert client.get("/en/unhcr/results.json").get_json()["total"] == 5  # the page of a minute ago


# --- the district table sorts without JavaScript -------------------------------------------------

def test_district_table_sorts_by_links_and_hides_small_counts_in_the_order(client, done_when):
    def order(query):
        soup = page(client.get(f"/en/congress/results{query}"))
        return [row["data-place"] for row in soup.select("#districts tbody tr")], soup

    by_district, soup = order("")
    assert by_district[:2] == ["AK-00", "AL-01"]
    links = [link["href"] for link in soup.select("#districts thead a")]
    assert links == ["/en/congress/results?sort=district#districts", "/en/congress/results?sort=member#districts",
                     "/en/congress/results?sort=count#districts"]
    assert soup.select_one("#districts th[aria-sort]").get_text(strip=True).startswith("District")
    by_count, soup = order("?sort=count")
    assert by_count[0] == "CA-40"
    # TX-30 (two signers) keeps its place among the districts with none: its order tells nothing.
    assert by_count[1:] == [code for code in by_district if code != "CA-40"]
    assert soup.select_one("#districts th[aria-sort=descending]")
    by_member, _soup = order("?sort=member")
    assert sorted(by_member) == sorted(by_district) and by_member != by_district
    assert order("?sort=<script>")[0] == by_district


def test_coalition_results_list_approved_organisations_by_country(app, client):
    with app.app_context():
        for name, country, status in (("=HYPERLINK(\"http://evil\")", "KR", ORGANISATION_APPROVED),
                                      ("Waiting Org", "JP", "pending")):
            db.session.add(Organisation(campaign="coalition", identity_key=name, name=name, country=country,
                                        contact_name="Contact", contact_email="c@example.org", locale="en",
                                        status=status))
        db.session.commit()
    soup = page(client.get("/ko/coalition/results"))
    text = soup.get_text(" ", strip=True)
    assert "대한민국" in text and "=HYPERLINK" in text and "Waiting Org" not in text and "Human Rights Watch" in text
    data = client.get("/en/coalition/results.json").get_json()
    assert data["by"] == "organisation" and data["total"] == 10
    assert [item["country"] for item in data["organisations"] if not item["founding"]] == ["KR"]
    rows = list(csv.reader(io.StringIO(client.get("/en/coalition/results.csv").get_data(as_text=True).lstrip("\ufeff"))))
    # The first seven columns (the delivery log's follow them, empty on these rows).
    assert ["organisation", "KR", "South Korea", "'=HYPERLINK(\"http://evil\")", "", "", "false"] in [
        row[:7] for row in rows]
    assert "Contact" not in json.dumps(data) and "c@example.org" not in json.dumps(data)


# --- the maps ---------------------------------------------------------------------------------

def test_maps_are_made_ahead_and_small():
    world, us = world_map(), us_map()
    assert world.places() <= country_codes() and {"DE", "IS", "KR", "CN", "TW", "HK", "SG"} <= world.places()
    assert us.places() == {code for code, state in us_states().items() if state.kind != "territory"}
    assert "AQ" not in world.places()


def test_the_map_adds_at_most_40_kb_gzip_to_the_page(client, done_when):
    for url in ("/zh-Hant/xi/results", "/ko/congress/results"):
        html = client.get(url).get_data(as_text=True)
        figure = re.search(r'<figure class="results-map">.*?</figure>', html, re.S).group(0)
        assert len(gzip.compress(figure.encode(), 9)) <= 40 * 1024, url


# --- organisers' counts of what the public results leave out -----------------------------------

def test_organisers_download_pending_and_hidden_counts_separately(app, client, admin):  # noqa: F811
    for index in range(3):
        sign(client, "xi", first_name=f"Waiting{index}", country="FR", email=f"waiting{index}@example.org")
    assert client.get("/en/organisers/xi/results-by-place.csv?status=pending").status_code in (302, 303)  # not signed in
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    response = organiser.get("/en/organisers/xi/results-by-place.csv?status=pending")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert ["country", "FR", "France", "3"] in rows and ["total", "", "", "3"] in rows
    hidden = list(csv.reader(io.StringIO(organiser.get("/en/organisers/xi/results-by-place.csv?status=hidden")
                                         .get_data(as_text=True).lstrip("\ufeff"))))
    assert ["total", "", "", "0"] in hidden
    assert organiser.get("/en/organisers/xi/results-by-place.csv?status=erased").status_code == 404
    assert [(action, campaign, details) for action, _user, campaign, details in
            audit_actions(app, "export_aggregates")] == [("export_aggregates", "xi", {"status": "pending"}),
                                                         ("export_aggregates", "xi", {"status": "hidden"})]


def test_sign_and_thanks_pages_link_to_the_results(client):
    for slug in ("congress", "xi", "unhcr", "coalition"):
        for url in (f"/ko/{slug}/", f"/ko/{slug}/thanks"):
            soup = page(client.get(url))
            link = soup.find("a", href=f"/ko/{slug}/results")
            assert link is not None and link.get_text(strip=True) == "결과 보기", url


# --- who represents me (item 3) ------------------------------------------------------------------

def test_member_pages_say_how_many_constituents_signed_and_the_thanks_page_stays_the_same(app, client, done_when):
    soup = page(client.get("/ko/congress/results"))
    kim = soup.find("tr", attrs={"data-place": "CA-40"}).find("a")
    assert kim.get_text() == "Young Kim" and kim["href"].startswith("/ko/congress/members/")
    response = client.get(kim["href"])
    member = page(response)
    assert_cacheable(response)
    assert member.h1.get_text() == "Young Kim"
    text = member.get_text(" ", strip=True)
    assert "캘리포니아주 CA-40 선거구 하원의원" in text and "이 선거구에서 6명이" in text
    texas = soup.find("tr", attrs={"data-place": "TX-30"}).find("a")
    assert "서명한 사람은 5명 미만입니다" in page(client.get(texas["href"])).get_text(" ", strip=True)
    senator = soup.find("tr", attrs={"data-place": "CA"}).find_all("td")[1].get_text()
    assert senator  # senators are named in the state table
    assert client.get("/ko/congress/members/NOBODY").status_code == 404
    assert client.get("/ko/xi/members/K000397").status_code == 404  # only the congress campaign has members
    # The thanks page names nobody and is the same whoever signed; it links to the district table.
    def without_numbers(url):  # the count on it moves with every signature, the rest must not
        return re.sub(r"\d", "", client.get(url).get_data(as_text=True))

    first = without_numbers("/ko/congress/thanks")
    sign(client, "congress", "ko", first_name="Other", last_name="Person", city="Dallas", state="TX", zip_code="75201")
    assert without_numbers("/ko/congress/thanks") == first
    link = page(client.get("/ko/congress/thanks")).find("a", href="/ko/congress/results#districts")
    assert link is not None and "Young Kim" not in first and "TX-" not in first and "CA-" not in first
