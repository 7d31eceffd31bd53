"""Intake: RA invitations, an applicant's submission, and the hostile-upload image pipeline.

Start at ``submissions.py`` (``submit_application``); ``checks.py`` holds the field checks.
"""
