"""The life of a surge alert (docs/alerts.md, "Life of an alert"): raised by detection, acknowledged and answered
with the action taken by the owning department's liaison, closed by the centre; its risk bulletin issued by a
supervisor; series muted and unmuted by a supervisor.

Every move locks the alert, is checked by `supervision.states.ensure_alert_move` before anything is written, and
leaves a history row and a `SurgeAlertTransition`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from arbitration.access import ensure_acts_for
from arbitration.calendar import WorkingCalendar
from arbitration.choices import NoticeKind
from arbitration.documents.numbering import document_number_issue
from arbitration.documents.tasks import document_render_after_commit
from arbitration.errors import NotFound
from arbitration.history import real_user, save_attributed
from arbitration.models import Matter, Territory
from arbitration.services.notices import notice_send
from supervision import states
from supervision.access import ensure_supervisor
from supervision.choices import AlertStatus
from supervision.errors import ActionTextRequired, BulletinAlreadyIssued, MuteUntilPast, ReasonRequired
from supervision.models import SeriesMute, SurgeAlert, SurgeAlertTransition, SurgeBulletin, series_key
from supervision.reasons import ALERT_MOVED, RISK_BULLETIN_ISSUED
from supervision.services.surge_bulletins import BULLETIN_KIND, bulletin_letter_data


def _record(alert: SurgeAlert, previous: str, *, actor, reason: str, at: dt.datetime) -> None:
    SurgeAlertTransition.objects.create(
        alert=alert, from_status=previous, to_status=alert.status, actor=real_user(actor), reason=reason, at=at
    )


def _locked(alert_id: int) -> SurgeAlert:
    # Lock: the liaison's answer and the centre's closing may land at the same moment; one of them waits.
    alert = SurgeAlert.objects.select_for_update().filter(pk=alert_id).first()
    if alert is None:
        raise NotFound()
    return alert


def _move(alert: SurgeAlert, target: str, *, actor, reason: str, fields: tuple[str, ...] = ()) -> SurgeAlert:
    """One status change; the caller holds the transaction and the row lock."""
    states.ensure_alert_move(alert.status, target)
    previous, alert.status = alert.status, target
    save_attributed(alert, actor=actor, reason=ALERT_MOVED.format(status=target), update_fields=["status", *fields])
    _record(alert, previous, actor=actor, reason=reason, at=timezone.now())
    return alert


def notice_data(alert: SurgeAlert) -> dict:
    return {
        "matter": alert.matter.name,
        "place": alert.place,
        "observed": alert.observed,
        "expected": f"{alert.expected:.1f}",
    }


def surge_alert_raise(
    *, finding: dict, day: dt.date, department_id: int | None, calendar: WorkingCalendar, now: dt.datetime
) -> SurgeAlert | None:
    """Record one detection (`finding`: matter_id, territory_id and the figures) unless its series is muted or
    already alerted that day; tell the owning department. Returns None when nothing was raised."""
    key = series_key(finding["matter_id"], finding["territory_id"])
    if SeriesMute.objects.active_on(day).filter(series_key=key).exists():
        return None
    alert = SurgeAlert(
        series_key=key,
        department_id=department_id,
        day=day,
        raised_at=now,
        acknowledge_due=calendar.add_working_days(
            timezone.localtime(now).date(), settings.MINGZE_ALERT_ACKNOWLEDGE_WORKING_DAYS
        ),
        **finding,
    )
    try:
        with transaction.atomic():  # the unique (series, day) makes a second run, or a concurrent one, a no-op
            # Stored in English and translated when read (arbitration.reasons.recorded_reason); the page names
            # the method beside the record, so the record keeps only the probability.
            save_attributed(alert, actor=None, reason=gettext_noop("surge detection"))
            _record(alert, "", actor=None, reason=f"p = {alert.probability:.2g}", at=now)
            if settings.MINGZE_ALERT_BULLETIN_ON_RAISE:  # the bulletin goes out with the alert (docs/alerts.md)
                _bulletin_issue(alert, actor=None, now=now)
            elif department_id:
                notice_send(
                    department_id=department_id, kind=NoticeKind.SURGE_ALERT, data=notice_data(alert), actor=None
                )
    except IntegrityError:
        return None
    return alert


def _ensure_answers_for(actor, alert: SurgeAlert) -> None:
    """The owning department's liaison answers; an alert with no owner in the catalogue is the centre's."""
    if alert.department_id:
        ensure_acts_for(actor, alert.department)
    else:
        ensure_supervisor(actor)


@transaction.atomic
def surge_alert_acknowledge(*, alert_id: int, actor) -> SurgeAlert:
    """The owning department's liaison acknowledges the alert."""
    alert = _locked(alert_id)
    _ensure_answers_for(actor, alert)
    return _move(alert, AlertStatus.ACKNOWLEDGED, actor=actor, reason=gettext_noop("acknowledged"))


