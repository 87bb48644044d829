"""The legal desk's sections of the home queue and panels on the ticket page (registered in apps.ready())."""


def register() -> None:
    from arbitration.views.tickets import TICKET_ACTION_PANELS, TICKET_SIDE_PANELS
    from legal import list_exports, queues

    queues.register()  # the desk's sections of the home queue (docs/homes.md)
    list_exports.register()  # its list pages as CSV
    for panels, template in (
        (TICKET_SIDE_PANELS, "legal/_ticket_route.html"),
        (TICKET_ACTION_PANELS, "legal/_ticket_send.html"),
    ):
        if template not in panels:
            panels.append(template)
