"""Signals arbitration sends. Other apps connect to them in their AppConfig.ready(); arbitration never
imports supervision or legal (ARCHITECTURE.md)."""

from django.dispatch import Signal

# A duty was opened or closed: caches over the catalogue (the jurisdiction graph) are stale.
duty_changed = Signal()
