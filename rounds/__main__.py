"""Command line: `python -m rounds check [content_dir]` validates every content file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rounds.config import ROOT
from rounds.content.loader import load_catalog


def check(content_dir: Path) -> int:
    """Print every problem in `content_dir`; return the exit status (1 if any)."""
    if not content_dir.is_dir():
        print(f"{content_dir}: not a folder", file=sys.stderr)
        return 2
    catalog = load_catalog(content_dir)
    for problem in catalog.problems:
        print(problem, file=sys.stderr)
    print(
        f"{len(catalog.modules)} module(s) valid, {len(catalog.broken_folders)} broken, "
        f"{len(catalog.problems)} problem(s)"
    )
    return 1 if catalog.problems else 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m rounds")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate content files")
    check_cmd.add_argument("content_dir", nargs="?", type=Path, default=ROOT / "content")
    args = parser.parse_args(argv)
    return check(args.content_dir)


if __name__ == "__main__":
    sys.exit(main())
