"""``checker-console erase CASE``: erase an applicant's personal data on request.

For the data protection officer's approved requests, when the console is not to hand; a lead
can do the same from the case page. See ``services/retention/erasure.py`` for what goes.
"""

from __future__ import annotations

import argparse

from checker_console.adapters.blobs import get_blob_store
from checker_console.services.retention.erasure import ErasureRefused, erase_applicant
from checker_console.store.db import session_scope


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case", type=int, help="the number of any of the applicant's cases")
    parser.add_argument("--by", required=True, help="the team lead's CIS2 user id")
    parser.add_argument("--dpo-reference", required=True, help="the DPO's approval reference")
    parser.add_argument("--reason", required=True, help="why the data is erased")


def run(args: argparse.Namespace) -> int:
    try:
        with session_scope() as session:
            result = erase_applicant(
                session,
                get_blob_store(),
                case_id=args.case,
                lead_id=args.by,
                reason=args.reason,
                dpo_reference=args.dpo_reference,
            )
    except ErasureRefused as refused:
        print(f"Not erased: {refused.message}")
        return 1
    cases = ", ".join(str(c) for c in result.case_ids)
    print(
        f"Erased the applicant's personal data on case(s) {cases}; "
        f"{result.blobs_deleted} image file(s) deleted."
    )
    return 0
