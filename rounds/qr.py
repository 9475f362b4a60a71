"""QR codes for the join URL, drawn as PNG bytes (segno: pure Python, no image stack needed)."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, scale: int = 10) -> bytes:
    """Return a PNG QR code (error correction M, quiet zone 2) that encodes `url`."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
