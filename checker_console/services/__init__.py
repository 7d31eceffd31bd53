"""Use cases: plain Python that takes a database session and returns plain data.

The UI, the CLI, the HTTP routes and the tests all call these; none of them imports Reflex.
"""
