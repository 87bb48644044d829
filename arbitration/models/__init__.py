from .calendar import CalendarDay, CalendarYear, TimeLimitTier
from .city import Department, Duty, Matter, Territory
from .documents import DocumentSequence
from .graph import GraphVersion
from .tickets import Assignment, Ticket, TicketEvent
from .users import DepartmentMembership, User

__all__ = [
    "Assignment",
    "CalendarDay",
    "CalendarYear",
    "Department",
    "DepartmentMembership",
    "DocumentSequence",
    "Duty",
    "GraphVersion",
    "Matter",
    "Territory",
    "Ticket",
    "TicketEvent",
    "TimeLimitTier",
    "User",
]
