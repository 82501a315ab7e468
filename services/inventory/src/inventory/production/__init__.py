"""Inventory's side of production: a released order's components reserved, its
reservations released when it is cancelled or closed, and the goods postings a
confirmation asks for (backflushed issues with lot determination, the product's receipt,
by-products) posted as one transaction, or recorded as refused for a retry.

``handlers`` (the worker's event handlers) → ``order_reservations`` (+ ``repo``,
``queries.sql``) for reservations; goods postings are requests like maintenance's:
``postings`` says what is production's own (the request as documents, the answer) and
``inventory.posting_requests`` posts, records, lists and retries them. The API:
``routes`` → ``posting_requests.service``.
"""
