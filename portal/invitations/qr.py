"""The QR code on a printed invitation, as an image the page can show without script."""

from __future__ import annotations

import base64
import io

import segno


def qr_data_uri(text: str) -> str:
    """An SVG QR code as a data: address (the CSP allows data: images, nothing else)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
