"""Shared fixtures: a fresh database per test on SQLite, and on PostgreSQL when asked for.

``engine`` is parametrised: every test that uses it runs on SQLite, and again on the real
PostgreSQL named by TEST_DATABASE_URL. The PostgreSQL run creates a database of its own and
drops it at the end, so concurrent runs never see each other's rows. With
CHECKER_REQUIRE_POSTGRES=1 (CI sets it) a missing or unreachable PostgreSQL is an error.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.settings import get_settings
from checker_console.store.db import make_engine
from checker_console.store.migrate import ensure_audit_head, migrate

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("CHECKER_REQUIRE_POSTGRES") == "1"


def _backends() -> list[object]:
    postgres_marks = [pytest.mark.postgres]
    if not TEST_DATABASE_URL and not REQUIRE_POSTGRES:
        postgres_marks.append(pytest.mark.skip(reason="set TEST_DATABASE_URL to run on PostgreSQL"))
    return ["sqlite", pytest.param("postgres", marks=postgres_marks)]


@pytest.fixture(autouse=True)
def no_undo_window(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A decision holds its outbox messages back for its undo window (10 s by default). Tests
    about anything else see them due at once; tests of the window set CHECKER_UNDO_SECONDS
    themselves. (The browser tests' consoles are started with the default window.)"""
    monkeypatch.setenv("CHECKER_UNDO_SECONDS", "0")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database made for this test session, migrated, dropped afterwards."""
    if not TEST_DATABASE_URL:
        pytest.fail(
            "CHECKER_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: "
            "point it at a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/test"
        )
    admin_url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    name = f"checker_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.fail(f"cannot create a test database on {admin_url!r}: {exc}")
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        ensure_audit_head(connection)


@pytest.fixture(params=_backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "checker.db"
        shutil.copy(template, path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
    else:
        url = request.getfixturevalue("postgres_url")
        engine = make_engine(url)
        _truncate_all(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the settings at a throwaway data folder for code that reads them itself."""
    monkeypatch.setenv("CHECKER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real S3 API (moto's server mode) on a free port for this test session."""
    from tests.support.s3 import running_moto_server

    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with running_moto_server(log_path) as url:
        yield url


@pytest.fixture
def s3_settings(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Settings that select the S3 blob store on a fresh bucket; yields the bucket's name."""
    from checker_console.adapters.blobs import _s3_store
    from tests.support.s3 import TEST_AWS_ENV, make_bucket

    for name, value in TEST_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    bucket = make_bucket(s3_server)
    monkeypatch.setenv("CHECKER_S3_BUCKET", bucket)
    monkeypatch.setenv("CHECKER_S3_ENDPOINT_URL", s3_server)
    monkeypatch.setenv("CHECKER_S3_REGION", "eu-west-2")
    get_settings.cache_clear()
    _s3_store.cache_clear()
    yield bucket
    get_settings.cache_clear()
    _s3_store.cache_clear()
