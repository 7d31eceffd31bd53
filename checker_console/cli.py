"""The one entry point: ``checker-console COMMAND``.

Each command lives in its own module with ``configure(parser)`` and ``run(args) -> int``; only the
chosen one is imported, so ``checker-console seed`` never pays for loading the web app.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "checker_console.commands.serve",
        "migrate, seed sample cases if empty, serve on :3000",
    ),
    "serve": ("checker_console.commands.serve", "migrate and serve the console"),
    "scale-demo": (
        "checker_console.commands.scale_demo",
        "scale mode here: PostgreSQL, Redis, S3 server, worker, N console workers",
    ),
    "migrate": ("checker_console.commands.migrate", "apply database migrations"),
    "seed": ("checker_console.sample.command", "generate synthetic sample cases"),
    "golden": (
        "checker_console.sample.golden_command",
        "add golden (known-answer) cases to the queue up to CHECKER_GOLDEN_ONE_IN",
    ),
    "invite": ("checker_console.commands.invite", "import RA invitations from a CSV file"),
    "organisation": (
        "checker_console.commands.organisation",
        "register an organisation by ODS code (add CODE NAME), or list them",
    ),
    "verify-audit": ("checker_console.commands.verify_audit", "check the audit log's hash chain"),
    "bench": ("checker_console.commands.bench", "run a benchmark from bench/"),
    "purge": ("checker_console.commands.purge", "delete images past the retention window"),
    "erase": ("checker_console.commands.erase", "erase an applicant's personal data on request"),
    "rollups": (
        "checker_console.commands.rollups",
        "roll up the dashboard's closed days, or count some again",
    ),
    "worker": ("checker_console.commands.worker", "send profile requests and emails (outbox)"),
    "standin-cim": ("checker_console.commands.standins", "run the CIM stand-in"),
    "standin-notify": ("checker_console.commands.standins", "run the GOV.UK Notify stand-in"),
    "standin-cis2": ("checker_console.commands.standin_cis2", "run the NHS CIS2 sign-in stand-in"),
}


def _usage() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = ["usage: checker-console COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<{width}}  {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "checker-console COMMAND --help shows a command's options."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name = args[0]
    if name not in COMMANDS:
        print(f"checker-console: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    parser = argparse.ArgumentParser(prog=f"checker-console {name}", description=COMMANDS[name][1])
    module.configure(parser, name) if _takes_name(module.configure) else module.configure(parser)
    parsed = parser.parse_args(args[1:])
    parsed.command = name
    try:
        return int(module.run(parsed) or 0)
    except KeyboardInterrupt:  # Ctrl+C: stop quietly, whatever the command was doing
        print("Stopped.", file=sys.stderr, flush=True)
        return 130


def _takes_name(func: object) -> bool:
    code = getattr(func, "__code__", None)
    return bool(code and code.co_argcount >= 2)


if __name__ == "__main__":
    raise SystemExit(main())