@transaction.atomic
def surge_alert_act(*, alert_id: int, actor, text: str) -> SurgeAlert:
    """The owning department's liaison reports the action taken (a further report adds to the record)."""
    text = (text or "").strip()
    if not text:
        raise ActionTextRequired()
    alert = _locked(alert_id)
    _ensure_answers_for(actor, alert)
    alert.action_text = f"{alert.action_text}\n{text}".strip()
    return _move(alert, AlertStatus.ACTED, actor=actor, reason=text, fields=("action_text",))


@transaction.atomic
def surge_alert_close(*, alert_id: int, actor, reason: str) -> SurgeAlert:
    """The centre closes the alert, with a reason."""
    ensure_supervisor(actor)
    if not (reason or "").strip():
        raise ReasonRequired()
    return _move(_locked(alert_id), AlertStatus.CLOSED, actor=actor, reason=reason.strip())


@transaction.atomic
def series_mute(*, matter_id: int, territory_id: int | None, reason: str, until: dt.date | None, actor) -> SeriesMute:
    """A supervisor mutes one series (a matter in a territory, or city-wide) until a day or until lifted."""
    ensure_supervisor(actor)
    if not (reason or "").strip():
        raise ReasonRequired()
    if until is not None and until < timezone.localdate():
        raise MuteUntilPast()
    matter = Matter.objects.filter(pk=matter_id).first()
    territory = Territory.objects.filter(pk=territory_id).first() if territory_id else None
    if matter is None or (territory_id and territory is None):
        raise NotFound()
    mute = SeriesMute(
        series_key=series_key(matter.pk, territory_id),
        matter=matter,
        territory=territory,
        reason=reason.strip(),
        until=until,
        muted_by=actor,
    )
    return save_attributed(mute, actor=actor, reason=gettext_noop("series muted"))


@transaction.atomic
def series_mute_lift(*, mute_id: int, actor) -> SeriesMute:
    ensure_supervisor(actor)
    mute = SeriesMute.objects.select_for_update().filter(pk=mute_id).first()
    if mute is None:
        raise NotFound()
    if mute.lifted_at is None:
        mute.lifted_at = timezone.now()
        save_attributed(mute, actor=actor, reason=gettext_noop("mute lifted"), update_fields=["lifted_at"])
    return mute


@transaction.atomic
def surge_bulletin_issue(*, alert_id: int, actor) -> SurgeBulletin:
    """A supervisor issues the alert's numbered risk bulletin (风险预警参阅件) by hand, where detection did not issue
    it with the alert (MINGZE_ALERT_BULLETIN_ON_RAISE off); its PDF is rendered after commit."""
    ensure_supervisor(actor)
    alert = _locked(alert_id)
    if SurgeBulletin.objects.filter(alert=alert).exists():
        raise BulletinAlreadyIssued()
    return _bulletin_issue(alert, actor=actor, now=timezone.now())


def _bulletin_issue(alert: SurgeAlert, *, actor, now: dt.datetime) -> SurgeBulletin:
    """Number, freeze and store the bulletin, tell the owning department its number; the caller holds the
    transaction. `actor` is None when detection issues it."""
    number = document_number_issue(kind=BULLETIN_KIND, year=timezone.localtime(now).year)
    data = bulletin_letter_data(alert, number, timezone.localtime(now).date()).to_dict()
    bulletin = save_attributed(
        SurgeBulletin(alert=alert, document_number=number, issued_at=now, issued_by=actor, data=data),
        actor=actor,
        reason=RISK_BULLETIN_ISSUED.format(number=number),
    )
    if alert.department_id:
        notice_send(
            department_id=alert.department_id,
            kind=NoticeKind.SURGE_ALERT,
            document_number=number,
            data=notice_data(alert),
            actor=actor,
        )
    document_render_after_commit(bulletin)
    return bulletin
