"""Read `content/`: the site file and one folder per module, reporting every problem at once.

A broken module never takes the others down: `load_catalog` returns the good modules and a list
of `Problem`s (file, field, message) for the broken ones, which the app shows as error cards and
`python -m rounds check` prints.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from rounds.content.schema import Module, Site

# `[@key]`, or several works at once: `[@one; @two]`.
CITATION = re.compile(r"\[(@[a-z0-9][a-z0-9_-]*(?:\s*;\s*@[a-z0-9][a-z0-9_-]*)*)\]")
MODULE_FILE = "module.yaml"
SITE_FILE = "site.yaml"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class LoadedModule:
    """A valid module with its article body (citations already numbered)."""

    module: Module
    body: str
    folder: str


@dataclass
class Catalog:
    """Everything found under `content/`: the site texts, the valid modules and the problems."""

    site: Site | None
    modules: dict[str, LoadedModule] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken_folders: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # worth fixing, not breaking

    def get(self, slug: str | None) -> LoadedModule | None:
        """Return the module with this slug, or None (never raises on odd input)."""
        return self.modules.get(slug) if isinstance(slug, str) else None

    def by_join_code(self, code: str | None) -> LoadedModule | None:
        """Return the module whose `join_code` is `code`, or None (never raises on odd input)."""
        if not isinstance(code, str) or not code:
            return None
        return next((m for m in self.modules.values() if m.module.join_code == code), None)

    def available(self, today: dt.date) -> dict[str, LoadedModule]:
        """Return the modules a learner may find on `today`: those not yet expired."""
        return {s: m for s, m in self.modules.items() if not m.module.is_expired(today)}

    def first(self) -> LoadedModule | None:
        """Return the first module in catalog order, if any."""
        return next(iter(self.modules.values()), None)


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _read_yaml(path: Path, shown: str) -> tuple[object, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(shown, "", "file is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, "", f"cannot be read ({exc})")]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(shown, line, f"is not valid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [Problem(shown, "", "must be a mapping of fields (key: value)")]
    return data, []


def _validate(model: type[BaseModel], data: object, shown: str) -> tuple[BaseModel | None, list]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [
            Problem(shown, _field_path(err["loc"]), err["msg"].removeprefix("Value error, "))
            for err in exc.errors()
        ]
        return None, problems


def load_site(content_dir: Path) -> tuple[Site | None, list[Problem]]:
    """Load and validate `content/site.yaml`."""
    shown = str(Path(content_dir.name) / SITE_FILE)
    data, problems = _read_yaml(content_dir / SITE_FILE, shown)
    if problems:
        return None, problems
    return _validate(Site, data, shown)


def number_citations(body: str, module: Module) -> tuple[str, list[str]]:
    """Replace `[@key]` (or `[@a; @b]`) citations with reference numbers; return unknown keys."""
    known = {r.key for r in module.references}
    unknown: list[str] = []

    def replace(match: re.Match) -> str:
        keys = [part.strip().removeprefix("@") for part in match.group(1).split(";")]
        missing = [key for key in keys if key not in known]
        if missing:
            unknown.extend(missing)
            return match.group(0)
        numbers = ", ".join(str(module.reference_number(key)) for key in keys)
        return f"\\[{numbers}\\]"

    return CITATION.sub(replace, body), unknown


def module_warnings(module: Module, shown: str) -> list[Problem]:
    """Return what a reviewer would query but that does not break the module.

    A reference with neither a DOI nor a PMID cannot be looked up unambiguously.
    """
    return [
        Problem(shown, f"references.{i}", f"{ref.key!r} has neither a DOI nor a PMID")
        for i, ref in enumerate(module.references)
        if not ref.doi and not ref.pmid
    ]


def load_module(folder: Path, shown_root: str) -> tuple[LoadedModule | None, list[Problem]]:
    """Load one module folder: its `module.yaml` and the Markdown article it names."""
    shown = f"{shown_root}/{folder.name}/{MODULE_FILE}"
    data, problems = _read_yaml(folder / MODULE_FILE, shown)
    if problems:
        return None, problems
    module, problems = _validate(Module, data, shown)
    if module is None:
        return None, problems
    article_shown = f"{shown_root}/{folder.name}/{module.article}"
    try:
        raw = (folder / module.article).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(article_shown, "", "file is missing (named by `article`)")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(article_shown, "", f"cannot be read ({exc})")]
    if not raw.strip():
        return None, [Problem(article_shown, "", "is empty")]
    body, unknown = number_citations(raw, module)
    if unknown:
        return None, [
            Problem(article_shown, "", f"cites unknown reference [@{key}]") for key in unknown
        ]
    return LoadedModule(module=module, body=body, folder=folder.name), []


def load_catalog(content_dir: Path) -> Catalog:
    """Load the site file and every module folder under `content/modules/`."""
    site, problems = load_site(content_dir)
    catalog = Catalog(site=site, problems=list(problems))
    modules_dir = content_dir / "modules"
    shown_root = f"{content_dir.name}/modules"
    folders = sorted(p for p in modules_dir.iterdir() if p.is_dir()) if modules_dir.is_dir() else []
    if not folders:
        catalog.problems.append(Problem(shown_root, "", "no module folders found"))
    found: dict[str, LoadedModule] = {}
    for folder in folders:
        loaded, problems = load_module(folder, shown_root)
        if loaded is None:
            catalog.problems.extend(problems)
            catalog.broken_folders.append(folder.name)
            continue
        slug = loaded.module.slug
        catalog.warnings.extend(
            module_warnings(loaded.module, f"{shown_root}/{folder.name}/{MODULE_FILE}")
        )
        if slug in found:
            catalog.problems.append(
                Problem(
                    f"{shown_root}/{folder.name}/{MODULE_FILE}",
                    "slug",
                    f"{slug!r} is already used by {shown_root}/{found[slug].folder}",
                )
            )
            catalog.broken_folders.append(folder.name)
            continue
        code = loaded.module.join_code
        holder = next((m for m in found.values() if code and m.module.join_code == code), None)
        if holder is not None:
            catalog.problems.append(
                Problem(
                    f"{shown_root}/{folder.name}/{MODULE_FILE}",
                    "join_code",
                    f"{code!r} is already used by {shown_root}/{holder.folder}",
                )
            )
            catalog.broken_folders.append(folder.name)
            continue
        found[slug] = loaded
    catalog.modules = dict(
        sorted(found.items(), key=lambda kv: (kv[1].module.published, kv[0]), reverse=True)
    )
    return catalog


def content_fingerprint(content_dir: Path) -> tuple:
    """Return a cheap signature of every file under `content/` (changes when any file does)."""
    entries = []
    for path in sorted(content_dir.rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)
