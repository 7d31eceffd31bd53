"""May this signed-in user do this? One answer for every entry point, and a record of every "no".

The browser hides what a role may not use, but any client can call any Reflex event handler
with any arguments, so a hidden button is no protection. Every handler that needs a role asks
:func:`authorize` on the server. A refusal is written to the audit chain as ``ui.refused`` (who,
which handler, which role it needed): a checker's browser calling a lead's handler is either a
bug or someone probing, and a lead should be able to find either afterwards.
"""

from __future__ import annotations

from sqlmodel import Session

from checker_console.domain.roles import ROLE_TITLES
from checker_console.services.audit import append_audit
from checker_console.services.identity.sessions import SignedInUser

REFUSED_ACTION = "ui.refused"


def authorize(session: Session, user: SignedInUser, role: str, *, handler: str) -> bool:
    """True if ``user`` holds ``role``; otherwise audit the refusal (the caller commits) and
    return False. ``handler`` names what was asked for, e.g. ``downstream.retry_profile``."""
    if role in user.roles:
        return True
    append_audit(
        session,
        actor=user.user_id,
        action=REFUSED_ACTION,
        detail={"handler": handler[:120], "needs": role, "had": list(user.roles)},
    )
    return False


def refusal_message(role: str) -> str:
    """What the person who was refused reads."""
    title = ROLE_TITLES.get(role, role).lower()
    return f"Only a {title} can do that. Ask a {title} if it needs doing."
