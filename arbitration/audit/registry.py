"""Which tables are audit tables: read from the app registry, never from a hand-kept list.

Every model that subclasses `arbitration.audit.mixins.AuditChained` is one. That covers, without naming them:
every simple-history table (the project's `HistoricalRecords` puts `AuditHistory` in the bases of each history
model, and `AuditM2MHistory` in those of its many-to-many history rows), every `AttributedRecord` /
`StatusTransition` log (ticket and case events, dispute/referral/lead/legal-case/score transitions), dispute
statements, legal case reads and grant events. Chain keys (the column whose value is one chain):

- history tables: `id` (the historied object); many-to-many history rows: `history_id` (their parent history row);
- events and transitions: the column of their `subject_field` (`ticket_id`, `case_id`, `dispute_id`, ...);
- grant events: `object_key` (the object the permission is on).

`AuditSeal` is append-only too but not chained (a seal chains to its predecessor itself): `guarded_models()`.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models

from arbitration.audit.mixins import CHAIN_COLUMNS, AuditChained


def quote(name: str) -> str:
    """A table or column name quoted for SQL (the audit modules build their statements from the registry's names)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class AuditTable:
    model: type[models.Model]
    table: str
    pk: str  # column chained in order of
    key: str  # the chain key column
    columns: tuple[str, ...]  # every column but the chain columns, in the model's field order

    @property
    def label(self) -> str:
        return self.model._meta.label


def chain_key_column(model: type[models.Model]) -> str:
    if model.audit_chain_key:
        return model._meta.get_field(model.audit_chain_key).column
    if not getattr(model, "subject_field", ""):
        raise TypeError(f"{model._meta.label}: an audit model names its chain (subject_field or audit_chain_key)")
    return model._meta.get_field(model.subject_field).column


@cache
def audit_tables() -> tuple[AuditTable, ...]:
    """Every chained audit table of the installed apps, in table-name order (the seal's leaf order)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if not issubclass(model, AuditChained) or model._meta.proxy or not model._meta.managed:
            continue
        columns = tuple(f.column for f in model._meta.concrete_fields if f.column not in CHAIN_COLUMNS)
        found.append(AuditTable(model, model._meta.db_table, model._meta.pk.column, chain_key_column(model), columns))
    return tuple(sorted(found, key=lambda t: t.table))


def audit_table(table: str) -> AuditTable:
    for entry in audit_tables():
        if entry.table == table:
            return entry
    raise KeyError(table)


def table_of(model: type[models.Model]) -> AuditTable:
    return audit_table(model._meta.db_table)


def guarded_models() -> list[type[models.Model]]:
    """Append-only tables that are not chained (no chainer fill allowed)."""
    from arbitration.models import AuditSeal

    return [AuditSeal]
