"""The CIS2 stand-in's synthetic people, and the CIS2-shaped claims it issues for them.

Names match the demo sign-in's users (``services.identity.sessions.DEMO_USERS``), so a demo looks
the
same whichever way people sign in. UIDs are 12 digits starting 5550000, which no real person has
in this demo's world. Every role sits at organisation X26, the central checking team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CENTRAL_TEAM_ORG = "X26"


@dataclass(frozen=True)
class DemoRole:
    person_roleid: str
    role_code: str
    role_name: str
    activity_codes: tuple[str, ...] = ()
    org_code: str = CENTRAL_TEAM_ORG

    def as_claim(self) -> dict[str, Any]:
        """One entry of ``nhsid_nrbac_roles``, as CIS2 userinfo carries it."""
        return {
            "person_roleid": self.person_roleid,
            "org_code": self.org_code,
            "role_code": self.role_code,
            "role_name": self.role_name,
            "activity_codes": list(self.activity_codes),
        }


@dataclass(frozen=True)
class DemoPerson:
    username: str
    uid: str
    given_name: str
    family_name: str
    roles: tuple[DemoRole, ...]
    #: The role this person picks on CIS2's role-selection page (``selected_roleid``).
    selected_roleid: str
    #: "3" for smartcard, Windows Hello or a security key; "2" for weaker ways in.
    assurance_level: str = "3"
    #: How they signed in, as CIS2's ``amr`` says it.
    methods: tuple[str, ...] = ("SCA",)
    summary: str = ""

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def acr(self) -> str:
        return f"AAL{self.assurance_level}_ANY"

    @property
    def email(self) -> str:
        return f"{self.username}@example.nhs.uk"

    def identity_claims(self) -> dict[str, Any]:
        """Claims that go into both the ID token and userinfo."""
        return {
            "sub": self.uid,
            "uid": self.uid,
            "nhsid_useruid": self.uid,
            "name": self.name,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "email": self.email,
            "selected_roleid": self.selected_roleid,
        }

    def id_token_claims(self) -> dict[str, Any]:
        return {
            **self.identity_claims(),
            "authentication_assurance_level": self.assurance_level,
            "id_assurance_level": "3",
            "acr": self.acr,
            "amr": list(self.methods),
        }

    def userinfo(self) -> dict[str, Any]:
        return {
            **self.identity_claims(),
            "nhsid_nrbac_roles": [role.as_claim() for role in self.roles],
        }


def _agent_role(roleid: str, *activities: str) -> DemoRole:
    return DemoRole(roleid, "S8000:G8001:R5090", '"Admin":"Admin":"RA Agent"', activities)


DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(
        "checker.one", "555000000001", "Sam", "Patel",
        (_agent_role("555000000101", "B0267"),), "555000000101",
        summary="ID checker (B0267)",
    ),
    DemoPerson(
        "checker.two", "555000000002", "Alex", "Morgan",
        (_agent_role("555000000201", "B0267"),), "555000000201",
        methods=("FIDO2",), summary="ID checker (B0267), signs in with a security key",
    ),
    DemoPerson(
        "lead.one", "555000000003", "Jordan", "Lee",
        (
            DemoRole("555000000301", "S8000:G8001:R5080", '"Admin":"Admin":"RA Manager"'),
            _agent_role("555000000302", "B0267"),
        ),
        "555000000301",
        summary="Team lead (RA manager R5080); also holds an ID checker role, not selected",
    ),
    DemoPerson(
        "qa.one", "555000000004", "Priya", "Shah",
        (_agent_role("555000000401", "B0268"),), "555000000401",
        summary="QA reviewer (B0268, the console's default QA code)",
    ),
    DemoPerson(
        "no.role", "555000000005", "Robin", "Clarke",
        (DemoRole("555000000501", "S8000:G8000:R8001", '"Clinical":"Nursing":"Nurse"'),),
        "555000000501",
        summary="Signed in with a nurse role: no console role",
    ),
    DemoPerson(
        "aal2.one", "555000000006", "Taylor", "Quinn",
        (_agent_role("555000000601", "B0267"),), "555000000601",
        assurance_level="2", methods=("PWD", "OTP"),
        summary="ID checker role, but signed in at assurance level 2 (password and code)",
    ),
)  # fmt: skip


def find_person(username: str) -> DemoPerson | None:
    return next((p for p in DEMO_PEOPLE if p.username == username), None)


def person_by_uid(uid: str) -> DemoPerson | None:
    return next((p for p in DEMO_PEOPLE if p.uid == uid), None)
