"""QR codes for the join URL, drawn as SVG (segno: pure Python, no image stack needed)."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=64)
def qr_svg(url: str) -> str:
    """Return an SVG QR code (error correction M, quiet zone 2, white ground) encoding `url`.

    Made once per address: the presenter page draws it on every run, and encoding a QR code
    costs more than the rest of that page. SVG stays sharp at a projector's size, and Streamlit
    hands an SVG to the browser as it is, with no image decoding or media file on the server.
    """
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=10, border=2, light="#fff", omitsize=True)
