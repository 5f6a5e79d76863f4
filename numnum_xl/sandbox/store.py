"""SQLite storage of the sandbox's contacts and idempotency keys (stdlib :mod:`sqlite3`).

One connection guarded by a lock serves every thread of the server; each write runs in its own
``BEGIN IMMEDIATE`` transaction, so that several sandbox processes may even share one file (WAL
mode, busy timeout). An ``Idempotency-Key`` is stored in the same transaction as the contact it
created, under a UNIQUE constraint: two racing POSTs with one key can never make two contacts.

>>> store = ContactStore(None)          # in memory
>>> c, created = store.create({"title": "Acme", "external_id": "K1"}, "key-1")
>>> created, c["title"], c["company_type"], c["id"] == store.get(c["id"])["id"]
(True, 'Acme', 'bedrijf', True)
>>> again, created = store.create({"title": "Acme", "external_id": "K1"}, "key-1")
>>> created, again["id"] == c["id"], store.count()
(False, True, 1)
>>> rows, total = store.list_page(1, 10, {"external_id": "K1"})
>>> total, [r["title"] for r in rows]
(1, ['Acme'])
>>> store.update(c["id"], {"title": "Acme NV"})["title"], store.delete(c["id"]), store.count()
('Acme NV', True, 0)
>>> store.close()
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from numnum_xl.sandbox.schema import (
    BOOL_FIELDS,
    INT_FIELDS,
    WRITABLE_FIELDS,
    new_contact_values,
)

#: Columns that the list endpoint filters on (exact match).
FILTER_FIELDS = ("external_id", "vat_id", "email")
_COLUMNS = ("id", *WRITABLE_FIELDS, "created_at", "updated_at")


class ValidationFailed(Exception):
    """A write was refused; ``errors`` maps field names to messages (the API's 406)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("invalid contact")
        self.errors = errors


def now_iso() -> str:
    """The current UTC time, ISO 8601 with microseconds (``2025-01-31T09:00:00.123456+00:00``)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _sql_type(field: str) -> str:
    if field in BOOL_FIELDS or field in INT_FIELDS:
        return "INTEGER"
    return "TEXT"


class ContactStore:
    """Contacts in one SQLite database (``path`` ``None``: in memory, for one process)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        target = ":memory:" if self.path is None else str(self.path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            target, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA busy_timeout = 30000")
            if self.path is not None:
                self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()

    # -- schema ----------------------------------------------------------------------------
    def _migrate(self) -> None:
        columns = ",\n".join(f"  {f} {_sql_type(f)}" for f in WRITABLE_FIELDS)
        with self._transaction():
            self._conn.execute(
                f"""CREATE TABLE IF NOT EXISTS contacts (
                  seq INTEGER PRIMARY KEY AUTOINCREMENT,
                  id TEXT NOT NULL UNIQUE,
                {columns},
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL)"""
            )
            have = {row["name"] for row in self._conn.execute("PRAGMA table_info(contacts)")}
            for field in WRITABLE_FIELDS:  # a database made by an older version
                if field not in have:
                    self._conn.execute(
                        f"ALTER TABLE contacts ADD COLUMN {field} {_sql_type(field)}"
                    )
            for field in (*FILTER_FIELDS, "import_batch"):
                self._conn.execute(
                    f"CREATE INDEX IF NOT EXISTS contacts_{field} ON contacts ({field})"
                )
            self._conn.execute(
                """CREATE TABLE IF NOT EXISTS idempotency_keys (
                  key TEXT PRIMARY KEY,
                  contact_id TEXT NOT NULL,
                  response TEXT NOT NULL,
                  created_at TEXT NOT NULL)"""
            )

    class _Tx:
        def __init__(self, store: ContactStore) -> None:
            self.store = store

        def __enter__(self) -> sqlite3.Connection:
            self.store._lock.acquire()
            try:
                self.store._conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.store._lock.release()
                raise
            return self.store._conn

        def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
            try:
                self.store._conn.execute("ROLLBACK" if exc_type else "COMMIT")
            finally:
                self.store._lock.release()

    def _transaction(self) -> ContactStore._Tx:
        """A write transaction (``BEGIN IMMEDIATE`` … ``COMMIT``/``ROLLBACK``) under the lock."""
        return ContactStore._Tx(self)

    # -- conversion ------------------------------------------------------------------------
    @staticmethod
    def _to_row(contact: dict[str, Any]) -> dict[str, Any]:
        row = dict(contact)
        for field in BOOL_FIELDS:
            if row.get(field) is not None:
                row[field] = int(row[field])
        row["contact_persons"] = json.dumps(row.get("contact_persons") or [], ensure_ascii=False)
        return row

    @staticmethod
    def _from_row(row: sqlite3.Row) -> dict[str, Any]:
        contact = {key: row[key] for key in _COLUMNS}
        for field in BOOL_FIELDS:
            if contact[field] is not None:
                contact[field] = bool(contact[field])
        contact["contact_persons"] = json.loads(contact["contact_persons"] or "[]")
        return contact

    def _select_one(self, conn: sqlite3.Connection, contact_id: str) -> dict[str, Any] | None:
        row = conn.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        return None if row is None else self._from_row(row)

    # -- operations ------------------------------------------------------------------------
    def replay(self, key: str) -> dict[str, Any] | None:
        """The contact created by an earlier POST with Idempotency-Key ``key``, or ``None``.

        The contact as it is now; if it has been deleted since, as it was created.
        """
        with self._lock:
            return self._replay(self._conn, key)

    def _replay(self, conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
        row = conn.execute(
            "SELECT contact_id, response FROM idempotency_keys WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        return self._select_one(conn, row["contact_id"]) or json.loads(row["response"])

    def create(
        self, values: dict[str, Any], idempotency_key: str | None = None
    ) -> tuple[dict[str, Any], bool]:
        """Store a new contact (``values``: checked writable fields).

        Returns ``(contact, created)``; ``created`` is False when ``idempotency_key`` was seen
        before, and the contact is the one that first request created.
        """
        contact = new_contact_values(values)
        stamp = now_iso()
        contact.update(created_at=stamp, updated_at=stamp)
        try:
            with self._transaction() as conn:
                if idempotency_key is not None:
                    earlier = self._replay(conn, idempotency_key)
                    if earlier is not None:
                        return earlier, False
                for _attempt in range(5):
                    contact["id"] = "ct_" + secrets.token_hex(8)
                    row = self._to_row(contact)
                    try:
                        conn.execute(
                            f"INSERT INTO contacts ({', '.join(_COLUMNS)}) "
                            f"VALUES ({', '.join(':' + c for c in _COLUMNS)})",
                            row,
                        )
                        break
                    except sqlite3.IntegrityError:  # an id collision: draw another
                        continue
                if idempotency_key is not None:
                    conn.execute(
                        "INSERT INTO idempotency_keys (key, contact_id, response, created_at) "
                        "VALUES (?, ?, ?, ?)",
                        (idempotency_key, contact["id"],
                         json.dumps(contact, ensure_ascii=False), stamp),
                    )
        except sqlite3.IntegrityError:
            # Only another process can get here (the lock serialises this one's threads): it
            # stored the same key first; our transaction was rolled back, answer with its contact.
            if idempotency_key is None:
                raise
            earlier = self.replay(idempotency_key)
            if earlier is None:
                raise
            return earlier, False
        return self._ordered(contact), True

    @staticmethod
    def _ordered(contact: dict[str, Any]) -> dict[str, Any]:
        return {key: contact.get(key) for key in _COLUMNS}

    def get(self, contact_id: str) -> dict[str, Any] | None:
        """One contact, or ``None``."""
        with self._lock:
            return self._select_one(self._conn, contact_id)

    def list_page(
        self, page: int, per_page: int, filters: dict[str, str] | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of contacts, oldest first (newest last), and the total that match."""
        where, params = "", []
        if filters:
            unknown = set(filters) - set(FILTER_FIELDS)
            if unknown:
                raise ValueError(f"cannot filter on {sorted(unknown)}")
            where = " WHERE " + " AND ".join(f"{k} = ?" for k in filters)
            params = list(filters.values())
        with self._lock:
            total = self._conn.execute(
                f"SELECT COUNT(*) FROM contacts{where}", params
            ).fetchone()[0]
            rows = self._conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM contacts{where} ORDER BY seq "
                "LIMIT ? OFFSET ?",
                [*params, per_page, (page - 1) * per_page],
            ).fetchall()
        return [self._from_row(r) for r in rows], total

    def update(
        self,
        contact_id: str,
        values: dict[str, Any],
        check: Callable[[dict[str, Any]], dict[str, list[str]]] | None = None,
    ) -> dict[str, Any] | None:
        """Overwrite the fields in ``values`` (the others stay); ``None`` if there is no such
        contact. ``check(merged_contact)`` may refuse the result: :class:`ValidationFailed`."""
        with self._transaction() as conn:
            current = self._select_one(conn, contact_id)
            if current is None:
                return None
            merged = {**current, **values}
            if check is not None:
                errors = check(merged)
                if errors:
                    raise ValidationFailed(errors)
            merged["updated_at"] = max(now_iso(), current["created_at"])
            row = self._to_row(merged)
            assignments = ", ".join(f"{c} = :{c}" for c in (*WRITABLE_FIELDS, "updated_at"))
            conn.execute(f"UPDATE contacts SET {assignments} WHERE id = :id", row)
            return self._ordered(merged)

    def delete(self, contact_id: str) -> bool:
        """Delete one contact; False if there was none."""
        with self._transaction() as conn:
            return conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,)).rowcount > 0

    def count(self) -> int:
        """How many contacts are stored."""
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0]

    def reset(self) -> None:
        """Delete every contact and every idempotency key."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM contacts")
            conn.execute("DELETE FROM idempotency_keys")

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()
