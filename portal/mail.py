"""Sending email: `send_mail(to, subject, text)`, for password resets, invitations and more.

With MAIL_SERVER set, mail goes out by SMTP (stdlib smtplib), in a background thread
unless MAIL_IN_BACKGROUND is off, so a slow mail server never slows a request and the
time a request takes does not tell whether a mail was sent. Without MAIL_SERVER, demo
and debug mode keep each mail in the demo outbox (a table, shown at /outbox: demo data
is public, and no real email is sent); production logs that the mail was not sent.

Nothing here logs a mail's body or its recipient: bodies carry one-time links.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app, render_template, request
from sqlalchemy import String, Text, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.dbtypes import UTCDateTime, utcnow
from portal.extensions import db

logger = logging.getLogger(__name__)

OUTBOX_SHOWN = 50


class OutboxMail(db.Model):
    """A mail kept instead of sent, in demo or debug mode without a mail server."""

    __tablename__ = "demo_outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


@dataclass(frozen=True)
class SmtpSettings:
    """What a delivery needs, copied out of the app config (a thread has no app context)."""

    server: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    use_ssl: bool
    timeout: float

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=float(config.get("MAIL_TIMEOUT_SECONDS", 20)),
        )


def outbox_enabled() -> bool:
    """Whether /outbox exists: demo or debug mode only (demo data is public)."""
    return bool(current_app.config.get("DEMO_MODE") or current_app.debug)


def _one_line(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"a mail's {what} must be one line")
    return value.strip()


def build_message(to: str, subject: str, text: str, *, sender: str) -> EmailMessage:
    """A plain-text message; refuses header injection through `to` or `subject`."""
    to, subject = _one_line(to, "address"), _one_line(subject, "subject")
    if "@" not in parseaddr(to)[1]:
        raise ValueError("a mail needs an email address to go to")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    message.set_content(text)
    return message


def deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    """Send one message over SMTP; raises on failure."""
    context = ssl.create_default_context()
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def _deliver_and_log(settings: SmtpSettings, message: EmailMessage) -> None:
    try:
        deliver(settings, message)
    except Exception as error:  # a thread has no one to raise to
        # The kind of failure only: server replies can quote addresses.
        logger.error("Mail not sent (%s): %s", message["Subject"], type(error).__name__)


def send_mail(to: str, subject: str, text: str) -> None:
    """Send a plain-text email, or keep it in the demo outbox.

    Commit first whatever the mail refers to (a reset token, an invitation): the mail
    goes now, by SMTP or in its own small transaction, and knows nothing of yours.
    """
    config = current_app.config
    message = build_message(to, subject, text, sender=config["MAIL_FROM"])
    if config.get("MAIL_SERVER"):
        settings = SmtpSettings.from_config(config)
        if config.get("MAIL_IN_BACKGROUND", True):
            threading.Thread(
                target=_deliver_and_log, args=(settings, message), name="mail", daemon=True
            ).start()
        else:
            _deliver_and_log(settings, message)
    elif outbox_enabled():
        with db.engine.begin() as connection:
            connection.execute(
                insert(OutboxMail).values(
                    recipient=str(message["To"]),
                    subject=str(message["Subject"]),
                    body=text,
                    created_at=utcnow(),
                )
            )
    else:
        logger.error("Mail not sent (%s): MAIL_SERVER is not set", message["Subject"])


def recent_outbox_mail(limit: int = OUTBOX_SHOWN) -> list[OutboxMail]:
    """The newest mails in the demo outbox."""
    return list(
        db.session.scalars(
            select(OutboxMail)
            .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
            .limit(limit)
        )
    )


def link_base() -> str | None:
    """Where links in emails start: PUBLIC_URL, or in demo or debug mode the request's
    own address. Never the Host header in production: a stranger could otherwise have
    our reset mails point at their own site."""
    base = current_app.config.get("PUBLIC_URL")
    if not base and (current_app.config.get("DEMO_MODE") or current_app.debug):
        base = request.url_root
    return base.rstrip("/") if base else None


def email_link(people, subject: str, template: str, path: str, **values) -> int:
    """Email each person a link to `path` on this site, written by `template` (given
    `person`, `link` and `values`); how many were sent. For news of something private (a message,
    a typed-up form): the mail says where to look, never what it says."""
    base = link_base()
    if base is None:
        logger.error("Mail not sent (%s): set PUBLIC_URL for its link", subject)
        return 0
    sent = 0
    for person in people:
        if person.email:
            text = render_template(template, person=person, link=base + path, **values)
            send_mail(person.email, subject, text)
            sent += 1
    return sent
