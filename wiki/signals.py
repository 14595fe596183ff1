"""What the wiki tells other features, without importing them: the wiki stays below
the features that use it, and they listen here (blinker, as Flask's own signals)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent when a person saved a new version of a page through the editor or simple mode,
# after it is committed: send(child, page=Page, revision=Revision, user=User).
page_saved = _signals.signal("page-saved")
