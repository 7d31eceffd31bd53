"""Regenerate the initial migration from the models while nothing has been released.

Once a release exists, add new revisions with ``alembic revision --autogenerate`` instead.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from checker_console.store.db import make_engine
from checker_console.store.migrate import MIGRATIONS_DIR, alembic_config

versions = MIGRATIONS_DIR / "versions"
for old in versions.glob("0001_*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
    config = alembic_config(engine)
    command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
for new in versions.glob("0001_*.py"):
    new.rename(versions / "0001_initial_schema.py")
print("wrote", versions / "0001_initial_schema.py")
