"""``checker-console invite FILE.csv``: import an RA's cohort of invitations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checker_console.services.intake.invitations import InvitationFileRefused, import_invitations
from checker_console.store.db import get_engine, session_scope
from checker_console.store.migrate import migrate


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        help="CSV with columns given_name, family_name, "
        "date_of_birth (YYYY-MM-DD), email, mobile, org_code, cohort",
    )
    parser.add_argument("--actor", default="cli", help="who is importing, for the audit log")


def run(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        print(f"No file at {args.file}: check the path.", file=sys.stderr)
        return 2
    except UnicodeDecodeError:
        print(
            f"{args.file} is not UTF-8 text: save it from your spreadsheet as 'CSV UTF-8'.",
            file=sys.stderr,
        )
        return 2
    migrate(get_engine())
    try:
        with session_scope() as session:
            report = import_invitations(session, text, actor=args.actor)
    except InvitationFileRefused as refused:
        print(f"Nothing imported. {refused}", file=sys.stderr)
        return 2
    for error in report.errors:
        print(f"line {error.line}: {error.reason}", file=sys.stderr)
    print(
        f"Imported {report.imported} invitation(s); {report.already_imported} already imported; "
        f"{len(report.errors)} row(s) refused."
    )
    return 1 if report.errors else 0
