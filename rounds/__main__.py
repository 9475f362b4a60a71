"""Command line: `python -m rounds check [content_dir]` validates every content file;
`python -m rounds hash-password` prints the value for `ROUNDS_EDUCATOR_PASSWORD_HASH`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from rounds.config import ROOT
from rounds.content.loader import load_catalog
from rounds.educator import ENV_HASH, hash_password


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


def hash_password_command() -> int:
    """Read a password (prompted, or piped on stdin) and print its hash; return the status."""
    if sys.stdin.isatty():
        password = getpass.getpass("Educator password: ")
        if getpass.getpass("Again: ") != password:
            print("the passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("the password is empty", file=sys.stderr)
        return 1
    print(hash_password(password))
    print(
        f"set {ENV_HASH} to the line above (single-quoted in a shell: it holds $)", file=sys.stderr
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m rounds")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate content files")
    check_cmd.add_argument("content_dir", nargs="?", type=Path, default=ROOT / "content")
    commands.add_parser("hash-password", help="print the hash of an educator password")
    args = parser.parse_args(argv)
    if args.command == "hash-password":
        return hash_password_command()
    return check(args.content_dir)


if __name__ == "__main__":
    sys.exit(main())
