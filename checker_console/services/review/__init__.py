"""The review workspace: what a checker is shown for the case they hold, the aids, decisions.

Start at ``workspace.py`` (``open_workspace``); ``decisions.py`` approves, rejects and refers;
``face_match.py`` compares the photo ID's face with the selfie in the background, and
``face_view.py`` reads the result for the workspace.
"""
