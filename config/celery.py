"""Celery: Redis broker for workers and beat; in the embedded default tasks run eagerly in-process."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mingze")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Document rendering and the audit trail live in sub-packages, which the default discovery (<app>.tasks) does not reach.
app.autodiscover_tasks(["arbitration.documents", "arbitration.audit"])


@signals.worker_init.connect
def spread_kinds_import(**kwargs) -> None:
    """Import the spread kinds (and with them numpy, the detection, the renderer) once in the worker's main process,
    before it forks its children: otherwise each child pays the imports in its first partition (docs/spread.md)."""
    from django.conf import settings

    from arbitration.spread import spread_kind

    for name in settings.MINGZE_SPREAD_KINDS:
        spread_kind(name)
