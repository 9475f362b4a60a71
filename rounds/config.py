"""Where Rounds finds its database, its content and its signing secret.

Everything comes from environment variables (or `.streamlit/secrets.toml`, read by the UI layer
and passed in); the defaults give a working embedded set-up with no configuration at all.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"


@dataclass(frozen=True)
class Settings:
    """The settings one app process runs with."""

    database_url: str
    content_dir: Path
    data_dir: Path
    secret_key: str
    public_url: str | None = None  # the address phones use, for join links and QR codes

    @property
    def public_url_is_https(self) -> bool:
        """Return whether the public address is https (cookies are then always Secure)."""
        return (self.public_url or "").lower().startswith("https://")


def default_database_url(data_dir: Path) -> str:
    """Return the embedded SQLite URL under the data folder."""
    return f"sqlite:///{data_dir / 'rounds.db'}"


def load_secret_key(data_dir: Path, configured: str | None = None) -> str:
    """Return the cookie-signing secret: configured, else one kept in the data folder.

    The kept secret is created once (mode 0600) so attestations survive restarts; several
    replicas must instead share one configured `ROUNDS_SECRET_KEY`.
    """
    if configured:
        return configured
    path = data_dir / "secret.key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def settings_from_env(env: dict[str, str] | None = None) -> Settings:
    """Build settings from `ROUNDS_*` environment variables, with embedded defaults."""
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("ROUNDS_DATA_DIR") or DEFAULT_DATA_DIR)
    return Settings(
        database_url=env.get("ROUNDS_DATABASE_URL") or default_database_url(data_dir),
        content_dir=Path(env.get("ROUNDS_CONTENT_DIR") or ROOT / "content"),
        data_dir=data_dir,
        secret_key=load_secret_key(data_dir, env.get("ROUNDS_SECRET_KEY")),
        public_url=env.get("ROUNDS_PUBLIC_URL") or None,
    )
