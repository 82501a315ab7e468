"""Inventory's side of maintenance: the spare parts a maintenance work order asks for
(``maintenance.parts_issue.requested``), posted as one 261 issue to the order and
answered with their value, or recorded as refused for a retry.

``handlers`` (the worker's) → ``inventory.posting_requests`` with ``issues.MAINTENANCE``
(what is maintenance's own: the request as one issue, the value it is answered with, the
API's view). The API: ``routes`` → ``posting_requests.service``.
"""
