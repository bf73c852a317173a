"""Login roles for BI tools (Metabase, Superset, Power BI, Excel): `make bi-user NAME=...`.

`create_bi_user(conninfo, name)` creates (or, when it exists, resets the password of) a
LOGIN role that is a member of `bi_reader` (ingest/ddl/040_roles.sql: SELECT on schema
marts, nothing else) with a generated password, and returns it. The password is shown
once and stored only as PostgreSQL's SCRAM verifier. The role may not create anything,
write anything, or read raw / staging / intermediate / audit data.
"""

from __future__ import annotations

import re
import secrets

import psycopg
from psycopg import sql

NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")
RESERVED = {"postgres", "bi_reader", "public"}


class BiUserError(ValueError):
    """The role cannot be created (bad name, reserved, no privilege)."""


def create_bi_user(conn: psycopg.Connection, name: str) -> tuple[str, bool]:
    """(password, created) for the login role `name` in bi_reader; created False when the
    role existed and only got a new password."""
    if not NAME.match(name) or name in RESERVED or name.startswith("pg_"):
        raise BiUserError(
            f"invalid BI user name {name!r}: 3-63 characters, lower-case letters, digits and "
            "_, starting with a letter (not postgres, bi_reader, public or pg_*)"
        )
    if not conn.execute("select 1 from pg_roles where rolname = 'bi_reader'").fetchone():
        raise BiUserError("role bi_reader does not exist: migrate the warehouse first (make run)")
    password = secrets.token_urlsafe(24)
    existing = conn.execute(
        "select rolsuper or rolcreaterole or rolcreatedb from pg_roles where rolname = %s",
        (name,),
    ).fetchone()
    role = sql.Identifier(name)
    with conn.transaction():
        conn.execute("set local password_encryption = 'scram-sha-256'")
        if existing is None:
            conn.execute(
                sql.SQL(
                    "create role {} login password {} nosuperuser nocreatedb nocreaterole "
                    "in role bi_reader"
                ).format(role, sql.Literal(password))
            )
        else:
            if existing[0]:
                raise BiUserError(f"role {name!r} exists with more than read rights: not changed")
            conn.execute(
                sql.SQL("alter role {} login password {}").format(role, sql.Literal(password))
            )
            conn.execute(sql.SQL("grant bi_reader to {}").format(role))
        # read-only sessions by default, as a second guard next to the missing privileges
        conn.execute(sql.SQL("alter role {} set default_transaction_read_only = on").format(role))
        conn.execute(sql.SQL("alter role {} set search_path = marts").format(role))
    return password, existing is None
