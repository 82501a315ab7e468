"""Inventory's side of production: a released order's components reserved, its
reservations released when it is cancelled or closed, and the goods postings a
confirmation asks for (backflushed issues with lot determination, the product's receipt,
by-products) posted as one transaction, or recorded as refused for a retry.

``handlers`` (the worker's event handlers) → ``order_reservations`` / ``postings`` (the
request posted or refused) → ``documents`` (the request as the engine's documents, with
``locations`` and ``lot_choice``) → ``service.movements`` (the posting engine). The API:
``routes`` → ``service`` (the list, one, a retry) → ``repo`` + ``queries.sql``.
"""
