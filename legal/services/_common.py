"""Small pieces the legal services share: the actor as stored on a row."""


def real_user(actor):
    """The user to store on a row, or None for a system actor (a task, a command, an anonymous signal)."""
    return actor if actor is not None and actor.is_authenticated else None
