"""gunicorn's access log without the secrets some addresses carry.

Password-reset and invitation links hold their one-time token in the path
(/reset/<token>, /invite/<token>); an access log that kept them would let anyone who
reads the logs use a link before its owner. The Procfile runs gunicorn with
`--logger-class portal.gunicorn_logging.RedactingLogger`.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

TOKEN_IN_PATH = re.compile(r"(/(?:reset|invite)/)[^/?#\s\"]+")


def redact(text: str) -> str:
    return TOKEN_IN_PATH.sub(r"\1[hidden]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every text atom: the request line, the path, the Referer and other headers.
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
