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


def _env_percent(name: str, default: int) -> int:
    value = _env_int(name, default)
    if not 0 <= value <= 100:
        raise ValueError(f"{name} must be a percentage from 0 to 100, not {value}")
    return value


def _env_codes(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated list of CIS2 codes, e.g. ``B0267,R5080``."""
    raw = os.environ.get(name)
    text = default if raw is None else raw
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def _env_list(name: str, default: str) -> tuple[str, ...]:
    raw = os.environ.get(name)
    text = default if raw is None else raw
    return tuple(item.strip() for item in text.split(",") if item.strip())


#: The demo's GOV.UK Notify key (``{name}-{service id}-{secret}``); the Notify stand-in accepts it.
DEMO_NOTIFY_API_KEY = (
    "checker_console_demo-7c6c8e0a-2a1b-4d8e-9f3c-0d5b1c2e3f40-5f0e1d2c-3b4a-4968-8776-a5b4c3d2e1f0"
)


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
    # Downstream: CIM profile creation and notifications through the outbox
    # (services/downstream/outbox.py).
    cim_api_key: str = "demo-cim-api-key"
    cim_timeout_ms: int = 5000
    cim_retries: int = 3
    cim_backoff_ms: int = 200
    notify_base_url: str = "http://127.0.0.1:8703"
    notify_api_key: str = DEMO_NOTIFY_API_KEY
    #: GOV.UK Notify template ids; the defaults are the Notify stand-in's templates.
    notify_template_profile_created: str = "0f6a3c52-6f0e-4b8c-9a51-2c4f1e7d9b01"
    notify_template_rejected: str = "0f6a3c52-6f0e-4b8c-9a51-2c4f1e7d9b02"
    notify_template_ra_reinvite: str = "0f6a3c52-6f0e-4b8c-9a51-2c4f1e7d9b03"
    #: Where the inviting RA hears about a rejection; ``{org_code}`` is the organisation's code.
    ra_email_template: str = "ra.{org_code}@example.org"
    outbox_max_attempts: int = 8
    outbox_backoff_ms: int = 2000
    outbox_lease_seconds: int = 120
    outbox_poll_ms: int = 200
    worker_concurrency: int = 8
    #: How much lower than the web workers ``checker-console worker`` runs (0: the same, 19:
    #: the lowest). Its face comparer, which uses a whole core while a cohort's cases arrive,
    #: runs only on idle CPU whatever this says.
    worker_niceness: int = 10
    #: Run the outbox worker inside the app (embedded default); scale mode runs `worker` apart.
    embedded_worker: bool = True
    #: Faults the stand-ins start with, as JSON (see standins/faults.py), e.g. {"fault_rate": 0.3}.
    standin_faults: str = ""
    #: Sign-in sessions end after this long without activity, and after this long in any case.
    session_idle_minutes: int = 15
    session_max_hours: int = 12
    # Sign-in with NHS CIS2 (web/oidc.py). Redirect URI: app_url + /auth/cis2/callback.
    cis2_client_id: str = "checker-console-demo"
    cis2_scopes: str = "openid profile email nationalrbacaccess selectedrole"
    #: Authentication assurance level a user must have signed in at (3: smartcard and the like).
    cis2_min_aal: int = 3
    #: Our private_key_jwt signing key (a private JWK), made on first use; never commit it.
    cis2_client_key_path: Path = Path("data/keys/cis2-client-key.json")
    #: CIS2 activity or role codes of the selected role that give each console role.
    cis2_checker_codes: tuple[str, ...] = ("B0267",)
    cis2_lead_codes: tuple[str, ...] = ("R5080",)
    cis2_qa_codes: tuple[str, ...] = ("B0268",)
    # The review workspace (ui/pages/review*.py, services/queue/reservations.py).
    #: Overrides ``lease_minutes`` when above 0: for tests that watch a lease run out.
    lease_seconds: int = 0
    #: How often an open review page renews its lease (well inside the lease).
    heartbeat_seconds: int = 60
    #: Reserve each checker's likely next case and load its images while they work.
    prefetch: bool = True
    #: How long a reservation lives without a heartbeat renewing it.
    reservation_seconds: int = 150
    # Retention (services/retention/, domain/retention.py): what is kept, and for how long.
    #: Keep each upload byte for byte, EXIF and GPS included (off: a metadata-free copy).
    keep_original_metadata: bool = False
    #: Days after the decision that a case's images are kept, by how the case ended.
    retain_approved_days: int = 90
    retain_rejected_days: int = 180
    retain_referred_days: int = 365
    #: Days after its expiry that an invitation nobody answered is kept.
    unsubmitted_invitation_days: int = 30
    #: Cases purged per transaction, and how often the background purge runs.
    purge_batch: int = 50
    purge_interval_seconds: int = 3600
    # Quality assurance (services/oversight/sampling.py, golden.py). Shares are percentages.
    #: A random share of each checker's decisions drawn for QA replay.
    qa_sample_percent: int = 10
    #: Every decision of a checker's first N is drawn.
    qa_first_decisions: int = 50
    #: Every decision on a referred case (a referral resolution) is drawn.
    qa_every_referral_resolution: bool = True
    #: The share of approvals drawn when an aid flagged something (MRZ, expiry, mismatch).
    qa_flagged_approval_percent: int = 50
    #: Seed for the draws: the same seed and decisions draw the same cases. Empty: unpredictable.
    qa_seed: str = ""
    #: One golden case in this many cases in the live queue; 0 turns golden cases off.
    golden_one_in: int = 0
    # The face-similarity aid (services/review/face_match.py). Biometric processing: a real
    # deployment turns it on only once its DPIA allows it.
    #: Compare the photo ID's face with the selfie's in the background, and show the aid.
    face_match: bool = False
    #: How long the background comparer waits when nothing is waiting to be compared.
    face_match_poll_seconds: int = 5
    # Scale mode (README "Scale mode"): object storage, server workers, metrics, logs.
    #: S3 bucket for identity images; unset keeps them on local disk under ``blob_dir``.
    s3_bucket: str | None = None
    #: An S3-compatible server's URL (MinIO, Ceph, a local S3 server); unset means AWS itself.
    s3_endpoint_url: str | None = None
    s3_region: str | None = "eu-west-2"
    s3_prefix: str = "blobs"
    #: Server-side encryption requested on every object: AES256, aws:kms or aws:kms:dsse.
    s3_sse: str = "AES256"
    s3_kms_key_id: str | None = None
    #: Console server worker processes (Reflex runs one without Redis).
    web_workers: int = 1
    #: Who may read /metrics: client addresses or networks, comma-separated.
    metrics_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    #: A bearer token that also lets a scraper read /metrics from elsewhere; unset: none.
    metrics_token: str | None = None
    #: How often the leader returns cases with run-out leases to the queue.
    lease_sweep_seconds: float = 15.0
    #: How often a standby asks to lead the background work (and the leader checks it still does).
    leader_retry_seconds: float = 5.0
    #: Database connections per process: pool size and overflow (both per server worker).
    db_pool_size: int = 20
    db_max_overflow: int = 20
    #: Port for ``checker-console worker``'s own /metrics; 0: none.
    worker_metrics_port: int = 0
    #: Log format: "json" (one event per line, scale mode) or "text".
    log_format: str = "text"
    #: How long after a decision its checker may undo it; its outbox messages wait that long.
    undo_seconds: int = 10
    # Dashboard rollups (services/oversight/rollups.py): closed London days' decision figures.
    #: How long a London day must have been over before its figures are rolled up.
    rollup_settle_minutes: int = 60
    #: How often the background job rolls up the days that have settled.
    rollup_interval_seconds: int = 900

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    """Build settings from the environment (uncached: tests change the environment)."""
    data_dir = Path(_env("CHECKER_DATA_DIR", "data")).resolve()
    database_url = _env("DATABASE_URL", f"sqlite:///{data_dir / 'checker.db'}")
    redis_url = os.environ.get("CHECKER_REDIS_URL") or None
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
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
        redis_url=redis_url,
        app_url=_env("CHECKER_APP_URL", "http://localhost:3000"),
        cim_base_url=_env("CHECKER_CIM_BASE_URL", "http://127.0.0.1:8701"),
        cim_api_key=_env("CHECKER_CIM_API_KEY", "demo-cim-api-key"),
        cim_timeout_ms=_env_int("CHECKER_CIM_TIMEOUT_MS", 5000),
        cim_retries=_env_int("CHECKER_CIM_RETRIES", 3),
        cim_backoff_ms=_env_int("CHECKER_CIM_BACKOFF_MS", 200),
        notify_base_url=_env("CHECKER_NOTIFY_BASE_URL", "http://127.0.0.1:8703"),
        notify_api_key=_env("CHECKER_NOTIFY_API_KEY", DEMO_NOTIFY_API_KEY),
        notify_template_profile_created=_env(
            "CHECKER_NOTIFY_TEMPLATE_PROFILE_CREATED", "0f6a3c52-6f0e-4b8c-9a51-2c4f1e7d9b01"
        ),
        notify_template_rejected=_env(
            "CHECKER_NOTIFY_TEMPLATE_REJECTED", "0f6a3c52-6f0e-4b8c-9a51-2c4f1e7d9b02"
        ),
        notify_template_ra_reinvite=_env(
            "CHECKER_NOTIFY_TEMPLATE_RA_REINVITE", "0f6a3c52-6f0e-4b8c-9a51-2c4f1e7d9b03"
        ),
        ra_email_template=_env("CHECKER_RA_EMAIL_TEMPLATE", "ra.{org_code}@example.org"),
        outbox_max_attempts=_env_int("CHECKER_OUTBOX_MAX_ATTEMPTS", 8),
        outbox_backoff_ms=_env_int("CHECKER_OUTBOX_BACKOFF_MS", 2000),
        outbox_lease_seconds=_env_int("CHECKER_OUTBOX_LEASE_SECONDS", 120),
        outbox_poll_ms=_env_int("CHECKER_OUTBOX_POLL_MS", 200),
        worker_concurrency=_env_int("CHECKER_WORKER_CONCURRENCY", 8),
        worker_niceness=_env_int("CHECKER_WORKER_NICENESS", 10),
        embedded_worker=_env_bool("CHECKER_EMBEDDED_WORKER", database_url.startswith("sqlite")),
        standin_faults=_env("CHECKER_STANDIN_FAULTS", ""),
        session_idle_minutes=_env_int("CHECKER_SESSION_IDLE_MINUTES", 15),
        session_max_hours=_env_int("CHECKER_SESSION_MAX_HOURS", 12),
        cis2_issuer=_env("CHECKER_CIS2_ISSUER", "http://127.0.0.1:8702"),
        cis2_client_id=_env("CHECKER_CIS2_CLIENT_ID", "checker-console-demo"),
        cis2_scopes=_env(
            "CHECKER_CIS2_SCOPES", "openid profile email nationalrbacaccess selectedrole"
        ),
        cis2_min_aal=_env_int("CHECKER_CIS2_MIN_AAL", 3),
        cis2_client_key_path=Path(
            _env("CHECKER_CIS2_CLIENT_KEY", str(data_dir / "keys" / "cis2-client-key.json"))
        ).resolve(),
        cis2_checker_codes=_env_codes("CHECKER_CIS2_CHECKER_CODES", "B0267"),
        cis2_lead_codes=_env_codes("CHECKER_CIS2_LEAD_CODES", "R5080"),
        cis2_qa_codes=_env_codes("CHECKER_CIS2_QA_CODES", "B0268"),
        lease_seconds=_env_int("CHECKER_LEASE_SECONDS", 0),
        heartbeat_seconds=_env_int("CHECKER_HEARTBEAT_SECONDS", 60),
        prefetch=_env_bool("CHECKER_PREFETCH", True),
        reservation_seconds=_env_int("CHECKER_RESERVATION_SECONDS", 150),
        keep_original_metadata=_env_bool("CHECKER_KEEP_ORIGINAL_METADATA", False),
        retain_approved_days=_env_int("CHECKER_RETAIN_APPROVED_DAYS", 90),
        retain_rejected_days=_env_int("CHECKER_RETAIN_REJECTED_DAYS", 180),
        retain_referred_days=_env_int("CHECKER_RETAIN_REFERRED_DAYS", 365),
        unsubmitted_invitation_days=_env_int("CHECKER_UNSUBMITTED_INVITATION_DAYS", 30),
        purge_batch=_env_int("CHECKER_PURGE_BATCH", 50),
        purge_interval_seconds=_env_int("CHECKER_PURGE_INTERVAL_SECONDS", 3600),
        qa_sample_percent=_env_percent("CHECKER_QA_SAMPLE_PERCENT", 10),
        qa_first_decisions=max(0, _env_int("CHECKER_QA_FIRST_DECISIONS", 50)),
        qa_every_referral_resolution=_env_bool("CHECKER_QA_EVERY_REFERRAL_RESOLUTION", True),
        qa_flagged_approval_percent=_env_percent("CHECKER_QA_FLAGGED_APPROVAL_PERCENT", 50),
        qa_seed=_env("CHECKER_QA_SEED", ""),
        golden_one_in=max(0, _env_int("CHECKER_GOLDEN_ONE_IN", 0)),
        face_match=_env_bool("CHECKER_FACE_MATCH", _env_bool("CHECKER_DEMO_MODE", True)),
        face_match_poll_seconds=_env_int("CHECKER_FACE_MATCH_POLL_SECONDS", 5),
        s3_bucket=os.environ.get("CHECKER_S3_BUCKET") or None,
        s3_endpoint_url=os.environ.get("CHECKER_S3_ENDPOINT_URL") or None,
        s3_region=_env("CHECKER_S3_REGION", "eu-west-2") or None,
        s3_prefix=_env("CHECKER_S3_PREFIX", "blobs"),
        s3_sse=_env("CHECKER_S3_SSE", "AES256"),
        s3_kms_key_id=os.environ.get("CHECKER_S3_KMS_KEY_ID") or None,
        web_workers=_env_int("CHECKER_WEB_WORKERS", 1),
        metrics_allow=_env_list("CHECKER_METRICS_ALLOW", "127.0.0.1/32,::1/128"),
        metrics_token=os.environ.get("CHECKER_METRICS_TOKEN") or None,
        lease_sweep_seconds=float(_env("CHECKER_LEASE_SWEEP_SECONDS", "15") or 15),
        leader_retry_seconds=float(_env("CHECKER_LEADER_RETRY_SECONDS", "5") or 5),
        db_pool_size=_env_int("CHECKER_DB_POOL_SIZE", 20),
        db_max_overflow=_env_int("CHECKER_DB_MAX_OVERFLOW", 20),
        worker_metrics_port=_env_int("CHECKER_WORKER_METRICS_PORT", 0),
        log_format=_env("CHECKER_LOG_FORMAT", "json" if redis_url else "text"),
        undo_seconds=_env_int("CHECKER_UNDO_SECONDS", 10),
        rollup_settle_minutes=_env_int("CHECKER_ROLLUP_SETTLE_MINUTES", 60),
        rollup_interval_seconds=_env_int("CHECKER_ROLLUP_INTERVAL_SECONDS", 900),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; call ``get_settings.cache_clear()`` after changing the env."""
    return load_settings()
