"""Placeholder: routes are added by the module's owner."""

routes: list = []
