"""Finding and reading cases: the case list with its filters, and one case's overview.

Start at ``listing.py`` (``list_cases``, ``case_overview``).
"""
