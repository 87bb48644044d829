"""Every write of supervision: one `@transaction.atomic` function per action (STYLE.md §3)."""
