"""E-mail of newly raised alerts: one message per recipient and province, through the configured SMTP server.

Recipients come from the rule (``recipients``) and from the rules file's ``[recipients]`` table for the
alert's province. Messages are Vietnamese (UTF-8); nothing is sent without ``IOC_SMTP_HOST``. A failure
is logged and never propagates: the refresh and the evaluation have already done their work.
"""

from __future__ import annotations

import email.policy
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from ioc_app.alert_rules import Rules
from ioc_app.alert_texts import describe, province_label, severity_label
from ioc_app.alerts import Alert
from ioc_app.i18n import t

log = logging.getLogger(__name__)
MAIL_LANGUAGE = "vi"
SMTP_TIMEOUT_SECONDS = 20
# Folding a Vietnamese subject at 78 characters loses the space between two encoded words (CPython's
# header folder); lines up to RFC 5322's 998 keep the subject whole.
POLICY = email.policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Message:
    recipient: str
    province: str | None  # None: alerts of the nation (no province)
    alerts: tuple[Alert, ...]


def grouped(rules: Rules, raised: Iterable[Alert]) -> list[Message]:
    """The newly raised alerts grouped per recipient and per province, in a stable order."""
    by_rule = rules.by_id()
    groups: dict[tuple[str, str | None], list[Alert]] = {}
    for alert in raised:
        rule = by_rule.get(alert.rule_id)
        addresses = set(rule.recipients if rule is not None else ())
        if alert.province is not None:
            addresses |= set(rules.province_recipients.get(alert.province, ()))
        for address in addresses:
            groups.setdefault((address, alert.province), []).append(alert)
    return [
        Message(address, province, tuple(alerts))
        for (address, province), alerts in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


def compose(message: Message, sender: str, lang: str = MAIL_LANGUAGE) -> EmailMessage:
    where = province_label(message.province, lang)
    mail = EmailMessage(policy=POLICY)
    mail["Subject"] = t("alerts.mail_subject", lang).format(count=len(message.alerts), where=where)
    mail["From"] = sender
    mail["To"] = message.recipient
    lines = [t("alerts.mail_intro", lang).format(where=where), ""]
    lines += [f"- [{severity_label(a.severity, lang)}] {describe(a, lang)}" for a in message.alerts]
    lines += ["", t("alerts.mail_footer", lang)]
    mail.set_content("\n".join(lines), charset="utf-8")
    return mail


def send(host: str | None, port: int, sender: str, rules: Rules, raised: Iterable[Alert]) -> int:
    """Send the grouped messages; how many went out (0 without a host). Never raises."""
    messages = grouped(rules, raised)
    if not host or not messages:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            for message in messages:
                try:
                    smtp.send_message(compose(message, sender))
                    sent += 1
                except (smtplib.SMTPException, OSError) as exc:
                    log.error("alert e-mail to %s not sent: %s", message.recipient, exc)
    except (smtplib.SMTPException, OSError) as exc:
        log.error("alert e-mail not sent: the SMTP server %s:%s: %s", host, port, exc)
    except Exception:
        log.exception("alert e-mail not sent")
    return sent
