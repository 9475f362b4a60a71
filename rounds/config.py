"""Where Rounds finds its database, its content and its signing secret.

Everything comes from `ROUNDS_*` environment variables through one typed `Settings`
(pydantic-settings: a bad value is one clear error naming the variable); the educator password
may also come from `.streamlit/secrets.toml`, read by the UI layer. The defaults give a working
embedded set-up with no configuration at all.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from pydantic import PositiveInt, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "data"


class ConfigError(ValueError):
    """A configured value is not valid; the message names every bad variable."""


class Settings(BaseSettings):
    """The settings one app process runs with, from `ROUNDS_*` environment variables.

    Every variable is listed in README's Configuration table (a test checks it). Unset ones take
    the embedded defaults: SQLite and a kept secret under `data/`, the `content/` folder.
    """

    model_config = SettingsConfigDict(
        env_prefix="ROUNDS_", env_ignore_empty=True, extra="ignore", frozen=True
    )

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""  # empty: the embedded SQLite file under `data_dir`
    content_dir: Path = ROOT / "content"
    secret_key: str = ""  # empty: one created once and kept in `data_dir`
    public_url: str | None = None  # the address phones use, for join links and QR codes
    allowed_hosts: str | None = None  # comma-separated; none: this machine's own names only
    replica: str | None = None  # this replica's name, in an X-Rounds-Replica header
    retention_days: PositiveInt | None = None  # for `python -m rounds purge`

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value or None

    @model_validator(mode="after")
    def _embedded_defaults(self) -> Settings:
        if not self.database_url:
            object.__setattr__(self, "database_url", default_database_url(self.data_dir))
        if not self.secret_key:
            object.__setattr__(self, "secret_key", load_secret_key(self.data_dir))
        return self

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


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `ROUNDS_*` environment variables (`env`, else the process's own).

    Raises `ConfigError` naming every variable whose value is not valid.
    """
    values = {
        key.removeprefix("ROUNDS_").lower(): value
        for key, value in (os.environ if env is None else env).items()
        if key.startswith("ROUNDS_") and value != ""
    }
    try:
        # From the given mapping only: the process's environment must not fill in the rest.
        return Settings.model_validate(values) if env is not None else Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"ROUNDS_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in error.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
