"""Use cases: plain Python that takes a database session and returns plain data.

The UI, the CLI, the HTTP routes and the tests all call these; none of them imports Reflex.
One package per capability, in the order a case travels: ``intake``, ``queue``, ``review``,
``cases``, ``downstream``, ``identity``. What every capability uses stays here: ``lifecycle``
(the only way a status changes), ``audit`` (the hash-chained log) and ``background``.
"""
