"""``checker-console bench NAME``: run ``bench/NAME.py``; it ends with ``RESULT key=value ...``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil

import bench


def _names() -> list[str]:
    return sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_")
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", choices=_names(), help="which benchmark")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="options for that benchmark")


def run(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"bench.{args.name}")
    return int(module.main(args.rest) or 0)
