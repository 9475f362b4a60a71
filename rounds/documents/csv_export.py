"""CSV downloads that spreadsheet programs open safely: no formulas, any script, UTC times.

A text cell that begins with "=", "+", "-", "@", a tab, a carriage return or a NUL is prefixed
with a single quote, so Excel, LibreOffice and Google Sheets show it as text instead of
running it as a formula (OWASP "CSV Injection"; ASVS 1.2.10 adds NUL). Numbers are left as
numbers, negative ones included. Files are UTF-8 with a byte order mark, which Excel needs to
read non-ASCII text correctly; rows end with "\\r\\n" (RFC 4180) and fields holding commas,
quotes or line breaks are quoted.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
LINE_TERMINATOR = "\r\n"
ENCODING = "utf-8-sig"
_PART_LIMIT = 80  # characters per sanitised file name part


def neutralise(value: object) -> object:
    """Return `value`, with a quote in front if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _iso_utc(moment: datetime.datetime | pd.Timestamp, *, fraction: bool) -> str:
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ")


def _cell(value: object) -> object:
    """Return a cell of an object column as written: times in ISO 8601 UTC, text neutralised."""
    if value is pd.NaT:
        return None
    if isinstance(value, datetime.datetime):  # pd.Timestamp included; naive means UTC
        return _iso_utc(value, fraction=bool(pd.Timestamp(value).microsecond))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(value)


def _column(series: pd.Series) -> pd.Series:
    """Return a column as it should be written to CSV.

    Time columns and columns holding only text are converted as a whole (a 650,000-row
    export took 17 s cell by cell); other object columns cell by cell.
    """
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series):
        present = series.dropna()
        fraction = bool(((present.dt.microsecond != 0) | (present.dt.nanosecond != 0)).any())
        naive = series.dt.tz_convert("UTC").dt.tz_localize(None) if series.dt.tz else series
        text = np.datetime_as_string(naive.to_numpy(), unit="us" if fraction else "s")
        return (pd.Series(text, index=series.index, dtype=object) + "Z").where(series.notna(), None)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        cells = series.astype(object)
        risky = series.astype("string").str.startswith(FORMULA_STARTS).fillna(False)
        if risky.any():
            cells = cells.where(~risky.to_numpy(dtype=bool), "'" + cells.where(risky, ""))
        return cells
    if (
        pd.api.types.is_object_dtype(series)
        or pd.api.types.is_string_dtype(series)
        or isinstance(series.dtype, pd.CategoricalDtype)
    ):
        return series.astype(object).map(_cell)
    return series


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return `frame` as CSV bytes (UTF-8 with BOM, CRLF), text neutralised, times in UTC.

    Column names are neutralised like cells; the index is not written. Timestamps are written
    as ISO 8601 in UTC ("2026-11-23T09:30:00Z", with microseconds when a column has any);
    naive ones are taken to be UTC already. Missing values are written as empty fields.
    """
    written = pd.DataFrame(
        {i: _column(frame.iloc[:, i]) for i in range(frame.shape[1])}, index=frame.index
    )
    written.columns = [neutralise(name) for name in frame.columns]
    text = written.to_csv(index=False, lineterminator=LINE_TERMINATOR)
    return text.encode(ENCODING, errors="replace")  # a lone surrogate becomes "?"


def _safe_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    part = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return part[:_PART_LIMIT].strip("-")


def export_filename(
    module_slug: str, what: str, when: datetime.date, extension: str = "csv"
) -> str:
    """Return a download name such as "rounds-asparaginase-aya-all-votes-2026-11-23.csv".

    The slug and `what` are reduced to lowercase ASCII letters, digits and single hyphens
    (accents dropped, anything else a hyphen); empty parts are left out.
    """
    parts = ["rounds", _safe_part(module_slug), _safe_part(what), f"{when:%Y-%m-%d}"]
    suffix = _safe_part(extension) or "csv"
    return "-".join(part for part in parts if part) + "." + suffix


def to_zip_bytes(frames: dict[str, pd.DataFrame], stem: str) -> bytes:
    """Return one ZIP holding each frame as `<stem>-<name>.csv` (written as `to_csv_bytes` does).

    Frames exported together stay consistent with each other (the same pseudonyms throughout),
    which separate downloads made at different moments could not promise.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames.items():
            archive.writestr(f"{stem}-{_safe_part(name)}.csv", to_csv_bytes(frame))
    return buffer.getvalue()
