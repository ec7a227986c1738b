"""Everything about languages in one place: which exist, how a visitor gets one, how names sort.

URL language tags are BCP 47 (`zh-Hans`); catalog folders use Babel's names (`zh_Hans`).
The configuration is checked at start-up: a configured language without a compiled catalog
stops the app, so a half-installed language never reaches a visitor.
"""
import unicodedata
from functools import lru_cache
from pathlib import Path

import icu
from babel import Locale, UnknownLocaleError
from flask import current_app, g
from werkzeug.routing import BaseConverter, ValidationError

# Chinese tags that name a region rather than a script, and where their readers belong.
CHINESE_REGIONS = {
    "zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans",
    "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant",
}

# CLDR names Chinese by language plus script ("中文（简体）"); readers call them this.
NATIVE_NAME_OVERRIDES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文"}

# Locales that write the family name first.
FAMILY_NAME_FIRST = {"ko", "zh", "ja"}


class LocaleConfigurationError(RuntimeError):
    pass


def babel_name(tag):
    """`zh-Hans` → `zh_Hans`: the name of the catalog folder and of the Babel locale."""
    return tag.replace("-", "_")


def languages():
    return current_app.config["LANGUAGES"]


def default_language():
    return languages()[0]


def current_language():
    """The BCP 47 tag of the page being rendered (the fallback outside language URLs)."""
    return g.get("lang", default_language())


def current_locale():
    return Locale.parse(babel_name(current_language()))


def native_name(tag):
    if tag in NATIVE_NAME_OVERRIDES:
        return NATIVE_NAME_OVERRIDES[tag]
    locale = Locale.parse(babel_name(tag))
    return locale.get_display_name(locale).capitalize()


def language_name(tag):
    """The name of language `tag` in the language of the current page (e.g. 중국어(간체))."""
    return Locale.parse(babel_name(tag)).get_display_name(current_locale())


def family_name_first(tag=None):
    return Locale.parse(babel_name(tag or current_language())).language in FAMILY_NAME_FIRST


def person_name(first, last, tag):
    """A signer's name as it is written: a name in Han or Hangul as its owner writes it, family
    name first with no space (陳美玲, 김민준), on any page; a Latin name in the order readers of
    `tag` expect (Mei Chen in English, Chen Mei on a Chinese page)."""
    parts = [part for part in (first, last) if part]
    if parts and all(_written_without_spaces(part) for part in parts):
        return "".join(reversed(parts))
    return " ".join(reversed(parts) if family_name_first(tag) else parts)


def _written_without_spaces(text):
    return all(unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY", "HANGUL", "HIRAGANA",
                                                    "KATAKANA")) for ch in text)


def take_language_from_url(blueprint):
    """For a blueprint under `/<lang:lang>/…`: the URL's language becomes the page's (g.lang), and
    url_for inside it keeps the current language unless told otherwise."""

    @blueprint.url_value_preprocessor
    def take_language(endpoint, values):
        g.lang = values.pop("lang")

    @blueprint.url_defaults
    def add_language(endpoint, values):
        values.setdefault("lang", g.get("lang"))

    return blueprint


def make_language_converter(tags):
    """A URL converter that accepts only configured languages: anything else is a 404."""
    allowed = frozenset(tags)

    class LanguageConverter(BaseConverter):
        def to_python(self, value):
            if value not in allowed:
                raise ValidationError()
            return value

    return LanguageConverter


def negotiate(cookie_value, accept_languages, tags):
    """Pick a language for `/`: a valid cookie, then Accept-Language, then the first tag."""
    if cookie_value in tags:
        return cookie_value
    by_lower = {tag.lower(): tag for tag in tags}
    for value, _quality in accept_languages:
        match = _match_tag(value.lower(), by_lower)
        if match:
            return match
    return tags[0]


def _match_tag(requested, by_lower):
    if requested in by_lower:
        return by_lower[requested]
    parts = requested.split("-")
    if parts[0] == "zh":
        # zh-Hant-TW, zh-Hans-CN: the script decides; zh-TW, zh-CN: the region does.
        for part in parts[1:]:
            if part in ("hans", "hant"):
                return by_lower.get(f"zh-{part}")
        return by_lower.get(CHINESE_REGIONS.get("-".join(parts[:2]), "zh-Hans").lower())
    return by_lower.get(parts[0])


def catalog_path(translations_dir, tag, suffix):
    return Path(translations_dir) / babel_name(tag) / "LC_MESSAGES" / f"messages.{suffix}"


def check_configuration(app):
    """Fail loudly at start-up on a language Babel does not know or that has no compiled catalog."""
    tags = app.config["LANGUAGES"]
    if not tags:
        raise LocaleConfigurationError("LANGUAGES is empty")
    translations_dir = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    for tag in tags:
        try:
            Locale.parse(babel_name(tag))
        except (ValueError, UnknownLocaleError) as error:
            raise LocaleConfigurationError(f"{tag!r} in LANGUAGES is not a locale Babel knows") from error
        if tag == tags[0]:
            continue  # the source language needs no catalog
        if not catalog_path(translations_dir, tag, "mo").exists():
            raise LocaleConfigurationError(
                f"no compiled catalog for {tag!r} at {catalog_path(translations_dir, tag, 'mo')}: "
                f"run `flask translate compile` (or `flask translate init {tag}` for a new language)"
            )
    for tag in app.config["SHIPPED_LANGUAGES"]:
        if tag not in tags:
            raise LocaleConfigurationError(f"shipped language {tag!r} is not in LANGUAGES")


def incomplete_languages(app):
    """Languages whose catalog still has untranslated entries: their pages say so (in English)."""
    from babel.messages.pofile import read_po

    incomplete = set()
    for tag in app.config["LANGUAGES"][1:]:
        po_file = catalog_path(app.config["BABEL_TRANSLATION_DIRECTORIES"], tag, "po")
        if not po_file.exists():
            continue
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        if any(message.id and not _translated(message) for message in catalog):
            incomplete.add(tag)
    return frozenset(incomplete)


def _translated(message):
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and not message.fuzzy


def select_locale():
    """Flask-Babel's locale selector: the language in the URL, else the fallback."""
    return babel_name(current_language())


@lru_cache(maxsize=16)
def collator(tag):
    """A collator that sorts as readers of the language expect.

    ICU's CLDR rules give Hangul order for Korean, pinyin for Simplified Chinese and
    stroke count (the customary order in Taiwan and Hong Kong) for Traditional Chinese.
    """
    return icu.Collator.createInstance(icu.Locale(babel_name(tag)))


def sort_for_language(items, tag, key=lambda item: item):
    sort_key = collator(tag).getSortKey
    return sorted(items, key=lambda item: sort_key(key(item)))

