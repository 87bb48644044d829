"""The three chain columns every audit table carries, and the mark that makes a model an audit table.

A model is an audit table when it subclasses `AuditChained` (the event and transition logs through
`AttributedRecord`, statements, read logs, grant events) or when it is the history model of the project's
`arbitration.history.HistoricalRecords` (which puts `AuditHistory` / `AuditM2MHistory` in its bases).
`audit_chain_key` names the column whose value is the chain: one chain per historied object, or per subject.
The columns are nullable: writers leave them empty and the chainer (`arbitration.audit.chain`) fills them once.
"""

from django.db import models

CHAIN_COLUMNS = ("chain_seq", "chain_prev", "chain_hash")


class AuditChained(models.Model):
    """An append-only row in a hash chain. Subclasses set `subject_field` (the foreign key the chain follows)
    or `audit_chain_key` (a column name)."""

    chain_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    chain_prev = models.CharField(max_length=64, null=True, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)

    audit_chain_key = ""  # a column name; empty: the column of `subject_field`

    class Meta:
        abstract = True


class AuditHistory(AuditChained):
    """Bases of every simple-history model: its chain is the historied object's (the `id` column)."""

    audit_chain_key = "id"

    class Meta:
        abstract = True


class AuditM2MHistory(AuditChained):
    """Bases of simple-history's many-to-many history rows: chained per parent history row."""

    audit_chain_key = "history_id"

    class Meta:
        abstract = True
