"""A plain HTML ``<form>`` that the browser submits itself, for posts to our Starlette routes.

``rx.el.form`` always handles submission in JavaScript; signing out must instead be a real POST
that carries the HttpOnly cookie and follows the redirect as a full page load.
"""

from __future__ import annotations

from reflex_base.vars.base import Var
from reflex_components_core.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    tag = "form"

    action: Var[str]
    method: Var[str]
