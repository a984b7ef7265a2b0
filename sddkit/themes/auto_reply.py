"""Tickets no customer wrote: out-of-office replies and bounced mail.

A helpdesk that takes e-mail opens a ticket for whatever arrives: an out-of-office reply to
a satisfaction survey, a bounce from a dead address. Such tickets share their wording and
form a theme of their own ("Automatic reply: Out of office"), which triage would file as an
issue, and they are about nothing the team can fix; themes leave them out. They are known
by their subject line, which mail clients and servers write in a fixed form (Outlook's
"Automatic reply:", Exchange's "Undeliverable:", "Delivery Status Notification", and their
translations), or by a body that opens with an out-of-office sentence.
"""

from __future__ import annotations

import re

_SUBJECT = re.compile(
    r"^\s*(?:"
    r"automatic reply|auto(?:matic)?[ -]?reply|auto(?:matic)? response|auto(?=\s*:)"
    r"|out of (?:the )?office"
    r"|undeliverable|undelivered mail returned to sender|delivery status notification"
    r"|mail delivery (?:failed|failure|subsystem)|returned mail|delivery failure"
    r"|автоответ|автоматический ответ|вне офиса|не доставлено"
    r"|automatyczna odpowiedź|poza biurem|odpowiedź automatyczna|niedostarczona"
    r"|automatski odgovor|аутоматски одговор|van kancelarije|ван канцеларије"
    r"|automatische antwort|abwesenheitsnotiz|abwesend|unzustellbar"
    r")\b\s*(?::|$|\()",
    re.IGNORECASE,
)
_BODY = re.compile(
    r"^\s*(?:thank you for your (?:e-?mail|message)\.?\s*)?"
    r"(?:i am|i'm|i will be) (?:currently )?(?:out of (?:the )?office|away from (?:the )?office"
    r"|on (?:annual |parental )?leave|on vacation|on holiday)"
    r"|^\s*(?:я|меня) (?:в отпуске|нет в офисе)"
    r"|^\s*(?:jestem|będę) (?:na urlopie|poza biurem)"
    r"|^\s*(?:ja sam |trenutno sam )?(?:na godišnjem odmoru|van kancelarije)"
    r"|^\s*ich bin (?:bis .{1,30} )?(?:nicht im büro|im urlaub|abwesend)",
    re.IGNORECASE,
)


def is_auto_reply(subject: str, body: str) -> bool:
    """Whether a ticket is an out-of-office reply or a bounce (see the module docstring)."""
    return bool(_SUBJECT.match(subject or "") or _BODY.match((body or "")[:300]))
