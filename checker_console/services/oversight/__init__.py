"""Oversight for team leads (and, with QA, reviewers): dashboards, the live board, lead actions.

Start at ``dashboard.py`` (``dashboard``: every figure for a period). ``scope.py`` says what is
counted (London days, never golden cases); ``rollups.py`` keeps closed days' decision figures
and ``day_facts.py`` tallies them; ``live_board.py`` is who reviews what now;
``lead_actions.py`` is how a lead steers the queue.
"""
