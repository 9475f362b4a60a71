"""Rounds' logging: one configuration at start-up, and a safe way to show a refused value.

`configure()` is called once by `server.py`. It gives the `rounds` loggers (every module's
`logging.getLogger(__name__)`) one handler on stderr, one line per record: time, level, logger
and message, at the level named by `ROUNDS_LOG_LEVEL` (INFO by default). Streamlit and uvicorn
keep their own logging configuration.
"""

from __future__ import annotations

import logging
import os
import sys

ENV_LEVEL = "ROUNDS_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "rounds-stderr"
_SHOWN = 60  # characters of a refused value's repr kept in the log


def configure(level: str | None = None) -> logging.Logger:
    """Send the `rounds` loggers' records to stderr at `level` (or `ROUNDS_LOG_LEVEL`); once."""
    logger = logging.getLogger("rounds")
    name = (level or os.environ.get(ENV_LEVEL) or "INFO").upper()
    logger.setLevel(logging.getLevelNamesMapping().get(name, logging.INFO))
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
        logger.propagate = False  # the root logger (Streamlit's or none) would print it twice
    return logger


def shown(value: object) -> str:
    """Return a value's repr cut to a few dozen characters: free text is never logged in full."""
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}... ({len(text)} chars)"


def refused(logger: logging.Logger, module: str, field: str, value: object) -> None:
    """Log a value a callback refused (WARNING): the module, the field, the value cut short."""
    logger.warning("refused value: module=%s field=%s value=%s", module, field, shown(value))
