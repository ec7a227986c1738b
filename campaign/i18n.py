"""Everything about languages in one place: which exist, how a visitor gets one, how names sort.

URL language tags are BCP 47 (`zh-Hans`); catalog folders use Babel's names (`zh_Hans`).
The configuration is checked at start-up: a configured language without a compiled catalog
stops the app, so a half-installed language never reaches a visitor.

LANGUAGES are served; SHIPPED_LANGUAGES (and the source language) are also offered: by negotiation
at `/`, the switcher, hreflang. Any other configured language is in preview: its pages answer
whoever opens the URL, with a notice in the language and in English, until it is promoted.

Catalogs are loaded through CatalogDomain, which leaves out any translation that would break a page
(translation_rules.py): that string is shown in English instead, and the fact is logged once.
"""
import gettext as gnu_gettext
import io
import logging
import unicodedata
from functools import lru_cache
from pathlib import Path

import icu
from babel import Locale, UnknownLocaleError, numbers
from babel.core import get_global
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Domain, format_decimal, get_locale, gettext
from werkzeug.routing import BaseConverter, ValidationError

from .translation_rules import literal_text, message_problems

log = logging.getLogger(__name__)

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


def offered_languages():
    """The languages visitors are offered (negotiation, switcher, hreflang): the source and the shipped."""
    shipped = set(current_app.config["SHIPPED_LANGUAGES"])
    return [tag for index, tag in enumerate(languages()) if index == 0 or tag in shipped]


def is_preview(tag):
    """A configured language that is not shipped yet: served at its URL, offered nowhere."""
    return tag in languages() and tag not in offered_languages()


# The preview notice in the language itself, for a language whose catalog has not translated it
# yet (written by a person who reads it; add a line when a language starts).
PREVIEW_NOTICES = {
    "ja": "この翻訳はまだ完成していません。このページの一部は英語で表示されています。",
}


# The notice in English: shown under the translated one (base.html), and the catalog's msgid below.
PREVIEW_NOTICE = "This translation is not finished yet: some text on this page is shown in English."


def preview_notice(tag):
    """The preview notice in language `tag`, or None when nobody has translated it yet."""
    # Translators: Notice at the top of every page of a language that is still being translated (not yet offered to visitors); the same sentence follows in English.
    translated = gettext("This translation is not finished yet: some text on this page is shown in English.")
    if translated != PREVIEW_NOTICE:
        return translated
    return PREVIEW_NOTICES.get(tag)


def han_variant(tag):
    """Which regional form of Han characters readers of `tag` expect: 'JP', 'KR', 'SC', 'TC', 'HK',
    or None for a language not written with them (fonts pick their face from this)."""
    locale = Locale.parse(babel_name(tag))
    language, script, territory = locale.language, locale.script, locale.territory
    if language == "ja":
        return "JP"
    if language == "ko":
        return "KR"
    if language in ("zh", "yue"):
        if not script:  # CLDR's likely script: zh_TW -> Hant, zh -> Hans
            likely = get_global("likely_subtags").get(f"{language}_{territory}" if territory else language, "")
            script = "Hant" if "_Hant" in likely else "Hans"
        if script == "Hant":
            return "HK" if territory in ("HK", "MO") else "TC"
        return "SC"
    return None


def current_language():
    """The BCP 47 tag of the page being rendered (the fallback outside language URLs)."""
    return g.get("lang", default_language())


def current_locale():
    return Locale.parse(babel_name(current_language()))


@lru_cache(maxsize=None)
def _group_symbol_every_three_digits(locale_name):
    """The locale's group separator if it writes every whole number in groups of three digits
    (1,234,567 in en, ko and zh), else None: India's 12,34,567, Spain's 1000 but 10.000, Swiss
    German's unseparated 1234567. Checked against babel itself on numbers that tell them apart."""
    locale = Locale.parse(locale_name)
    pattern = locale.decimal_formats.get(None)
    if pattern is None or tuple(pattern.grouping) != (3, 3):
        return None
    group = numbers.get_group_symbol(locale)
    probes = (0, 999, 1000, 10000, 100000, 1234567)
    if any(f"{value:,}".replace(",", group) != numbers.format_decimal(value, locale=locale) for value in probes):
        return None
    return group


