"""Scanned paper forms: upload, OCR, staff checking, publishing, the family's confirmation."""
