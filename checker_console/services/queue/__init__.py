"""The review queue: claims and leases, reservations of the next case, the queue page's list.

Start at ``claims.py`` (``claim_next_case``); ``claim_statement.py`` is PostgreSQL's fast path.
"""
