"""The review workspace: what a checker is shown for the case they hold, the aids, decisions.

Start at ``workspace.py`` (``open_workspace``); ``decisions.py`` approves, rejects and refers.
"""
