"""After a decision: the outbox, its worker, CIS profiles in CIM, emails through Notify.

Start at ``outbox.py``; ``worker.py`` runs the handlers in ``profile_requests.py`` and
``notifications.py``.
"""
