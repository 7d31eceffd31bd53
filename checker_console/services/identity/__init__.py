"""Who is signed in and what they may do: sessions, CIS2 sign-in, role checks.

Start at ``sessions.py`` (``resolve_session``); ``authorization.py`` refuses and audits.
"""
