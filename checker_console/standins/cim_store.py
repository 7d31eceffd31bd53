"""The CIM stand-in's own persistent store: a SQLite file that outlives the stand-in's process.

It is deliberately separate from the console's database: the point of the stand-in is to be
"somebody else's system", so the exactly-once test counts profiles here, not in our tables.

Two rules make profile creation safe to repeat, both enforced inside one write transaction:
a known idempotency key answers with the profile it created (if the request is the same), and a
second person with the same NI number and date of birth is refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profile (
    uuid TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    fingerprint TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    email TEXT NOT NULL,
    ni_number TEXT NOT NULL,
    verified_by TEXT NOT NULL,
    organisation_code TEXT NOT NULL,
    photo BLOB NOT NULL,
    photo_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (ni_number, date_of_birth)
);
CREATE TABLE IF NOT EXISTS request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    outcome TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class NewProfile:
    given_name: str
    family_name: str
    date_of_birth: str  # ISO date
    email: str
    ni_number: str
    verified_by: str
    organisation_code: str
    photo: bytes

    def fingerprint(self) -> str:
        """What must match for a repeated key to count as the same request."""
        identity = [self.given_name, self.family_name, self.date_of_birth, self.ni_number]
        return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


@dataclass(frozen=True)
class Profile:
    uuid: str
    given_name: str
    family_name: str
    date_of_birth: str
    email: str
    ni_number: str
    verified_by: str
    organisation_code: str
    photo_sha256: str
    created_at: str
    idempotency_key: str

    def public(self) -> dict[str, str]:
        """The profile as CIM answers it: everything but the key and the photo bytes."""
        return {k: v for k, v in self.__dict__.items() if k != "idempotency_key"}


@dataclass(frozen=True)
class Created:
    profile: Profile
    replayed: bool


class DuplicatePerson(Exception):
    def __init__(self, existing_uuid: str) -> None:
        super().__init__(f"a profile already exists for this person: {existing_uuid}")
        self.existing_uuid = existing_uuid


class IdempotencyKeyReused(Exception):
    """The key was used before for a different person: a bug in the caller, never retried."""


_COLUMNS = (
    "uuid, given_name, family_name, date_of_birth, email, ni_number, verified_by, "
    "organisation_code, photo_sha256, created_at, idempotency_key"
)


class CimStore:
    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def create_profile(self, key: str, new: NewProfile) -> Created:
        """Create a profile once per key; raises DuplicatePerson or IdempotencyKeyReused."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                created = self._create(key, new)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute(
                "INSERT INTO request_log (at, idempotency_key, outcome) VALUES (?, ?, ?)",
                (_now(), key, "replayed" if created.replayed else "created"),
            )
            self._db.execute("COMMIT")
            return created

    def _create(self, key: str, new: NewProfile) -> Created:
        row = self._db.execute(
            f"SELECT {_COLUMNS}, fingerprint FROM profile WHERE idempotency_key = ?", (key,)
        ).fetchone()
        if row is not None:
            if row[-1] != new.fingerprint():
                raise IdempotencyKeyReused(key)
            return Created(Profile(*row[:-1]), replayed=True)
        existing = self._db.execute(
            "SELECT uuid FROM profile WHERE ni_number = ? AND date_of_birth = ?",
            (new.ni_number, new.date_of_birth),
        ).fetchone()
        if existing is not None:
            raise DuplicatePerson(existing[0])
        profile = Profile(
            uuid=self._new_uuid(),
            given_name=new.given_name,
            family_name=new.family_name,
            date_of_birth=new.date_of_birth,
            email=new.email,
            ni_number=new.ni_number,
            verified_by=new.verified_by,
            organisation_code=new.organisation_code,
            photo_sha256=hashlib.sha256(new.photo).hexdigest(),
            created_at=_now(),
            idempotency_key=key,
        )
        self._db.execute(
            f"INSERT INTO profile ({_COLUMNS}, fingerprint, photo) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*profile.__dict__.values(), new.fingerprint(), new.photo),
        )
        return Created(profile, replayed=False)

    def _new_uuid(self) -> str:
        """A random 12-digit UUID, as CIS issues them (no leading zero, never reused)."""
        while True:
            candidate = str(secrets.randbelow(9 * 10**11) + 10**11)
            if self._db.execute("SELECT 1 FROM profile WHERE uuid = ?", (candidate,)).fetchone():
                continue
            return candidate

    def get(self, uuid: str) -> Profile | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM profile WHERE uuid = ?", (uuid,))
            found = row.fetchone()
        return Profile(*found) if found else None

    def photo(self, uuid: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT photo FROM profile WHERE uuid = ?", (uuid,)).fetchone()
        return bytes(row[0]) if row else None

    def profiles(self) -> list[Profile]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM profile ORDER BY created_at, uuid")
            return [Profile(*row) for row in rows.fetchall()]

    def stats(self) -> dict[str, int]:
        with self._lock:
            profiles = self._db.execute("SELECT COUNT(*) FROM profile").fetchone()[0]
            outcomes = dict(
                self._db.execute(
                    "SELECT outcome, COUNT(*) FROM request_log GROUP BY outcome"
                ).fetchall()
            )
        return {"profiles": profiles, **{f"requests_{k}": v for k, v in outcomes.items()}}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
