"""What every content model is made of: strict read-only models, keys, texts, unique lists."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
Text = Annotated[str, Field(min_length=1, max_length=5000)]


class Strict(BaseModel):
    """Base for content models: unknown fields are rejected and the models are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _duplicates(keys: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({k for k in keys if k in seen or seen.add(k)})


def require_unique(keys: list[str], what: str) -> None:
    dupes = _duplicates(keys)
    if dupes:
        raise ValueError(f"{what} used more than once: {', '.join(dupes)}")


def unique_keys(what: str) -> AfterValidator:
    """Return a validator that rejects a list whose items' `key`s repeat."""

    def check(items: list) -> list:
        require_unique([item.key for item in items], what)
        return items

    return AfterValidator(check)
