"""CSV cells a spreadsheet cannot run: shared by organisers' exports and the public open data."""

# A cell starting with one of these is a formula to a spreadsheet: it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
