"""Retention: identity images kept only as long as they are needed, and erasure on request.

Start at ``purge.py`` (``purge``); the rule itself is ``domain/retention.py``.
"""
