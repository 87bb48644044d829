"""Signals arbitration sends. Other apps connect to them in their AppConfig.ready(); arbitration never
imports supervision or legal (ARCHITECTURE.md)."""

from django.dispatch import Signal

# A duty was opened or closed: caches over the catalogue (the jurisdiction graph) are stale.
duty_changed = Signal()

# `manage.py seed_demo` built the demo city and its tickets. Receivers add their own demo data.
# Keyword arguments: context (arbitration.demo.DemoContext), rng (random.Random, seeded: use it, never the global
# random), stdout (the command's output wrapper) and, from the context for convenience, city and users.
demo_seeded = Signal()

# New tickets were received (intake or the bulk path), inside the receiving transaction.
# Keyword arguments: tickets (list of arbitration.models.Ticket, matter loaded), actor (user or None).
# The legal desk opens a legal case for tickets of a legal-type matter.
ticket_received = Signal()

# A department bounced an assignment, inside the bouncing transaction.
# Keyword arguments: bounce (arbitration.models.Bounce, reason loaded), actor.
# The legal desk opens a legal case when the reason routes to it ("涉及诉讼或仲裁").
bounce_created = Signal()

# A dispatcher rejected a bounce on review (无理退单), inside the reviewing transaction.
# Keyword arguments: bounce (arbitration.models.Bounce), actor. Supervision counts it against the department.
bounce_rejected = Signal()

# A ruled department declared that it refuses a conference ruling, inside that transaction.
# Keyword arguments: ruling (arbitration.models.Ruling), refusal (arbitration.models.DecisionRefusal), actor.
ruling_refused = Signal()

# A department refused a city leader's final decision, inside that transaction; supervision takes it from here.
# Keyword arguments: decision (arbitration.models.LeaderDecision), refusal (arbitration.models.DecisionRefusal), actor.
leader_decision_refused = Signal()

# A reorganisation (机构改革) was carried out, inside that transaction: departments' duties, open tickets and people
# have moved. Keyword arguments: reorganisation (arbitration.models.Reorganisation), moves (list of
# (from_department_id, to_department_id) pairs), actor. Supervision moves its monthly topics and their grants.
departments_reorganised = Signal()
# Something a ticket is counted by changed: it was re-sent with new fields, given to a department or taken from
# one, or disputed. Sent inside the changing transaction. Keyword arguments: ticket_ids (list of int).
# Supervision recomputes the cockpit's daily counts of the days concerned (docs/cockpit.md).
ticket_counts_changed = Signal()
