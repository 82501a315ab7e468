"""Inventory carries out quality's decisions: a lot hold puts the lot in quarantine, a
usage decision that lifts it releases or blocks the lot (a partial acceptance also moves
the rejected quantity into blocked stock, 344), and an NCR's disposition moves the stock
(use as is: released, 343; scrap: 551; return to the supplier: 122; rework and sort: the
lot stays held).

``handlers`` (the worker's event handlers) → ``lot_status`` (holds and status changes) and
``postings`` (a request recorded, carried out or refused) → ``decisions`` /
``dispositions`` (a request as lot status changes and ``documents`` for the engine, with
``stock_places`` saying where the lot's stock lies) → ``service.movements`` (the posting
engine). The API: ``routes`` → ``service`` (the list, one, a retry) → ``repo`` +
``queries.sql``.
"""
