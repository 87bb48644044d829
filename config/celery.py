"""Celery: Redis broker for workers and beat; in the embedded default tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("mingze")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Document rendering and the audit trail live in sub-packages, which the default discovery (<app>.tasks) does not reach.
app.autodiscover_tasks(["arbitration.documents", "arbitration.audit"])
