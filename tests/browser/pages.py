"""How the browser tests read and fill our pages: titles, labels, signers, errors, per campaign."""
import re

from playwright.sync_api import expect

from .support import TAGS, unique_number

TITLES = {
    "congress": "Urging Action for Human Rights in North Korea",
    "xi": "Petition to Xi Jinping to Stop Repatriating North Korean Refugees!",
    "unhcr": "Help North Korean Refugees #EscapeNorthKorea",
}
NATIVE_NAMES = {"en": "English", "ko": "한국어", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}

# Names as people of each language would type them.
NAMES = {
    "en": ("Young", "Park"), "ko": ("영희", "박"), "zh-Hans": ("美玲", "陈"), "zh-Hant": ("美玲", "陳"),
}

# The autocomplete (and inputmode, where the keyboard should change) of every field of every form.
AUTOFILL = {
    "first_name": ("given-name", None),
    "last_name": ("family-name", None),
    "city": ("address-level2", None),
    "state": ("address-level1", None),
    "zip_code": ("postal-code", "numeric"),
    "country": ("country", None),
    "email": ("email", "email"),
    # The coalition letter's organisation fields. The English name has no autofill token of its own:
    # a browser would offer the organisation's name in its own script there.
    "organisation": ("organization", None),
    "organisation_en": ("off", None),
    "homepage": ("url", "url"),
}

FIELD_LABELS = {  # field name -> (context, msgid) of its label
    "first_name": ("form field", "First name"),
    "last_name": ("form field", "Last name"),
    "city": ("form field", "City"),
    "state": ("U.S. state", "State"),
    "zip_code": ("form field", "ZIP code"),
    "country": ("form field", "Country"),
    "email": ("form field", "Email address"),
}
CHECKBOXES = {
    "follow_up": "Send me more information about the North Korea Freedom Coalition and follow-up emails about this "
                 "petition.",
    "updates": "Send me updates about this petition and #EscapeNorthKorea.",
}
EMAIL_USE = {
    "count_only": "Only to make sure my signature is counted once",
    "petition_updates": "Also to send me news about this petition",
}

MESSAGES = {
    "last_name": "Please enter your last name.",
    "city": "Please enter your city.",
    "zip_code": "Please enter a 5-digit ZIP code, or ZIP+4 such as 92833-1234.",
    "email": "Please enter a valid email address, such as name@example.com.",
}


def other_language(tag):
    return TAGS[(TAGS.index(tag) + 1) % len(TAGS)]


def signer(slug, tag):
    """A new person (they count once) signing `slug`: text fields, selects, boxes and choices."""
    number = unique_number()
    first, last = NAMES[tag]
    email = f"{slug}.{tag.lower()}.{number}@example.org"
    if slug == "congress":
        return {"text": {"first_name": first, "last_name": last,
                         "city": "Fullerton", "zip_code": str(92800 + number), "email": email},
                "select": {"state": "CA"}, "check": ["follow_up"], "choice": None}
    if slug == "xi":
        return {"text": {"first_name": first, "last_name": last, "city": "Toronto",
                         "email": email},
                "select": {"country": "CA"}, "check": [], "choice": "petition_updates"}
    return {"text": {"first_name": first, "last_name": last, "email": email},
            "select": {"country": "KR"}, "check": ["updates"], "choice": None}


def mistakes(slug):
    """What a hurried signer gets wrong on each form: one field left empty, one mistyped."""
    if slug == "congress":
        return {"last_name": "", "zip_code": "9283"}
    if slug == "xi":
        return {"city": "", "email": "mei.chen(at)example.org"}
    return {"last_name": "", "email": "jiwoo@"}


def field(page, catalog, name):
    """A field by its label; an optional field's label ends with "(optional)" in the page's language."""
    context, message = FIELD_LABELS[name]
    label = re.escape(catalog.p(context, message))
    optional = re.escape(catalog.p("form field", "(optional)"))
    return page.get_by_label(re.compile(rf"^{label}(\s*{optional})?$"))


def fill_form(page, catalog, person, overrides=None):
    values = {**person["text"], **(overrides or {})}
    for name, value in values.items():
        field(page, catalog, name).fill(value)
    for name, value in person["select"].items():
        field(page, catalog, name).select_option(value)
    for name in person["check"]:
        page.get_by_label(catalog._(CHECKBOXES[name]), exact=True).check()
    if person["choice"]:
        page.get_by_label(catalog._(EMAIL_USE[person["choice"]]), exact=True).check()


def submit(page, catalog):
    page.locator("form").get_by_role("button", name=catalog.p("button", "Sign the petition")).click()


def expect_language(page, base_url, tag, path=""):
    expect(page).to_have_url(re.compile(re.escape(f"{base_url}/{tag}/{path}") + r"(#.*)?$"))
    expect(page.locator("html")).to_have_attribute("lang", tag)


def switch_language(page, catalog, tag):
    switcher = page.get_by_role("navigation", name=catalog._("Choose your language"))
    switcher.get_by_role("link", name=NATIVE_NAMES[tag], exact=True).click()


def expect_field_error(page, catalog, name, typed):
    """The localized message sits right under the field, is tied to it, and what was typed stays."""
    control = field(page, catalog, name)
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_value(typed)
    control_id = control.get_attribute("id")
    error = page.locator(f"#{control_id}-error")
    expect(error).to_have_text(catalog._(MESSAGES[name]))
    # What a screen reader says on reaching the field: its label, then the message.
    expect(control).to_have_accessible_description(re.compile(re.escape(catalog._(MESSAGES[name]))))
    assert f"{control_id}-error" in control.get_attribute("aria-describedby").split()
    # Next to the field: just below it, not in a list at the top of the form.
    field_box, error_box = control.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 32, (name, field_box, error_box)
