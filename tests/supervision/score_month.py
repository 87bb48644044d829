"""A month of tickets for four bureaus, loaded the way the hotline platform back-fills one: a JSON Lines file of
tickets and their events through `manage.py import_tickets`. Every expected count is worked out beside its ticket.

The default tier: first response within 3 working hours, handled within 5 working days; March 2026 has no holiday,
office hours 09:00–17:30. A ticket dispatched Monday 2026-03-02 09:00 is due to respond by 12:00 that day and to be
handled by 2026-03-09 17:30. The feedback limit is 1 working day after handling. The month is computed "as of"
Friday 2026-03-20 10:00 (AS_OF), so some deadlines are still ahead. The draft of AS_OF takes appeals until Friday
2026-03-27 17:30; `lodge` and `decide` drive the appeal services within that window.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from arbitration.models import Department
from supervision.models import ScoreAppeal
from supervision.services.score_appeals import score_appeal_decide, score_appeal_lodge
from tests.factories import at

AS_OF = at(2026, 3, 20, 10)
IN_WINDOW = at(2026, 3, 23, 10)  # the draft of AS_OF (Fri 03-20) takes appeals until Fri 03-27 17:30

# code → (name, kind) of the fourth bureau the small city lacks
ENVIRONMENT = ("HBJ", "市生态环境局")


def _t(year: int, month: int, day: int, hour: int, minute: int = 0) -> str:
    return at(year, month, day, hour, minute).isoformat()


def ticket(number: str, department: str, dispatched: str, **extra) -> dict:
    return {
        "hotline_no": number,
        "received_at": dispatched,
        "dispatched_at": dispatched,
        "dispatched_to": department,
        "request_type": "complaint",
        "matter": "010101",
        "territory": "370802001001",
        "title": "占道经营",
        "content": "小区门口每天晚上有摊贩占道经营。",
        "citizen_name": "张三",
        "citizen_phone": "13812341234",
        **extra,
    }


def event(number: str, kind: str, when: str, **extra) -> dict:
    return {"hotline_no": number, "event_id": f"{number}-{kind}", "kind": kind, "at": when, **extra}


def responded(number: str, when: str) -> dict:
    return event(number, "first_response", when)


def replied(number: str, when: str, handled: str | None = None) -> dict:
    extra = {"handled_at": handled} if handled else {}
    return event(number, "replied", when, text="已现场处置，摊贩已劝离。", **extra)


def visited(number: str, when: str, satisfaction: str) -> dict:
    return event(number, "visited", when, satisfaction=satisfaction, resolution="resolved")


MON = _t(2026, 3, 2, 9)  # dispatched: respond by 12:00, handle by 2026-03-09 17:30

RECORDS = [
    # --- 市城市管理局 CGJ: 6 tickets, one withdrawn ------------------------------------------------------------
    # U1: responded 10:00 (met), handled and replied 03-05 (met, met), satisfied (met)
    ticket("U1", "CGJ", MON),
    responded("U1", _t(2026, 3, 2, 10)),
    replied("U1", _t(2026, 3, 5, 10)),
    visited("U1", _t(2026, 3, 6, 10), "satisfied"),
    # U2: responded 15:00 (missed), handled 03-10 (missed), replied the same moment (met), dissatisfied (missed)
    ticket("U2", "CGJ", MON),
    responded("U2", _t(2026, 3, 2, 15)),
    replied("U2", _t(2026, 3, 10, 10)),
    visited("U2", _t(2026, 3, 11, 10), "dissatisfied"),
    # U3: nothing since dispatch: response and completion deadlines passed (missed, missed); feedback and
    # satisfaction not yet known
    ticket("U3", "CGJ", MON),
    # U4: dispatched on the morning of AS_OF: every deadline still ahead, every rate not yet known
    ticket("U4", "CGJ", _t(2026, 3, 20, 9)),
    # U5: withdrawn by the citizen: no time rate at all; satisfaction not yet known
    ticket("U5", "CGJ", _t(2026, 3, 3, 9)),
    event("U5", "withdrawn", _t(2026, 3, 4, 9)),
    # U6: dispatched 03-04 09:00, no first-response event but handled 10:00 (response met through the handling),
    # due 03-11 (met); replied 03-06, after the feedback limit 03-05 17:30 (missed); "not rated" (not yet known)
    ticket("U6", "CGJ", _t(2026, 3, 4, 9)),
    replied("U6", _t(2026, 3, 6, 10), handled=_t(2026, 3, 4, 10)),
    visited("U6", _t(2026, 3, 9, 10), "not_rated"),
    # --- 市市场监督管理局 SJJ: 4 tickets ----------------------------------------------------------------------
    # M1: dispatched 03-16 09:00: responded 11:00 (met), handled 03-17 10:00 (met), replied 16:00 (met), basically
    ticket("M1", "SJJ", _t(2026, 3, 16, 9)),
    responded("M1", _t(2026, 3, 16, 11)),
    replied("M1", _t(2026, 3, 17, 16), handled=_t(2026, 3, 17, 10)),
    visited("M1", _t(2026, 3, 18, 10), "basically"),
    # M2: dispatched 03-16: responded 09:30 (met); not handled, due 03-23 (not yet known ×3)
    ticket("M2", "SJJ", _t(2026, 3, 16, 9)),
    responded("M2", _t(2026, 3, 16, 9, 30)),
    # M3: no first response; handled 03-09 17:00 (response missed through the handling; completion met),
    # replied 03-10 09:00 (met), satisfied (met)
    ticket("M3", "SJJ", MON),
    replied("M3", _t(2026, 3, 10, 9), handled=_t(2026, 3, 9, 17)),
    visited("M3", _t(2026, 3, 11, 10), "satisfied"),
    # M4: handled and replied 03-03 (response missed, completion met, feedback met), dissatisfied (missed)
    ticket("M4", "SJJ", MON),
    replied("M4", _t(2026, 3, 3, 10)),
    visited("M4", _t(2026, 3, 4, 10), "dissatisfied"),
    # --- 市住房和城乡建设局 ZJJ: 2 tickets --------------------------------------------------------------------
    # H1: responded 11:59 (met), handled 03-09 17:31 (missed by a minute), replied 03-10 17:30 — exactly at the
    # feedback limit (met), dissatisfied (missed)
    ticket("H1", "ZJJ", MON),
    responded("H1", _t(2026, 3, 2, 11, 59)),
    replied("H1", _t(2026, 3, 10, 17, 30), handled=_t(2026, 3, 9, 17, 31)),
    visited("H1", _t(2026, 3, 11, 10), "dissatisfied"),
    # H2: responded 12:00 — exactly at the limit (met); never handled (completion missed; feedback, satisfaction
    # not yet known)
    ticket("H2", "ZJJ", MON),
    responded("H2", _t(2026, 3, 2, 12)),
    # --- 市生态环境局 HBJ: 2 tickets, every rate met ---------------------------------------------------------------
    ticket("E1", "HBJ", _t(2026, 3, 9, 9)),
    responded("E1", _t(2026, 3, 9, 10)),
    replied("E1", _t(2026, 3, 13, 10), handled=_t(2026, 3, 12, 10)),
    visited("E1", _t(2026, 3, 16, 10), "satisfied"),
    ticket("E2", "HBJ", _t(2026, 3, 10, 9)),
    responded("E2", _t(2026, 3, 10, 9, 10)),
    replied("E2", _t(2026, 3, 11, 15)),
    visited("E2", _t(2026, 3, 12, 10), "basically"),
    # --- not in March's scorecards -----------------------------------------------------------------------------
    ticket("APRIL", "CGJ", _t(2026, 4, 1, 9)),  # dispatched in April
    {**ticket("UNSENT", "CGJ", MON), "dispatched_at": None, "dispatched_to": None},  # received, never dispatched
]

# department code → {figure: expected}, worked out in the comments above
EXPECTED = {
    "CGJ": {
        "tickets": 6, "withdrawn": 1,
        "responded_on_time": 2, "response_judged": 4, "response_unknown": 1,
        "completed_on_time": 2, "completion_judged": 4, "completion_unknown": 1,
        "fed_back_on_time": 2, "feedback_judged": 3, "feedback_unknown": 2,
        "satisfied": 1, "rated": 2, "satisfaction_unknown": 4,
    },
    "SJJ": {
        "tickets": 4, "withdrawn": 0,
        "responded_on_time": 2, "response_judged": 4, "response_unknown": 0,
        "completed_on_time": 3, "completion_judged": 3, "completion_unknown": 1,
        "fed_back_on_time": 3, "feedback_judged": 3, "feedback_unknown": 1,
        "satisfied": 2, "rated": 3, "satisfaction_unknown": 1,
    },
    "ZJJ": {
        "tickets": 2, "withdrawn": 0,
        "responded_on_time": 2, "response_judged": 2, "response_unknown": 0,
        "completed_on_time": 0, "completion_judged": 2, "completion_unknown": 0,
        "fed_back_on_time": 1, "feedback_judged": 1, "feedback_unknown": 1,
        "satisfied": 0, "rated": 1, "satisfaction_unknown": 1,
    },
    "HBJ": {
        "tickets": 2, "withdrawn": 0,
        "responded_on_time": 2, "response_judged": 2, "response_unknown": 0,
        "completed_on_time": 2, "completion_judged": 2, "completion_unknown": 0,
        "fed_back_on_time": 2, "feedback_judged": 2, "feedback_unknown": 0,
        "satisfied": 2, "rated": 2, "satisfaction_unknown": 0,
    },
}  # fmt: skip


def import_month(tmp_path: Path, records: list[dict] | None = None) -> None:
    """Write the records as JSON Lines and load them as the platform's back-fill would."""
    path = tmp_path / "march.jsonl"
    lines = (
        json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)
        for record in records or RECORDS
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_tickets", str(path), "--workers", "1")


# --- appeals ---------------------------------------------------------------------------------------------------
def evidence(name: str = "情况说明.pdf", content: bytes = b"%PDF-1.4 evidence") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def lodge(period, liaison, department_code: str, hotline_no: str, **changes) -> ScoreAppeal:
    values = {
        "period_id": period.pk,
        "department_id": Department.objects.get(code=department_code).pk,
        "hotline_no": hotline_no,
        "actor": liaison,
        "reason": "摊贩系流动经营，已移交属地街道，非我局超期",
        "attachment": evidence(),
        "now": IN_WINDOW,
    }
    values.update(changes)
    return score_appeal_lodge(**values)


def decide(
    appeal: ScoreAppeal, supervisor, decision: str = "", target: str = "", reason: str = "经核实"
) -> ScoreAppeal:
    """Accept with `decision` (and the `target` department's code), or refuse when no decision is given."""
    return score_appeal_decide(
        appeal_id=appeal.pk,
        actor=supervisor,
        accept=bool(decision),
        decision=decision,
        target_department_id=Department.objects.get(code=target).pk if target else None,
        reason=reason,
        now=IN_WINDOW,
    )
