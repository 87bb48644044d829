"""gunicorn's settings, read from the directory it is started in (the repository's root in every command of docs/ and
scripts/): command-line options still win."""


def post_worker_init(worker) -> None:
    """Each worker builds the jurisdiction graph before it takes a request, so that no ticket page waits for the build
    (arbitration.graph.cache.graph_warm). The connection this opens is closed at the first request's start, as any
    connection past CONN_MAX_AGE is."""
    from django.db import DatabaseError

    from arbitration.graph import graph_warm

    try:
        graph_warm()
    except DatabaseError as error:  # a database not reachable yet must not stop the worker: its first use builds it
        worker.log.warning("The jurisdiction graph was not built at start: %s", error)
