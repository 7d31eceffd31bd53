"""Which console roles a CIS2 user has: decided by the role they selected at sign-in, nothing else.

CIS2 lists every role a person holds in ``nhsid_nrbac_roles`` (userinfo) and names the one they
chose for this session in ``selected_roleid`` (ID token). Only that one counts: a lead who also
holds an ID checker role elsewhere works as a lead until they sign in choosing the other role.

A console role is given by a code on the selected role: an activity code (``B0267``, "RA ID
checker") or a job role code, the ``R`` part of ``role_code`` (``S8000:G8001:R5080``, "RA
manager"). Which codes give which console role is a :class:`RolePolicy`, built from settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

CHECKER = "checker"
LEAD = "lead"
QA = "qa"
#: In the order the console shows them.
CONSOLE_ROLES: tuple[str, ...] = (CHECKER, LEAD, QA)

ROLE_TITLES = {CHECKER: "ID checker", LEAD: "Team lead", QA: "QA reviewer"}

#: Names of the national codes this console talks about, for pages people read.
KNOWN_CODE_NAMES = {
    "B0267": "RA ID checker",
    "R5080": "RA manager",
    "R5090": "RA agent",
    "B1300": "Sponsor",
}


def landing_route(roles: Iterable[str]) -> str:
    """Where a person starts after signing in (and where ``/`` sends them), by console role.

    Checkers start on the queue, which hands them cases without names to pick from; leads on
    their dashboard; QA reviewers on their list of cases to replay. Someone with no console role
    gets the case list route, whose page tells them which role they need.
    """
    held = set(roles)
    if LEAD in held:
        return "/dashboard"
    if QA in held:
        return "/qa"
    if CHECKER in held:
        return "/queue"
    return "/cases"


@dataclass(frozen=True)
class RolePolicy:
    """CIS2 codes (activity or job role) on the selected role that give each console role."""

    checker_codes: frozenset[str] = frozenset({"B0267"})
    lead_codes: frozenset[str] = frozenset({"R5080"})
    qa_codes: frozenset[str] = frozenset({"B0268"})

    @classmethod
    def from_codes(
        cls, *, checker: Iterable[str], lead: Iterable[str], qa: Iterable[str]
    ) -> RolePolicy:
        def clean(codes: Iterable[str]) -> frozenset[str]:
            return frozenset(code.strip().upper() for code in codes if code.strip())

        return cls(checker_codes=clean(checker), lead_codes=clean(lead), qa_codes=clean(qa))

    def codes_for(self, console_role: str) -> frozenset[str]:
        return {CHECKER: self.checker_codes, LEAD: self.lead_codes, QA: self.qa_codes}[console_role]


@dataclass(frozen=True)
class NrbacRole:
    """One entry of ``nhsid_nrbac_roles``: a role a person holds at one organisation."""

    person_roleid: str
    org_code: str
    role_code: str
    role_name: str
    activity_codes: tuple[str, ...] = ()

    @property
    def job_role_codes(self) -> tuple[str, ...]:
        """The parts of ``role_code`` (``S8000:G8001:R5080`` gives S8000, G8001 and R5080)."""
        return tuple(part.strip().upper() for part in self.role_code.split(":") if part.strip())

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.job_role_codes) | {code.upper() for code in self.activity_codes}


class MalformedRoles(ValueError):
    """``nhsid_nrbac_roles`` is not the list of role objects CIS2 documents."""


def parse_nrbac_roles(claim: object) -> list[NrbacRole]:
    """Read ``nhsid_nrbac_roles``; a missing claim means no roles, a malformed one is an error."""
    if claim is None:
        return []
    if not isinstance(claim, list):
        raise MalformedRoles("nhsid_nrbac_roles must be a list of role objects")
    return [_parse_one(entry) for entry in claim]


def _parse_one(entry: object) -> NrbacRole:
    if not isinstance(entry, Mapping) or not entry.get("person_roleid"):
        raise MalformedRoles("each nhsid_nrbac_roles entry needs a person_roleid")
    activities: Any = entry.get("activity_codes") or []
    if not isinstance(activities, list) or not all(isinstance(a, str) for a in activities):
        raise MalformedRoles("activity_codes must be a list of codes")
    return NrbacRole(
        person_roleid=str(entry["person_roleid"]),
        org_code=str(entry.get("org_code") or ""),
        role_code=str(entry.get("role_code") or ""),
        role_name=str(entry.get("role_name") or ""),
        activity_codes=tuple(activities),
    )


def selected_role(roles: Iterable[NrbacRole], selected_roleid: str | None) -> NrbacRole | None:
    """The role whose ``person_roleid`` is the ID token's ``selected_roleid``, if any."""
    if not selected_roleid:
        return None
    return next((role for role in roles if role.person_roleid == selected_roleid), None)


def console_roles_for(role: NrbacRole | None, policy: RolePolicy) -> list[str]:
    """The console roles the selected role gives, in display order; empty means no access."""
    if role is None:
        return []
    return [name for name in CONSOLE_ROLES if role.codes & policy.codes_for(name)]


def describe_code(code: str) -> str:
    """``B0267`` as people read it: "RA ID checker (B0267)", or just the code if unknown."""
    name = KNOWN_CODE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def required_roles_text(policy: RolePolicy) -> list[str]:
    """One line per console role naming the CIS2 codes that give it, for the "no role" page."""
    lines = []
    for name in CONSOLE_ROLES:
        codes = sorted(policy.codes_for(name))
        if codes:
            lines.append(f"{ROLE_TITLES[name]}: " + " or ".join(describe_code(c) for c in codes))
    return lines


def assurance_level(claims: Mapping[str, Any]) -> int:
    """The ID token's ``authentication_assurance_level`` as a number; 0 if missing or unreadable."""
    raw = claims.get("authentication_assurance_level")
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return 0
