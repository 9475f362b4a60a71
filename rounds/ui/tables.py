"""Tables made once and drawn as often as the page runs.

`st.dataframe` turns a pandas frame into Arrow on every run; handed an Arrow table it only
writes it out. The shared snapshots (the evaluation's results, the dashboard's views) keep their
tables as Arrow, made when the rows are read.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """Return `frame` (its columns, not its index) as an Arrow table for `st.dataframe`."""
    return pa.Table.from_pandas(frame, preserve_index=False)
