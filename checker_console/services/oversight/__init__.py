"""Oversight: the leads' dashboards and live board, and quality assurance of decisions.

Leads: start at ``dashboard.py`` (every figure for a period); ``scope.py`` says what is counted
(London days, never golden cases, never undone decisions); ``rollups.py`` keeps closed days'
decision figures and ``day_facts.py`` tallies them; ``live_board.py`` is who reviews what now;
``lead_actions.py`` is how a lead steers the queue. QA: start at ``decision_record.py``: every
decision writes a snapshot of what the checker saw (``snapshots.py``) and may be drawn for QA
(``sampling.py``); QA replays it blind (``replay.py``), agreement is measured per checker
(``agreement.py``), disagreements go to a lead (``adjudication.py``) and back to the checker
(``feedback.py``); golden cases (``golden.py``) are scored against their known answer.
"""
