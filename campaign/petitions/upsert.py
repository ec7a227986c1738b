"""INSERT … ON CONFLICT for whichever database is bound: SQLite and PostgreSQL both support it."""
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_for_dialect(model):
    dialect = db.session.get_bind().dialect.name
    try:
        return _INSERTS[dialect](model)
    except KeyError:
        raise RuntimeError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL") from None
