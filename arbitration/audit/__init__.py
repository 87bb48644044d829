"""The audit trail: append-only tables (triggers), per-object hash chains, daily seals and their verification.

See docs/audit.md. Modules: `mixins` (the columns every audit table carries), `registry` (which tables are audit
tables, from the app registry), `triggers` (the database refuses UPDATE/DELETE), `chain` (the lazy chainer),
`seals` (the daily Merkle seal), `verify` (recompute everything), `tasks` (Celery beat).
"""
