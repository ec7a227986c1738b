"""Field validators shared by every campaign form. Every message goes through the catalog."""
import re
import unicodedata
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import StopValidation, ValidationError

# Unicode categories never typed into a one-line field on purpose: control characters,
# unassigned and private-use code points, and line/paragraph separators.
FORBIDDEN_CATEGORIES = {"Cc", "Cn", "Co", "Cs", "Zl", "Zp"}
# Format characters (Cf) that change how the letters on either side are drawn: the zero-width
# non-joiner and joiner, which Persian and Indic names and emoji such as 👩‍⚕️ need.
JOINERS = frozenset("\u200c\u200d")


def _visible(ch):
    return unicodedata.category(ch)[0] not in "CZ"


def without_invisible_formatting(value):
    """`value` without its invisible format characters (Unicode category Cf): zero-width spaces,
    soft hyphens, byte-order marks, direction marks and overrides (U+202E shows "evil" as "live"),
    tags (which can hide a whole sentence in a name). A joiner stays between two visible
    characters, where it changes how they are drawn; anywhere else it does nothing.

    Signing forms remove them rather than refuse the name: they come with a name copied from a
    document or a chat, the signer cannot see them to take them out, and removing them changes
    nothing a reader sees except a disguise."""
    if value.isprintable():  # False for every format character: most values skip the work
        return value
    last = len(value) - 1
    return "".join(
        ch for index, ch in enumerate(value)
        if unicodedata.category(ch) != "Cf"
        or (ch in JOINERS and 0 < index < last and _visible(value[index - 1]) and _visible(value[index + 1])))


def has_forbidden_characters(value):
    """Whether `value` holds a character nobody types into a one-line field on purpose, or an
    invisible format character (for input that is refused, not cleaned: paper batches)."""
    return (any(unicodedata.category(ch) in FORBIDDEN_CATEGORIES for ch in value)
            or without_invisible_formatting(value) != value)


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class Required:
    """Stops validation with a localized message when the field is empty after trimming."""

    def __init__(self, message):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        if not field.data or (isinstance(field.data, str) and not field.data.strip()):
            raise StopValidation(self.message)


class PlainText:
    """A single line of text: no control characters, at most `max_length` characters. Invisible
    format characters are removed (see without_invisible_formatting); a value that was nothing
    else is empty, and gets the field's own "Please enter …" message if it is required."""

    def __init__(self, max_length):
        self.max_length = max_length

    def __call__(self, form, field):
        value = field.data or ""
        visible = without_invisible_formatting(value)
        if visible != value:
            field.data = value = visible.strip()
            required = next((check for check in field.validators if isinstance(check, Required)), None)
            if not value and required:
                raise StopValidation(required.message)
        if len(value) > self.max_length:
            raise StopValidation(
                # Translators: Error under a field of any form (sign pages, organiser pages). %(max)s is a number.
                _l("Please use at most %(max)s characters.", max=self.max_length)
            )
        if has_forbidden_characters(value):
            # Translators: Error under a field of any form when it holds characters nobody can see (e.g. pasted control codes).
            raise StopValidation(_l("Please remove the invisible or control characters from this field."))


class Email:
    """A syntactically valid address; no DNS lookup, which would slow signing and fail offline."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            result = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError:
            # Translators: Error under an email field (sign pages). Keep the example address as it is.
            raise StopValidation(_l("Please enter a valid email address, such as name@example.com."))
        field.data = result.normalized


class OneOf:
    """The submitted value is one of the field's choices (a tampered form is a field error, not a 500)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(self.message)


ZIP_PATTERN = re.compile(r"^\d{5}(?:-?\d{4})?$")


class UsZip:
    def __call__(self, form, field):
        if not ZIP_PATTERN.match(field.data or ""):
            # Translators: Error under the ZIP code field of the congress sign page. Keep "92833-1234".
            raise StopValidation(_l("Please enter a 5-digit ZIP code, or ZIP+4 such as 92833-1234."))


class LocalizedDateField(DateField):
    """A date field whose "not a date" message comes from our catalogs (WTForms' own is English)."""

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        # Translators: Error under a date field whose text is not a date (organiser pages; browsers show a date picker).
        self.invalid_message = invalid_message or _l("Please enter a date such as 2026-12-10.")

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(self.invalid_message)) from None


class WebAddress:
    """An http(s) address with a host, as typed (https:// is added when left out)."""

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            field.data = None
            return
        if "://" not in value:
            value = "https://" + value
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or "." not in parts.hostname:
            # Translators: Error under the website field of the organisations' form.
            raise StopValidation(_l("Please enter the website's address, such as https://example.org."))
        field.data = value
