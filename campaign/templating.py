"""What every template can use: the page's language, its alternates, and locale-aware formatting."""
from flask import request, url_for
from flask_babel import format_date, get_translations

from . import i18n
from .extensions import babel as babel_extension
from .petitions.media import media_for
from .petitions.organisations import signatories
from .campaigns.common import coalition_name
from .places import country_name
from .sharing.social_proof import partner_list


def language_alternates():
    """(tag, native name, url) for the current page in every offered language (a language in preview
    is not offered), or the index for other pages."""
    endpoint = request.endpoint
    args = dict(request.view_args or {})
    usable = endpoint and "lang" in (request.url_rule.arguments if request.url_rule else ())
    alternates = []
    for tag in i18n.offered_languages():
        if usable:
            url = url_for(endpoint, **{**args, "lang": tag})
        else:
            url = url_for("site.index", lang=tag)
        alternates.append((tag, i18n.native_name(tag), url))
    return alternates


def _as_jinja_format(text, *english):
    """Jinja formats every translated string with `%`; where the English has no `%` the text is plain,
    so its percent signs are doubled to come out as written (translation_rules.literal_text)."""
    return text if any("%" in form for form in english) else text.replace("%", "%%")


def install_catalogs(app):
    """Catalogs are read through i18n.CATALOGS (no translation can break a page), and templates get
    gettext functions that keep a plain-text `%` intact."""
    babel_extension.domain_instance = i18n.CATALOGS
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _as_jinja_format(get_translations().ugettext(s), s),
        ngettext=lambda s, p, n: _as_jinja_format(get_translations().ungettext(s, p, n), s, p),
        pgettext=lambda c, s: _as_jinja_format(get_translations().upgettext(c, s), s),
        npgettext=lambda c, s, p, n: _as_jinja_format(get_translations().unpgettext(c, s, p, n), s, p),
        newstyle=True,
    )


def register_template_helpers(app):
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.add_extension("jinja2.ext.do")
    install_catalogs(app)

    @app.context_processor
    def language_context():
        lang = i18n.current_language()
        preview = i18n.is_preview(lang) or lang in app.config["INCOMPLETE_LANGUAGES"]
        return {
            "lang": lang,
            # A language in preview says so, in its own words where someone has written them and in English.
            "translation_incomplete": preview,
            "preview_notice": i18n.preview_notice(lang) if preview else None,
            "preview_notice_english": i18n.PREVIEW_NOTICE,
            "language_alternates": language_alternates,
            "family_name_first": i18n.family_name_first,
            "language_name": i18n.language_name,
            "person_name": lambda first, last: i18n.person_name(first, last, lang),
            "signatories": signatories,
            "campaign_media": media_for,
            "country_name": lambda code: country_name(code, lang),
            "coalition_name": coalition_name,
            "partner_list": partner_list,
            # Between two sentences that are separate strings: Chinese writes none after "。".
            "sentence_gap": "" if lang.startswith("zh") else " ",
        }

    app.jinja_env.filters["number"] = i18n.format_count
    app.jinja_env.filters["long_date"] = lambda value: format_date(value, "long")
    app.jinja_env.filters["paragraphs"] = paragraphs


def paragraphs(text):
    """Plain text as typed into a box (an editor's note): its paragraphs, split at blank lines."""
    blocks = (" ".join(block.split()) for block in str(text).replace("\r\n", "\n").split("\n\n"))
    return [block for block in blocks if block]
