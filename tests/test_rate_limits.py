"""Rate limits that hold (issue 14, item 5): an IPv6 client is its network, one network has a
ceiling across all campaigns, and each campaign has a ceiling for everyone together that answers
a localized 503 with Retry-After instead of filling the database."""
import ipaddress

import pytest
from babel.support import Translations

from campaign import create_app
from campaign.translate import translations_dir
from conftest import sign

BUSY = ("So many people are signing this petition right now that we could not record your signature. "
        "Nothing was saved: please wait a moment and press the button again.")


def catalog(lang):
    return Translations.load(str(translations_dir()), [lang.replace("-", "_")])


def from_address(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_addresses_of_one_ipv6_64_are_one_client(make_app, rows):
    """The attack: 15 addresses of one /64 (every home and phone gets 2^64 of them) each signed."""
    client = make_app(SIGN_RATE_LIMIT="10 per minute").test_client()
    network = ipaddress.ip_network("2001:db8:5:7::/64")
    statuses = [sign(from_address(client, str(network[n])), "unhcr", email=f"signer{n}@example.org").status_code
                for n in range(1, 16)]
    assert statuses == [303] * 10 + [429] * 5
    assert rows("unhcr") == 10
    # The next /64 is another client.
    assert sign(from_address(client, "2001:db8:5:8::1"), "unhcr", email="neighbour@example.org").status_code == 303


def test_ipv6_prefix_is_configurable(make_app):
    client = make_app(SIGN_RATE_LIMIT="1 per minute", RATELIMIT_IPV6_PREFIX=56).test_client()
    assert sign(from_address(client, "2001:db8:5:700::1"), "xi").status_code == 303
    # Another /64 of the same /56: the same client now.
    assert sign(from_address(client, "2001:db8:5:7ff::1"), "xi", email="b@example.org").status_code == 429
    assert sign(from_address(client, "2001:db8:5:800::1"), "xi", email="c@example.org").status_code == 303


def test_forwarded_ipv6_clients_are_grouped_behind_a_trusted_proxy(make_app):
    client = make_app(SIGN_RATE_LIMIT="1 per minute", PROXY_FIX=1).test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "2001:db8:9:1::a"
    assert sign(client, "xi").status_code == 303
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "2001:db8:9:1:ffff::b"
    assert sign(client, "xi", email="other@example.org").status_code == 429
    # Without PROXY_FIX the header is still ignored (tests/test_languages.py checks IPv4).
    plain = make_app(SIGN_RATE_LIMIT="1 per minute").test_client()
    plain.environ_base["HTTP_X_FORWARDED_FOR"] = "2001:db8:9:2::a"
    assert sign(plain, "unhcr").status_code == 303
    plain.environ_base["HTTP_X_FORWARDED_FOR"] = "2001:db8:9:3::a"
    assert sign(plain, "unhcr", email="other@example.org").status_code == 429


def test_ipv4_mapped_ipv6_is_the_ipv4_client(make_app):
    client = make_app(SIGN_RATE_LIMIT="1 per minute").test_client()
    assert sign(from_address(client, "198.51.100.7"), "xi").status_code == 303
    assert sign(from_address(client, "::ffff:198.51.100.7"), "xi", email="b@example.org").status_code == 429
    # IPv4 addresses stay single clients.
    assert sign(from_address(client, "198.51.100.8"), "xi", email="c@example.org").status_code == 303


def test_one_network_has_a_ceiling_across_all_campaigns(make_app, rows):
    """The attack: the per-campaign limit alone lets one network sign N campaigns × the limit."""
    client = make_app(SIGN_RATE_LIMIT="10 per minute", SIGN_RATE_LIMIT_ALL_CAMPAIGNS="3 per minute").test_client()
    from_address(client, "203.0.113.50")
    assert sign(client, "xi").status_code == 303
    assert sign(client, "unhcr").status_code == 303
    assert sign(client, "congress").status_code == 303
    answer = sign(client, "xi", "ko", email="fourth@example.org")
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert catalog("ko").gettext("Too many attempts") in answer.get_data(as_text=True)
    assert rows() == 3
    assert sign(from_address(client, "203.0.113.51"), "xi", email="fourth@example.org").status_code == 303


@pytest.mark.parametrize("lang", ["en", "ko", "zh-Hans", "zh-Hant"])
def test_a_flood_gets_a_localized_503_and_stores_nothing(make_app, rows, lang):
    """The attack: many networks together (a botnet) fill the database as fast as it writes."""
    client = make_app(SIGN_CEILING_PER_CAMPAIGN="3 per minute").test_client()
    for n in range(3):
        assert sign(from_address(client, f"198.51.100.{n + 1}"), "unhcr", lang, email=f"s{n}@example.org") \
            .status_code == 303
    answer = sign(from_address(client, "198.51.100.99"), "unhcr", lang, first_name="Soo-ah",
                  email="late@example.org")
    assert answer.status_code == 503
    assert 0 < int(answer.headers["Retry-After"]) <= 60
    html = answer.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert catalog(lang).gettext(BUSY) in html
    assert 'value="Soo-ah"' in html  # what was typed is kept for the next press
    assert answer.cache_control.private
    assert rows("unhcr") == 3
    # The ceiling is per campaign: another petition still signs.
    assert sign(client, "xi", lang, email="late@example.org").status_code == 303


def test_refused_attempts_do_not_use_up_the_campaign_ceiling(make_app, rows):
    """One noisy client stopped by its own limit (or a bad form) must not close the petition for others."""
    client = make_app(SIGN_RATE_LIMIT="2 per minute", SIGN_CEILING_PER_CAMPAIGN="3 per minute").test_client()
    noisy = from_address(client, "203.0.113.60")
    assert sign(noisy, "unhcr").status_code == 303
    assert sign(noisy, "unhcr", email="", first_name="").status_code == 400  # invalid: no signature to count
    for n in range(5):
        assert sign(noisy, "unhcr", email=f"again{n}@example.org").status_code == 429
    other = from_address(client, "203.0.113.61")
    assert sign(other, "unhcr", email="", first_name="").status_code == 400
    assert sign(other, "unhcr", email="second@example.org").status_code == 303
    assert sign(from_address(client, "203.0.113.62"), "unhcr", email="third@example.org").status_code == 303
    # Only the three signatures used the ceiling: the next one is the first refused.
    assert sign(from_address(client, "203.0.113.63"), "unhcr", email="fourth@example.org").status_code == 503
    assert rows("unhcr") == 3


@pytest.mark.parametrize("setting, value", [
    ("RATELIMIT_IPV6_PREFIX", 0), ("RATELIMIT_IPV6_PREFIX", 129), ("SIGN_RATE_LIMIT_ALL_CAMPAIGNS", "lots"),
    ("SIGN_CEILING_PER_CAMPAIGN", "1000 per fortnight"), ("SIGN_RATE_LIMIT", "ten per minute"),
])
def test_bad_limit_settings_stop_start_up(setting, value):
    with pytest.raises(ValueError, match=setting):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", setting: value})


def test_limits_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("RATELIMIT_IPV6_PREFIX", "48")
    monkeypatch.setenv("SIGN_RATE_LIMIT_ALL_CAMPAIGNS", "7 per minute")
    monkeypatch.setenv("SIGN_CEILING_PER_CAMPAIGN", "500 per second")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["RATELIMIT_IPV6_PREFIX"] == 48
    assert app.config["SIGN_RATE_LIMIT_ALL_CAMPAIGNS"] == "7 per minute"
    assert app.config["SIGN_CEILING_PER_CAMPAIGN"] == "500 per second"


class _RedisGone:
    """The limiter's storage failing between the client's limits and the campaign's ceiling."""

    @property
    def limiter(self):
        return self

    def hit(self, *args, **kwargs):
        from redis.exceptions import ConnectionError

        raise ConnectionError("Redis went away")


def test_the_ceiling_follows_ratelimit_fail_when_redis_goes_away(make_app, rows, monkeypatch):
    monkeypatch.setattr("campaign.petitions.ceiling.limiter", _RedisGone())
    opened = make_app(RATELIMIT_FAIL="open", PROPAGATE_EXCEPTIONS=False).test_client()
    assert sign(opened, "unhcr").status_code == 303
    assert rows("unhcr") == 1
    closed = make_app(RATELIMIT_FAIL="closed", PROPAGATE_EXCEPTIONS=False).test_client()
    assert sign(closed, "unhcr", email="second@example.org").status_code == 503
    assert rows("unhcr") == 1


def test_no_rate_limited_view_answers_a_get(app):
    """A GET skips the limiter (extensions.reading_is_never_limited): so a limit on a view that
    answers GET would never apply. None does, and the application has no default limits."""
    from flask_limiter.util import get_qualified_name

    from campaign.extensions import limiter

    limited = limiter._marked_for_limiting
    assert limited, "the sign, resend and login views are limited"
    assert not limiter.limit_manager.default_limits and not limiter.limit_manager.application_limits
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if get_qualified_name(view) in limited:
            assert rule.methods <= {"POST", "OPTIONS"}, rule


def test_a_get_leaves_the_limiter_before_its_look_up_and_a_post_does_not(make_app, monkeypatch):
    """extensions.ReadSkippingLimiter: the hook Flask-Limiter registers before every request
    returns first for a read (its look-up cost the sign page 30 µs); a POST still goes through
    Flask-Limiter's own check. Flask-Limiter's check is counted from before the app binds its
    hook: with Flask-Limiter's own class the GETs are counted too, and if Flask-Limiter renames
    the hook we override, the POST is not."""
    from flask_limiter import Limiter

    checked = []
    original = Limiter._check_request_limit

    def counting(self, *args, **kwargs):
        checked.append(kwargs.get("in_middleware", args[1] if len(args) > 1 else True))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", counting)
    client = make_app().test_client()
    assert client.get("/en/xi/").status_code == 200
    assert client.head("/en/xi/").status_code == 200
    assert checked == []
    assert sign(client, "unhcr").status_code == 303
    assert True in checked  # the hook before the request, then the view's decorators
