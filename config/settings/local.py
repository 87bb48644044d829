"""The embedded default: SQLite, tasks in-process, debug pages on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
