"""axe-core on every page in every language, a look at each page, and keyboard-only signing.

axe-core comes from the npm registry (package.json) and is injected from its file. Each page is
also saved as a full-page desktop screenshot under artifacts/screenshots/desktop/ for people to
look at, and its text is checked to be drawn with the font made for its language.
"""
import pytest
from playwright.sync_api import expect

from .pages import expect_language, fill_form, signer, submit
from .support import (CAMPAIGNS, TAGS, emailed_confirmation_link, exact_count, requires_confirmation,
                      screenshot_path, status_line)

SERIOUS = ("serious", "critical")

# Which face draws the page's text. Korean, Simplified and Traditional Chinese share code points
# but not glyph shapes: a Chinese page drawn with the Japanese (or Korean) face looks foreign.
EXPECTED_FACES = {
    "en": None,
    "ko": "Noto Sans CJK KR",
    "zh-Hans": "Noto Sans CJK SC",
    "zh-Hant": "Noto Sans CJK TC",
}


def tour(page, tag, live_server=None, catalog=None):
    """Every page a visitor can reach, as (name, how to get there)."""
    def sign_with_nothing_filled_in(slug):
        page.goto(f"/{tag}/{slug}/")
        with page.expect_navigation():
            page.locator("form button[type=submit]").click()
        expect(page.locator("[aria-invalid=true]").first).to_be_visible()

    yield "index", lambda: page.goto(f"/{tag}/")
    for slug in CAMPAIGNS:
        yield f"sign-{slug}", lambda slug=slug: page.goto(f"/{tag}/{slug}/")
        yield f"sign-{slug}-errors", lambda slug=slug: sign_with_nothing_filled_in(slug)
        yield f"thanks-{slug}", lambda slug=slug: page.goto(f"/{tag}/{slug}/thanks")
    yield "sign-coalition", lambda: page.goto(f"/{tag}/coalition/")
    yield "sign-coalition-errors", lambda: sign_with_nothing_filled_in("coalition")
    yield "thanks-coalition", lambda: page.goto(f"/{tag}/coalition/thanks")
    yield "share-unhcr", lambda: page.goto(f"/{tag}/unhcr/share")
    for footer_page in ("about", "privacy", "accessibility"):
        yield footer_page, lambda footer_page=footer_page: page.goto(f"/{tag}/{footer_page}")
    yield "404", lambda: page.goto(f"/{tag}/no-such-page")
    if live_server is not None and catalog is not None and requires_confirmation(live_server, "xi"):
        def sign_xi_and_open_the_emailed_link():
            person = signer("xi", tag)
            page.goto(f"/{tag}/xi/")
            fill_form(page, catalog, person)
            submit(page, catalog)
            page.goto(emailed_confirmation_link(live_server, person["text"]["email"]))

        def press_confirm():
            page.get_by_role("button", name=catalog.p("button", "Confirm my signature")).click()
            expect_language(page, live_server.url, tag, "xi/confirmed")

        yield "confirm-xi", sign_xi_and_open_the_emailed_link
        yield "confirmed-xi", press_confirm


def axe_violations(page, axe_script):
    page.add_script_tag(path=str(axe_script))
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary),
        }));
    }""")


def platform_fonts(page, selector):
    """The fonts Chromium actually used to draw the text of the first element matching `selector`."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        return {font["familyName"]: font["glyphCount"] for font in fonts}
    finally:
        session.detach()


@pytest.mark.parametrize("tag", TAGS)
def test_every_page_passes_axe_and_is_drawn_in_its_own_script(visit, axe_script, live_server, catalogs, tag):
    # bypass_csp: our Content-Security-Policy forbids inline script, which is how axe is injected.
    page = visit(tag, bypass_csp=True).new_page()
    problems = {}
    for name, go in tour(page, tag, live_server, catalogs[tag]):
        go()
        expect(page.locator("html")).to_have_attribute("lang", tag)
        page.screenshot(path=screenshot_path("desktop", f"{tag}-{name}.png"), full_page=True)
        serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
        if serious:
            problems[name] = serious
        face = EXPECTED_FACES[tag]
        for selector in ("main h1", ".letter-body p:not(.salutation)") if face else ():
            if page.locator(selector).count():
                used = platform_fonts(page, selector)
                assert max(used, key=used.get) == face, (name, selector, used)
    assert problems == {}, problems


ORGANISER_PAGES = ("", "congress/", "congress/signatures/", "congress/paper", "congress/packets/", "xi/media/",
                   "coalition/", "coalition/organisations/")


def organiser_account(live_server):
    from campaign.accounts import hash_password
    from campaign.extensions import db
    from campaign.models import ROLE_ADMIN, User

    with live_server.app.app_context():
        if db.session.query(User).filter_by(email="axe@example.org").first() is None:
            db.session.add(User(email="axe@example.org", name="Ada", role=ROLE_ADMIN,
                                password_hash=hash_password("axe organiser password")))
            db.session.commit()
    return "axe@example.org", "axe organiser password"


