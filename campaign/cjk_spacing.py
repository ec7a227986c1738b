"""The one rule for spaces between Han characters and Latin text in Chinese translations.

The rule (translations/GLOSSARY.md, "Spaces between Chinese and Latin text"):
- one half-width space between Han characters and Latin-script text: words, abbreviations, codes,
  web and email addresses, #hashtags and @handles (加入 Facebook 社群, 分享到 Facebook, 例如 CA-40),
  and the placeholders that stand for such text (LATIN_PLACEHOLDERS);
- no space between Han characters and digits (2026年, 5位数, 第118届), other placeholders (numbers,
  dates, names and titles in the page's language: 尊敬的%(member)s), or full-width punctuation
  (萨德（THAAD）).

List every entry that breaks it: `.venv/bin/python -m campaign.cjk_spacing`.
"""
import re
import sys

# Placeholders filled with Latin text: a district code, a hashtag, an @handle, the site's host name,
# the names of the UNHCR petition's partner organisations.
LATIN_PLACEHOLDERS = frozenset({"district", "hashtag", "handle", "unhcr_handle", "site", "partners"})
CHINESE_CATALOGS = ("zh_Hans", "zh_Hant")

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_WIDTH_PUNCTUATION = "，。、；：？！（）「」『』《》〈〉【】"
MARKUP = re.compile(r"</?[A-Za-z][^>]*>")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TOKEN = re.compile(rf"(?P<placeholder>{PLACEHOLDER.pattern})|(?P<latin>[A-Za-z0-9#@][A-Za-z0-9_#@.+\-/:]*)"
                   rf"|(?P<han>[{HAN}])|(?P<space>[ \u00a0]+)|(?P<punct>[{FULL_WIDTH_PUNCTUATION}])|(?P<other>.)",
                   re.DOTALL)


def _kinds(text):
    """The text as (kind, token) pairs: latin, digits, placeholder, han, space, punct, other."""
    for match in TOKEN.finditer(MARKUP.sub("", text)):
        kind = match.lastgroup
        token = match.group()
        if kind == "placeholder":
            kind = "latin" if match.group(2) in LATIN_PLACEHOLDERS else "placeholder"
        elif kind == "latin" and not re.search("[A-Za-z]", token):
            kind = "digits"
        yield kind, token


def spacing_problems(text):
    """Each place where `text` breaks the rule, as a short description."""
    tokens = list(_kinds(text))
    problems = []
    for index, (kind, token) in enumerate(tokens):
        before = tokens[index - 1] if index else (None, "")
        after = tokens[index + 1] if index + 1 < len(tokens) else (None, "")
        if kind == "han" and after[0] == "latin":
            problems.append(f"no space between {token!r} and {after[1]!r}")
        elif kind == "latin" and after[0] == "han":
            problems.append(f"no space between {token!r} and {after[1]!r}")
        elif kind == "space":
            pair = {before[0], after[0]}
            if "punct" in pair:
                problems.append(f"a space next to {before[1] if before[0] == 'punct' else after[1]!r}")
            elif "han" in pair and pair & {"digits", "placeholder"}:
                problems.append(f"a space between {before[1]!r} and {after[1]!r}")
    return problems


def catalog_spacing_problems(path, catalog):
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        for string in strings:
            for problem in spacing_problems(string or ""):
                problems.append(f"{path}:{message.lineno}: {msgid[:50]!r} [{message.context}]: {problem}")
    return problems


def main():
    from .translate import po_path, read_catalog, translations_dir

    problems = []
    for name in CHINESE_CATALOGS:
        path = po_path(translations_dir(), name)
        problems.extend(catalog_spacing_problems(path, read_catalog(path, locale=name)))
    print("\n".join(problems) or "no spacing problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
