"""Who a signer is, for counting each person once: normalised text hashed into a key."""
import hashlib
import unicodedata


def normalise(text):
    """NFKC (full-width and compatibility forms fold together), case-folded, whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(folded.split())


def identity_key(*parts):
    """A stable key for the same person: equal parts (after normalising) give an equal key."""
    joined = "\x1f".join(normalise(part) for part in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def email_key(email):
    """The key of an email address alone, to find one person's signatures in every campaign."""
    return identity_key(email) if email else None
