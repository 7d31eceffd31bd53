"""``checker-console verify-audit``: walk the audit chain and report any tampering."""

from __future__ import annotations

import argparse

from checker_console.services.audit import verify_audit_chain
from checker_console.store.db import session_scope


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    with session_scope() as session:
        result = verify_audit_chain(session)
    if result.ok:
        print(f"Audit log intact: {result.events_checked} events verified.")
        return 0
    for chain_break in result.breaks[:20]:
        print(f"Event {chain_break.sequence}: {chain_break.reason}")
    print(
        f"Audit log tampered with: {len(result.breaks)} problem(s) "
        f"in {result.events_checked} events."
    )
    return 1