@pytest.mark.parametrize("tag", TAGS)
def test_organiser_pages_pass_axe(visit, axe_script, live_server, tag):
    email, password = organiser_account(live_server)
    page = visit(tag, bypass_csp=True).new_page()
    page.goto(f"/{tag}/organisers/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    problems = {}
    for path in ORGANISER_PAGES:
        page.goto(f"/{tag}/organisers/{path}")
        expect(page.locator("html")).to_have_attribute("lang", tag)
        assert "/organisers/login" not in page.url
        name = "organisers-" + (path.strip("/").replace("/", "-") or "home")
        page.screenshot(path=screenshot_path("desktop", f"{tag}-{name}.png"), full_page=True)
        serious = [v for v in axe_violations(page, axe_script) if v["impact"] in SERIOUS]
        if serious:
            problems[path] = serious
    assert problems == {}, problems


@pytest.mark.parametrize("tag", TAGS)
def test_letter_prints_alone(visit, tag):
    """The print stylesheet leaves the letter: no header, form, buttons or footer."""
    page = visit(tag).new_page()
    for slug in CAMPAIGNS:
        page.goto(f"/{tag}/{slug}/")
        page.emulate_media(media="print")
        for hidden in (".site-header", ".intro", ".sign", ".site-footer", "a.button", ".status"):
            expect(page.locator(hidden).first).to_be_hidden()
        expect(page.locator(".letter-body")).to_be_visible()
        page.screenshot(path=screenshot_path("print", f"{tag}-{slug}.png"), full_page=True)
        page.pdf(path=screenshot_path("print", f"{tag}-{slug}.pdf"), format="A4")
        page.emulate_media(media="screen")


# Keyboard-only signing: each language signs one campaign, every campaign is signed, and the
# sign button is pressed with Enter and with Space.
KEYBOARD_CASES = [("en", "congress", "Enter"), ("ko", "xi", "Space"), ("zh-Hans", "unhcr", "Enter"),
                  ("zh-Hant", "congress", "Space")]

ACTIVE = """() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return {tag: el.tagName.toLowerCase(), type: el.type || null, name: el.name || null, id: el.id || null,
            value: el.value, checked: el.checked, cls: el.className,
            options: el.tagName === "SELECT" ? Array.from(el.options, o => o.value) : null,
            selected: el.selectedIndex ?? null,
            visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
            outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0};
}"""


@pytest.mark.parametrize(("tag", "slug", "key"), KEYBOARD_CASES)
def test_sign_with_the_keyboard_alone(visit, live_server, catalogs, tag, slug, key):
    catalog = catalogs[tag]
    page = visit(tag).new_page()
    page.goto(f"/{tag}/{slug}/")
    before = exact_count(page, tag, slug)

    # The first Tab reaches the skip link, which shows itself and jumps to the content.
    page.keyboard.press("Tab")
    active = page.evaluate(ACTIVE)
    assert active["cls"] == "skip-link" and active["visible"] and active["outline"], active
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

    person = signer(slug, tag)
    texts, selects = dict(person["text"]), dict(person["select"])
    checks = set(person["check"])
    filled = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        assert active["visible"] and active["outline"], f"focus is not visible on {active}"
        assert active["name"] != "website", "the honeypot must not be reachable with the keyboard"
        name = active["name"]
        if active["tag"] == "button" and active["type"] == "submit" and filled:
            break
        if name in texts:
            page.keyboard.type(texts[name])
        elif name in selects:
            steps = active["options"].index(selects[name]) - active["selected"]
            for _ in range(steps):
                page.keyboard.press("ArrowDown")
        elif name in checks:
            page.keyboard.press("Space")
        elif active["type"] == "radio":
            page.keyboard.press("Space")  # choose the first, then arrow to the one wanted
            while page.evaluate("document.activeElement.value") != person["choice"]:
                page.keyboard.press("ArrowDown")
        else:
            continue
        filled.add(name or active["type"])
    else:
        pytest.fail("Tab never reached the sign button")
    assert filled == set(texts) | set(selects) | checks | ({"email_use"} if person["choice"] else set())
    # Check what the keyboard did before sending it.
    for name, value in {**texts, **selects}.items():
        expect(page.locator(f"[name={name}]")).to_have_value(value)
    for name in checks:
        expect(page.locator(f"[name={name}]")).to_be_checked()
    if person["choice"]:
        expect(page.locator(f"[name=email_use][value={person['choice']}]")).to_be_checked()
    page.keyboard.press(key)
    expect_language(page, live_server.url, tag, f"{slug}/thanks")
    # A campaign that requires confirmation counts the signature once the emailed link is used.
    if requires_confirmation(live_server, slug):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            catalog.p("heading", "One more step: check your email"))
        assert exact_count(page, tag, slug) == before
    else:
        expect(page.locator(".status .count")).to_have_text(status_line(catalog, slug, before + 1))
        expect(page.get_by_role("heading", level=1)).to_have_text(catalog.p("heading", "Thank you"))
