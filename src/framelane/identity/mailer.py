"""Sends one-time codes by SMTP, or writes them to the log when no SMTP server is configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from framelane.core.settings import Settings

log = logging.getLogger("framelane.mail")


def send_code(settings: Settings, email: str, code: str, purpose: str) -> None:
    subject = f"Your Framelane {purpose} code: {code}"
    body = f"Your Framelane {purpose} code is {code}. It expires in 10 minutes."
    if not settings.smtp_host:
        log.warning(
            "one-time code for %s (%s): %s",
            email,
            purpose,
            code,
            extra={"email": email, "purpose": purpose, "otp_code": code},
        )
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = email
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user and settings.smtp_password:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
