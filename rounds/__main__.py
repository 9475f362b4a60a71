"""Command line for Rounds.

- `python -m rounds check [content_dir]` validates every content file;
- `python -m rounds hash-password` prints the value for `ROUNDS_EDUCATOR_PASSWORD_HASH`;
- `python -m rounds purge [--days N]` deletes participants older than the retention period;
- `python -m rounds backup FILE` / `restore FILE` copy the database out and back;
- `python -m rounds migrate` brings the database's schema to the newest migration (the app also
  does it at start-up); `python -m rounds new-migration "what changed"` writes a migration from
  the difference between `rounds/store/tables.py` and a database at the newest revision.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from rounds.config import ROOT, ConfigError, settings_from_env
from rounds.content.loader import load_catalog
from rounds.rules.educator import ENV_HASH, hash_password
from rounds.store.engine import migrate, new_migration, open_engine
from rounds.store.maintenance import backup, purge_older_than, restore


def check(content_dir: Path) -> int:
    """Print every problem in `content_dir`; return the exit status (1 if any)."""
    if not content_dir.is_dir():
        print(f"{content_dir}: not a folder", file=sys.stderr)
        return 2
    catalog = load_catalog(content_dir)
    for problem in catalog.problems:
        print(problem, file=sys.stderr)
    for warning in catalog.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"{len(catalog.modules)} module(s) valid, {len(catalog.broken_folders)} broken, "
        f"{len(catalog.problems)} problem(s), {len(catalog.warnings)} warning(s)"
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


def purge_command(days: int | None) -> int:
    """Delete participants older than the retention period; return the exit status."""
    days = days or settings_from_env().retention_days or 0
    if days < 1:
        print("say how many days to keep: --days N or ROUNDS_RETENTION_DAYS", file=sys.stderr)
        return 2
    engine = open_engine(settings_from_env().database_url)
    deleted = purge_older_than(engine, days)
    print(", ".join(f"{table}: {count}" for table, count in deleted.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="python -m rounds")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="validate content files")
    check_cmd.add_argument("content_dir", nargs="?", type=Path, default=ROOT / "content")
    commands.add_parser("hash-password", help="print the hash of an educator password")
    purge_cmd = commands.add_parser("purge", help="delete participants older than N days")
    purge_cmd.add_argument("--days", type=int, default=None)
    commands.add_parser("migrate", help="upgrade the database's schema (ROUNDS_DATABASE_URL)")
    new_cmd = commands.add_parser("new-migration", help="write a migration from tables.py")
    new_cmd.add_argument("message")
    for name, what in (("backup", "write a copy of"), ("restore", "replace from a copy")):
        sub = commands.add_parser(name, help=f"{what} the database (ROUNDS_DATABASE_URL)")
        sub.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    """Run one parsed command."""
    if args.command == "hash-password":
        return hash_password_command()
    if args.command == "purge":
        return purge_command(args.days)
    if args.command == "migrate":
        print(f"schema at revision {migrate(settings_from_env().database_url)}")
        return 0
    if args.command == "new-migration":
        print(new_migration(args.message))
        return 0
    if args.command == "backup":
        print(backup(settings_from_env().database_url, args.file))
        return 0
    if args.command == "restore":
        restore(settings_from_env().database_url, args.file)
        return 0
    return check(args.content_dir)


if __name__ == "__main__":
    sys.exit(main())
