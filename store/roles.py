"""PostgreSQL privileges of the service's role: the audit trail and agenda book append-only.

In production the tables belong to an owner role (``lpa_owner``) that runs the migrations;
the services connect as another role (``lpa_app``) granted here:

- SELECT, INSERT, UPDATE, DELETE on the ordinary tables (guards of archived tickets stay
  triggers, which only the owner can disable);
- SELECT and INSERT only on ``audit_event`` and ``agenda_entry``: UPDATE, DELETE and TRUNCATE
  are refused by the database for lack of privilege, whatever the triggers;
- SELECT and UPDATE on ``chain_head`` (a trigger lets it only advance by one);
- SELECT on ``alembic_version`` (the service checks the schema revision, never migrates);
- USAGE and SELECT on the sequences, USAGE on the schema; no CREATE on the schema, no
  TRIGGER or REFERENCES privilege, no ownership: ALTER TABLE (DISABLE TRIGGER) is refused.

:func:`grant` checks afterwards that no such right is left (granted to PUBLIC, or through
membership of another role) and refuses otherwise.

The grants are computed from the tables the store has now, so run them again after every
migration (``lpa db migrasi --peran-aplikasi lpa_app`` does both). See deployments/produksi.md.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

APPEND_ONLY = ("audit_event", "agenda_entry")
ADVANCE_ONLY = ("chain_head",)
READ_ONLY = ("alembic_version",)


class RoleError(Exception):
    """A refused grant; the message is for people (Bahasa Indonesia)."""


def grant_statements(conn: Connection, role: str) -> list[str]:
    """The statements that give ``role`` the service's privileges on this store (idempotent)."""
    if conn.dialect.name != "postgresql":
        raise RoleError("Hak akses per peran hanya ada di PostgreSQL; SQLite tidak mengenal "
                        "peran (penjaganya trigger dan rantai hash, lihat docs/03-database.md)")
    found = conn.execute(text(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if found is None:
        raise RoleError(f"Peran {role!r} tidak ada; buat dulu: CREATE ROLE {role} LOGIN "
                        "PASSWORD '...'")
    if found.rolsuper:
        raise RoleError(f"Peran {role!r} adalah superuser: ia melewati semua hak akses; "
                        "layanan harus memakai peran biasa")
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    tables = sorted(inspect(conn).get_table_names(schema=schema))
    owners = conn.execute(text(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = :s"), {"s": schema}
    ).scalars().all()
    for owner in owners:
        if conn.execute(text("SELECT pg_has_role(:r, :o, 'USAGE')"),
                        {"r": role, "o": owner}).scalar_one():
            raise RoleError(f"Peran {role!r} adalah (anggota) pemilik tabel {owner!r}: pemilik "
                            "boleh mengubah dan mematikan trigger; layanan harus memakai peran "
                            "lain (lihat deployments/produksi.md)")
    q = conn.dialect.identifier_preparer.quote
    r, s = q(role), q(schema)
    statements = []
    if conn.execute(text(
            "SELECT pg_has_role(current_user, nspowner, 'USAGE') FROM pg_namespace "
            "WHERE nspname = :s"), {"s": schema}).scalar_one():
        # Before PostgreSQL 15 every role may create objects in "public".
        statements += [f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
                       f"REVOKE CREATE ON SCHEMA {s} FROM {r}"]
    statements += [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
    ]
    for name in tables:
        if name in APPEND_ONLY:
            rights = "SELECT, INSERT"
        elif name in ADVANCE_ONLY:
            rights = "SELECT, UPDATE"
        elif name in READ_ONLY:
            rights = "SELECT"
        else:
            rights = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {rights} ON {s}.{q(name)} TO {r}")
    return statements


def excess_privileges(conn: Connection, role: str) -> list[str]:
    """What ``role`` may still do beyond the service's privileges (also through PUBLIC or
    other roles it belongs to), as readable phrases; empty when the grants hold."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    excess = []
    if conn.execute(text("SELECT has_schema_privilege(:r, :s, 'CREATE')"),
                    {"r": role, "s": schema}).scalar_one():
        excess.append(f"CREATE di skema {schema}")
    tables = set(inspect(conn).get_table_names(schema=schema))
    for name in APPEND_ONLY + ADVANCE_ONLY + READ_ONLY:
        if name not in tables:
            continue
        allowed = {"SELECT"} | ({"INSERT"} if name in APPEND_ONLY else set()) \
            | ({"UPDATE"} if name in ADVANCE_ONLY else set())
        for right in ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES"):
            if right in allowed:
                continue
            if conn.execute(text("SELECT has_table_privilege(:r, :t, :p)"),
                            {"r": role, "t": f"{schema}.{name}", "p": right}).scalar_one():
                excess.append(f"{right} pada {name}")
    return excess


def grant(conn: Connection, role: str) -> list[str]:
    """Apply :func:`grant_statements` in the caller's transaction and check the result.

    Refused (RoleError, caller rolls back) when the role keeps a right it must not have,
    e.g. through a grant to PUBLIC that only a superuser can take back.
    """
    statements = grant_statements(conn, role)
    for statement in statements:
        conn.execute(text(statement))
    excess = excess_privileges(conn, role)
    if excess:
        raise RoleError(f"Peran {role!r} masih berhak: {', '.join(excess)} (lewat PUBLIC atau "
                        "peran lain); cabut dulu sebagai superuser, lihat "
                        "deployments/produksi.md")
    return statements
