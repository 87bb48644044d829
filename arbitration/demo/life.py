"""What happens to a demo ticket on the hotline platform after intake, as the events the platform sends
(docs/platform-events.md): signed for, first response, reply, return visit, and now and then a reminder, a
supplement, a re-handling after an unsatisfied visit, or a withdrawal.

The demo's tickets reach their state only through these events, applied by the same services as the platform's,
so every figure computed from them (scorecards above all) comes from the same path as in production. Each event
is timed after the one before and never after the demo's `now`: a life that would run past it stops there, as a
real ticket's would.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from arbitration.choices import TicketEventKind

K = TicketEventKind
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
CONTACTS = ["已电话联系市民，了解具体情况。", "已与市民取得联系，约定现场查看时间。", "已联系市民，告知正在办理。"]
SUPPLEMENTS = [
    "市民补充：问题在晚间更为严重，请安排夜间查看。",
    "市民补充：现场已拍照留存，可配合提供。",
    "市民补充：附近其他住户也有同样反映。",
]
REMINDERS = ["市民来电催促尽快处理。", "市民询问办理进度，希望加快。"]
WITHDRAWALS = ["市民表示问题已自行解决，申请撤单。", "市民表示已通过其他渠道解决，申请撤单。"]
REHANDLING = "回访市民不满意，中心审核后退回重办。"
REMINDER_SHARE, SUPPLEMENT_SHARE, WITHDRAWAL_SHARE = 0.08, 0.05, 0.01
FIRST_RESPONSE_SHARE = 0.9  # the rest never report their first contact: "not yet known", not a failure
REHANDLED_SHARE = 0.5  # of unsatisfied visits: the centre sends the ticket back


class Timeline:
    """One ticket's event payloads, numbered, each no earlier than the one before; none after `now`."""

    def __init__(self, hotline_no: str, start: dt.datetime, now: dt.datetime) -> None:
        self.hotline_no, self.last, self.now = hotline_no, start, now
        self.events: list[dict[str, Any]] = []
        self.stopped = False

    def add(self, kind: str, at: dt.datetime, **facts: Any) -> bool:
        """Add the event unless the life already reached `now`; False once it has."""
        at = max(at, self.last)
        if self.stopped or at > self.now:
            self.stopped = True
            return False
        event = {"event_id": f"{self.hotline_no}-{len(self.events) + 1}", "kind": kind, "at": at.isoformat()}
        event.update((name, value.isoformat() if isinstance(value, dt.datetime) else value)
                     for name, value in facts.items())  # fmt: skip
        self.events.append(event)
        self.last = at
        return True


def after(rng: random.Random, low: dt.timedelta, high: dt.timedelta) -> dt.timedelta:
    return low + (high - low) * rng.random()


def handling(line: Timeline, rng: random.Random, *, dispatched: dt.datetime, signed: bool) -> None:
    """The department at work: it signs for the ticket and calls the citizen; the citizen may add or urge."""
    if signed:
        line.add(K.SIGNED, dispatched + after(rng, 5 * MINUTE, 3 * HOUR))
        if rng.random() < FIRST_RESPONSE_SHARE:
            line.add(K.FIRST_RESPONSE, line.last + after(rng, 10 * MINUTE, 5 * HOUR), text=rng.choice(CONTACTS))
    if rng.random() < SUPPLEMENT_SHARE:
        line.add(K.SUPPLEMENTED, line.last + after(rng, HOUR, DAY), text=rng.choice(SUPPLEMENTS))
    if rng.random() < REMINDER_SHARE:
        line.add(K.REMINDED, line.last + after(rng, 2 * HOUR, 2 * DAY), text=rng.choice(REMINDERS))


def maybe_withdrawn(line: Timeline, rng: random.Random) -> None:
    """Now and then the citizen of a still-open ticket withdraws it."""
    if rng.random() < WITHDRAWAL_SHARE:
        line.add(K.WITHDRAWN, line.last + after(rng, HOUR, 2 * DAY), text=rng.choice(WITHDRAWALS))


Text = str | Callable[[dt.datetime], str]  # the reply, or how to write it for the moment it is sent


def replied(line: Timeline, rng: random.Random, *, at: dt.datetime, text: Text) -> bool:
    """The reply; the department reported the ticket handled a little earlier, some hours at most."""
    at = max(at, line.last)
    handled = max(at - after(rng, dt.timedelta(0), 20 * HOUR), line.last)
    return line.add(K.REPLIED, at, text=text if isinstance(text, str) else text(at), handled_at=handled)


def visited(line: Timeline, *, at: dt.datetime, satisfaction: str, resolution: str) -> bool:
    return line.add(K.VISITED, at, satisfaction=satisfaction, resolution=resolution)


def unsatisfied_round(line: Timeline, rng: random.Random, *, text: Text, satisfaction: str, resolution: str) -> None:
    """After an unsatisfied visit the centre may send the ticket back (重办); a second reply and visit follow."""
    if rng.random() >= REHANDLED_SHARE:
        return
    if line.add(K.REHANDLED, line.last + after(rng, HOUR, DAY), text=REHANDLING) and replied(
        line, rng, at=line.last + after(rng, DAY, 4 * DAY), text=text
    ):
        visited(line, at=line.last + after(rng, 4 * HOUR, 2 * DAY), satisfaction=satisfaction, resolution=resolution)
