"""What makes a translation safe to show: the rules `flask translate check` reports and the site obeys.

A translation is shown only if it formats with its English's placeholders (no literal `%` where the
English is a format string, no placeholder the English lacks), keeps every placeholder of the
English (a lost one is a lost fact: a date, a bill number) and has the same HTML tags, with no
stray `<`. Anything else is reported by the check with its file and line, and at render time the
site shows the English for that one string instead (campaign/i18n.py), so no translation can take
a page down.

Where the English contains no `%` at all it is plain text: Python shows it as it is, Jinja still
formats it. There a translation may write a percent sign as `%` or `%%`; the site shows one `%`
either way (literal_text here, templating.py for Jinja).
"""
import re
from collections import Counter

# Placeholders the site fills in: %(name)s, %s, and str.format's {name}.
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%[sd]|\{[A-Za-z_][A-Za-z0-9_]*\}")
MARKUP_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")
NUMERIC = set("diouxXeEfFgGc")  # conversions that fail on text
# One conversion of Python's printf-style formatting, as `str % mapping` parses it.
FORMAT_SPEC = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")


def is_format_string(english_forms):
    """True when the site formats this message with `%`: its English has a placeholder or a `%%`."""
    return any("%" in form for form in english_forms)


def literal_text(english, translation):
    """The text to show for a plain-text English (no `%` in it): `%%` written out is one `%`."""
    if is_format_string(english if isinstance(english, (list, tuple)) else [english]):
        return translation
    return translation.replace("%%", "%")


def _conversions(text):
    """([(name or None, type)], [offsets of % signs that start no conversion])."""
    found, stray = [], []
    position = 0
    while (start := text.find("%", position)) >= 0:
        match = FORMAT_SPEC.match(text, start)
        if match is None:
            stray.append(start)
            position = start + 1
            continue
        if match.group(2) != "%":
            found.append((match.group(1), match.group(2)))
        position = match.end()
    return found, stray


def problems(english_forms, translation, keep_every_placeholder=True):
    """Why `translation` cannot stand in for the English (singular, [plural]); [] if it can.

    `keep_every_placeholder` is False for a plural form that need not repeat the number (the
    singular form of a language with several forms may say "one signature").
    """
    english_forms = [form for form in english_forms if form]
    found = []
    if is_format_string(english_forms):
        found.extend(_format_problems(english_forms, translation, keep_every_placeholder))
    else:
        named = sorted({f"%({name})s" for name, _type in _conversions(translation)[0] if name is not None})
        if named:
            found.append(f"uses {', '.join(named)}, which the English does not have")
    found.extend(_brace_problems(english_forms, translation, keep_every_placeholder))
    found.extend(_markup_problems(english_forms[-1], translation))
    return found


def _format_problems(english_forms, translation, keep_every_placeholder):
    english_types = {}
    positional = 0
    for form in english_forms:
        conversions, _stray = _conversions(form)
        for name, kind in conversions:
            if name is None:
                positional += 1
            else:
                english_types.setdefault(name, kind)
    conversions, stray = _conversions(translation)
    found = []
    if stray:
        found.append("has a % that is not part of a placeholder: write %% for a percent sign")
    used = {}
    for name, kind in conversions:
        if name is None:
            if english_types or not positional:
                found.append(f"has %{kind}, which is not a placeholder of the English")
            continue
        used.setdefault(name, kind)
        if name not in english_types:
            found.append(f"uses %({name}){kind}, which the English does not have"
                         + _renamed_hint(name, english_types, translation))
        elif kind in NUMERIC and english_types[name] not in NUMERIC:  # the value may be text
            found.append(f"writes %({name}){kind} where the English has %({name}){english_types[name]}")
    if keep_every_placeholder:
        lost = [f"%({name}){kind}" for name, kind in english_types.items() if name not in used]
        if lost:
            found.append(f"drops {', '.join(lost)}")
    if not found:
        values = {name: 1 for name in english_types} if english_types else tuple([1] * positional)
        try:
            translation % values
        except (ValueError, TypeError, KeyError) as error:  # a case the checks above did not foresee
            found.append(f"does not format: {error}")
    return found


def _renamed_hint(name, english_types, translation):
    missing = [other for other in english_types if f"%({other})" not in translation]
    return f" (renamed from %({missing[0]}){english_types[missing[0]]}?)" if len(missing) == 1 else ""


def _brace_problems(english_forms, translation, keep_every_placeholder):
    brace = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
    english = set().union(*(brace.findall(form) for form in english_forms))
    if not english:
        return []
    mine = set(brace.findall(translation))
    found = [f"uses {name}, which the English does not have" for name in sorted(mine - english)]
    if keep_every_placeholder and english - mine:
        found.append(f"drops {', '.join(sorted(english - mine))}")
    return found


def _markup_problems(english, translation):
    wanted, written = Counter(MARKUP_TAG.findall(english)), Counter(MARKUP_TAG.findall(translation))
    found = []
    if written - wanted:
        found.append(f"adds HTML {', '.join(sorted(written - wanted))}")
    if wanted - written:
        found.append(f"loses HTML {', '.join(sorted(wanted - written))}")
    if MARKUP_TAG.sub("", translation).count("<") > MARKUP_TAG.sub("", english).count("<"):
        found.append("has a < that is not part of an HTML tag of the English")
    return found


def message_problems(english, strings, num_plurals):
    """Problems of one catalog entry, English `english` (str or (singular, plural)), translated
    `strings` (str or tuple of forms). Empty forms are not checked (untranslated is not broken)."""
    english_forms = list(english) if isinstance(english, (list, tuple)) else [english]
    forms = list(strings) if isinstance(strings, (list, tuple)) else [strings]
    found = []
    for index, form in enumerate(forms):
        if not form:
            continue
        # With one form, it says every number; with several, only the last must carry them all.
        keep_all = len(english_forms) == 1 or num_plurals == 1 or index == len(forms) - 1
        for problem in problems(english_forms, form, keep_every_placeholder=keep_all):
            found.append(problem if len(forms) == 1 else f"form {index}: {problem}")
    return list(dict.fromkeys(found))
