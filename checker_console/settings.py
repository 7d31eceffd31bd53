"""Settings read from the environment, so one codebase runs embedded or at scale.

Every setting has an embedded default that works on a laptop with nothing installed:
SQLite and blobs under ``data/``. Scale mode only changes environment variables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    blob_dir: Path
    intake_token: str
    demo_mode: bool
    demo_user: str
    max_upload_bytes: int
    max_image_pixels: int
    preview_px: int
    thumbnail_px: int
    sla_working_days: int
    lease_minutes: int
    redis_url: str | None
    app_url: str
    cim_base_url: str
    cis2_issuer: str
    timezone: str = "Europe/London"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    """Build settings from the environment (uncached: tests change the environment)."""
    data_dir = Path(_env("CHECKER_DATA_DIR", "data")).resolve()
    default_db = f"sqlite:///{data_dir / 'checker.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL", default_db),
        blob_dir=Path(_env("CHECKER_BLOB_DIR", str(data_dir / "blobs"))).resolve(),
        intake_token=_env("CHECKER_INTAKE_TOKEN", "demo-intake-token"),
        demo_mode=_env_bool("CHECKER_DEMO_MODE", True),
        demo_user=_env("CHECKER_DEMO_USER", "checker.one"),
        max_upload_bytes=_env_int("CHECKER_MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
        max_image_pixels=_env_int("CHECKER_MAX_IMAGE_PIXELS", 50_000_000),
        preview_px=_env_int("CHECKER_PREVIEW_PX", 1600),
        thumbnail_px=_env_int("CHECKER_THUMBNAIL_PX", 320),
        sla_working_days=_env_int("CHECKER_SLA_WORKING_DAYS", 2),
        lease_minutes=_env_int("CHECKER_LEASE_MINUTES", 10),
        redis_url=os.environ.get("CHECKER_REDIS_URL") or None,
        app_url=_env("CHECKER_APP_URL", "http://localhost:3000"),
        cim_base_url=_env("CHECKER_CIM_BASE_URL", "http://127.0.0.1:8701"),
        cis2_issuer=_env("CHECKER_CIS2_ISSUER", "http://127.0.0.1:8702"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; call ``get_settings.cache_clear()`` after changing the env."""
    return load_settings()