def format_count(value):
    """A number as the page's language writes it: babel's format_decimal. That costs about 8 µs a
    call, and a congress dashboard writes over 300 counts (every district and state) at a
    million signatures. A whole number >= 0 in a language that groups by three digits is the same string
    from Python's own formatting, in 3 µs (tests/test_languages.py compares the two)."""
    locale = get_locale()
    if type(value) is int and value >= 0 and locale is not None:
        group = _group_symbol_every_three_digits(str(locale))
        if group is not None:
            return f"{value:,}".replace(",", group)
    return format_decimal(value)


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
    if app.config.get("TRANSLATION_PREVIEW"):
        prepare_translation_preview(app)
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


def prepare_translation_preview(app):
    """A translator's local server (`python3 dev.py serve`): every .po newer than its .mo is compiled
    at each start (the reloader restarts the server when a .po is saved), and pages are not kept
    in the sign page cache, since `?show=msgid` pages are for this translator only."""
    if app.config["CAMPAIGN_ENV"] == "production":
        raise LocaleConfigurationError("TRANSLATION_PREVIEW is for a translator's own computer, not production")
    from .translate import compile_catalogs  # translate imports this module

    directory = app.config["BABEL_TRANSLATION_DIRECTORIES"]
    changed = [tag for tag in app.config["LANGUAGES"][1:] if catalog_path(directory, tag, "po").exists()
               and (not catalog_path(directory, tag, "mo").exists()
                    or catalog_path(directory, tag, "po").stat().st_mtime > catalog_path(directory, tag, "mo").stat().st_mtime)]
    compile_catalogs(directory, changed)
    app.config["SIGN_PAGE_CACHE_SECONDS"] = 0


class CatalogDomain(Domain):
    """Flask-Babel's domain, loading each compiled catalog once per translations directory and
    leaving out every translation that would break a page (shown in English instead, logged once).

    Poedit compiles its own .mo when a translator saves, so this guard sits where catalogs are
    read, not only in `flask translate compile`.
    """

    def __init__(self):
        super().__init__()
        self._loaded = {}

    def get_translations(self):  # called for every string: kept to two dictionary look-ups
        if not has_app_context():
            return NullTranslations()
        config = current_app.config
        if config["TRANSLATION_PREVIEW"] and showing_msgids():
            return MsgidPreview()
        locale = get_locale()
        key = (config["BABEL_TRANSLATION_DIRECTORIES"], str(locale))
        translations = self._loaded.get(key)
        if translations is None:
            translations = self._loaded[key] = load_usable_translations(self.translation_directories, locale,
                                                                        self.domain[0])
        return translations


def load_usable_translations(directories, locale, domain="messages"):
    translations = Translations()
    for directory in directories:
        path = gnu_gettext.find(domain, directory, [str(locale)]) if locale else None
        if path:
            usable = _usable_catalog(Path(path), domain)
            translations.merge(usable)
            translations.plural = usable.plural  # merge() does not copy it
    return translations


def _usable_catalog(path, domain):
    with path.open("rb") as handle:
        compiled = read_mo(handle)
    usable = Catalog(locale=compiled.locale, charset="utf-8", fuzzy=False)
    usable.mime_headers = compiled.mime_headers
    for message in compiled:
        if not message.id:
            continue
        problems = message_problems(message.id, message.string, compiled.num_plurals)
        if problems:
            log.warning("%s: %r%s is shown in English: its translation %s", path, message.id,
                        f" [{message.context}]" if message.context else "", "; ".join(problems))
            continue
        string = message.string
        if isinstance(string, (list, tuple)):
            string = tuple(literal_text(message.id, form) for form in string)
        else:
            string = literal_text(message.id, string)
        usable.add(message.id, string, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, usable)
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


def showing_msgids():
    """`?show=msgid` on a translator's preview server: each string appears as its catalog entry."""
    return (current_app.config["TRANSLATION_PREVIEW"] and has_request_context()
            and request.args.get("show") == "msgid")


class MsgidPreview(NullTranslations):
    """Every string as ⟦context ▸ English⟧, placeholders unfilled: what to look for in the catalog."""

    @staticmethod
    def _mark(context, msgid):
        # A format string's % are doubled so that formatting leaves the placeholders as written.
        shown = msgid.replace("%", "%%") if "%" in msgid else msgid
        return f"⟦{context} ▸ {shown}⟧" if context else f"⟦{shown}⟧"

    def ugettext(self, message):
        return self._mark(None, message)

    def ungettext(self, singular, plural, n):
        return self._mark(None, singular if n == 1 else plural)

    def upgettext(self, context, message):
        return self._mark(context, message)

    def unpgettext(self, context, singular, plural, n):
        return self._mark(context, singular if n == 1 else plural)

    gettext, ngettext, pgettext, npgettext = ugettext, ungettext, upgettext, unpgettext


CATALOGS = CatalogDomain()


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

