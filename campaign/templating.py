"""What every template can use: the page's language, its alternates, and locale-aware formatting."""
from flask import request, url_for
from flask_babel import format_date, format_decimal

from . import i18n
from .petitions.media import media_for
from .petitions.organisations import signatories
from .places import country_name


def language_alternates():
    """(tag, native name, url) for the current page in every language, or the index for other pages."""
    endpoint = request.endpoint
    args = dict(request.view_args or {})
    usable = endpoint and "lang" in (request.url_rule.arguments if request.url_rule else ())
    alternates = []
    for tag in i18n.languages():
        if usable:
            url = url_for(endpoint, **{**args, "lang": tag})
        else:
            url = url_for("site.index", lang=tag)
        alternates.append((tag, i18n.native_name(tag), url))
    return alternates


def register_template_helpers(app):
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def language_context():
        lang = i18n.current_language()
        return {
            "lang": lang,
            "translation_incomplete": lang in app.config["INCOMPLETE_LANGUAGES"],
            "language_alternates": language_alternates,
            "family_name_first": i18n.family_name_first,
            "language_name": i18n.language_name,
            "person_name": lambda first, last: i18n.person_name(first, last, lang),
            "signatories": signatories,
            "campaign_media": media_for,
            "country_name": lambda code: country_name(code, lang),
        }

    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.filters["long_date"] = lambda value: format_date(value, "long")
