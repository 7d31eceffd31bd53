"""RSA signing keys kept as JWK files: the console's client key, and the CIS2 stand-in's.

Private keys live only in the data folder (never in the repository); the public halves are
published as a JWKS document for the other side to check signatures with.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey

#: CIS2 signs with RS512 and expects client assertions signed with it.
SIGNING_ALG = "RS512"


def load_or_create_signing_key(path: Path) -> RSAKey:
    """Our private RSA key as a JWK file, made on first use and readable only by us.

    Written to a temporary file and linked into place, so two workers starting at once end up
    with the same key, never with one reading the other's half-written file.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = RSAKey.generate_key(
            2048,
            parameters={"use": "sig", "alg": SIGNING_ALG},
            private=True,
            auto_kid=True,
        )
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(key.as_dict(private=True), handle)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race: use its key
        finally:
            temporary.unlink()
    return RSAKey.import_key(json.loads(path.read_text()))


def public_jwks(*keys: RSAKey) -> dict[str, Any]:
    """The public halves as a JWKS document, for ``/.well-known/jwks.json``."""
    return {"keys": [key.as_dict(private=False) for key in keys]}
