"""Goods postings other services ask for, for their orders: production's confirmations
(261 issues, the 101 receipt, 531 by-products), maintenance's spare parts (a 261 issue).
Posted as one transaction in the consumer's, or refused in a savepoint and recorded
``failed`` for a retry; answered on the bus either way; a request id is posted once.

A source (``source.Source``: ``production.postings``, ``maintenance.issues``) says what is
its own: the request as a ``models.Command`` of document groups, its answers, its API
view. The rest is shared: ``postings`` (receive, attempt, record, answer) →
``documents`` (the command as the engine's documents, with ``locations`` defaults and
``lot_choice`` FEFO) → ``service.movements`` (the posting engine); ``scope`` (the event's
plant); the API's ``service`` (list, one, retry) and ``routes`` (filters, roles) →
``repo`` + ``queries.sql`` (table ``posting_requests``).
"""
