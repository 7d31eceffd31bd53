"""Oversight: quality assurance of decisions (and, beside it, the leads' dashboards).

Start at ``decision_record.py``: every decision writes a snapshot of what the checker saw
(``snapshots.py``) and may be drawn for QA (``sampling.py``). QA replays a drawn case blind
(``replay.py``), agreement is measured per checker (``agreement.py``), disagreements go to a lead
(``adjudication.py``) and, once ruled on, back to the checker (``feedback.py``). Golden cases
(``golden.py``) are scored against their known answer. The browser's record of how a checker
looked at the images arrives through ``viewing_trail.py``.
"""
