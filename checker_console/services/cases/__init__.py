"""Finding and reading cases: the case list with its filters, and one case's overview.

Start at ``listing.py`` (``list_cases``), then ``overview.py`` (``case_overview``, one case)
and ``history.py`` (``case_history``: its decisions and audit timeline).
"""
