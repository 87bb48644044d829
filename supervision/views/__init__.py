"""Pages of supervision: thin views that authorize through `supervision.access` and call one service."""
