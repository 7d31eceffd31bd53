"""``checker-console organisation add CODE NAME`` and ``organisation list``.

Invitations name their organisation by ODS code, and only registered organisations can invite:
register each one here first (the demo registers its fictional ones when it seeds).
"""

from __future__ import annotations

import argparse
import sys

from sqlmodel import select

from checker_console.services.intake.invitations import OrganisationRefused, register_organisation
from checker_console.store.db import get_engine, session_scope
from checker_console.store.migrate import migrate
from checker_console.store.models import Organisation


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="register an organisation (or rename it)")
    add.add_argument("code", help="its ODS code, e.g. RX1")
    add.add_argument("name", help="its name, e.g. 'Riverside University'")
    add.add_argument("--actor", default="cli", help="who is registering, for the audit log")
    actions.add_parser("list", help="list the registered organisations")


def run(args: argparse.Namespace) -> int:
    migrate(get_engine())
    with session_scope() as session:
        if args.action == "list":
            for org in session.exec(select(Organisation).order_by(Organisation.code)):
                print(f"{org.code}\t{org.name}")
            return 0
        try:
            org = register_organisation(session, code=args.code, name=args.name, actor=args.actor)
        except OrganisationRefused as refused:
            print(f"Not registered: {refused}.", file=sys.stderr)
            return 1
        print(f"Registered {org.code}: {org.name}")
    return 0
