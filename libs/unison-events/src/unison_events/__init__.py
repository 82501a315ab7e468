"""Event contracts, one module per producing service. Plain msgspec Structs, no I/O.

A contract changes compatibly (new optional fields) within its version; anything else
is a new ``v`` that consumers learn before producers send it.
"""
