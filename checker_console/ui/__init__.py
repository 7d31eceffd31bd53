"""The Reflex user interface: pages, their small state classes, shared components and the theme.

Only this package and ``checker_console.py`` import Reflex. Handlers are thin: they resolve the
signed-in user from the session cookie, call one service function and map its result to vars.
"""
