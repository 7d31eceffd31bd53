"""A checker's next case, leased and opened, in one call from the review page.

Returning lapsed leases, claiming and opening the workspace are three units of work; the page
used to call them one by one, and each call was a hop from the server's event loop to a worker
thread and back. Under a team's load every hop waits its turn on a busy loop, so the time from a
decision to the next case grew with the number of hops. Here they run back to back in one
thread: the same three commits, one wait.
"""

from __future__ import annotations

from sqlmodel import Session

from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import expire_leases
from checker_console.services.review.workspace import Workspace, open_workspace


def open_next_case(
    session: Session,
    *,
    checker_id: str,
    checker_email: str | None = None,
    include_referred: bool = False,
) -> Workspace | None:
    """The workspace of the case this checker now holds, or None when nothing is left for them.

    Lapsed leases go back to the queue first, so a case a colleague walked away from is not
    missed while the background sweep is still to come. Raises ``CaseNotLeasedToYou`` if the
    lease ran out between the claim and the opening (the page says so).
    """
    expire_leases(session)
    claimed = claim_next_case(
        session,
        checker_id=checker_id,
        checker_email=checker_email,
        include_referred=include_referred,
    )
    if claimed is None:
        return None
    return open_workspace(session, case_id=claimed.case_id, checker_id=checker_id)
