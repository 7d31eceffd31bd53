from __future__ import annotations

import pytest

from checker_console.domain.roles import (
    CHECKER,
    LEAD,
    QA,
    MalformedRoles,
    NrbacRole,
    RolePolicy,
    assurance_level,
    console_roles_for,
    landing_route,
    parse_nrbac_roles,
    required_roles_text,
    selected_role,
)

POLICY = RolePolicy()


def role(roleid: str, role_code: str, *activities: str, org: str = "X26") -> dict[str, object]:
    return {
        "person_roleid": roleid,
        "org_code": org,
        "role_code": role_code,
        "role_name": '"Admin":"Admin":"Some role"',
        "activity_codes": list(activities),
    }


def roles_of(claim: list[dict[str, object]], selected: str | None) -> list[str]:
    return console_roles_for(selected_role(parse_nrbac_roles(claim), selected), POLICY)


def test_the_ra_id_checker_activity_code_makes_an_id_checker() -> None:
    claim = [role("1001", "S8000:G8001:R5090", "B0267")]
    assert roles_of(claim, "1001") == [CHECKER]


def test_the_ra_manager_job_role_makes_a_team_lead() -> None:
    assert roles_of([role("2001", "S8000:G8001:R5080")], "2001") == [LEAD]


def test_the_default_qa_code_makes_a_qa_reviewer() -> None:
    assert roles_of([role("3001", "S8000:G8001:R5090", "B0268")], "3001") == [QA]


def test_only_the_selected_role_counts_not_other_roles_the_person_holds() -> None:
    claim = [role("2001", "S8000:G8001:R5080"), role("2002", "S8000:G8001:R5090", "B0267")]
    assert roles_of(claim, "2001") == [LEAD]
    assert roles_of(claim, "2002") == [CHECKER]


def test_one_selected_role_can_give_several_console_roles_in_display_order() -> None:
    claim = [role("4001", "S8000:G8001:R5080", "B0268", "B0267")]
    assert roles_of(claim, "4001") == [CHECKER, LEAD, QA]


def test_no_selected_role_or_an_unknown_one_gives_nothing() -> None:
    claim = [role("1001", "S8000:G8001:R5090", "B0267")]
    assert roles_of(claim, None) == []
    assert roles_of(claim, "9999") == []


def test_a_nurse_role_gives_no_console_role() -> None:
    assert roles_of([role("5001", "S8000:G8000:R8001", "B0172")], "5001") == []


def test_codes_are_configurable_so_a_local_qa_code_can_replace_the_default() -> None:
    policy = RolePolicy.from_codes(checker=["B0267"], lead=["r5080"], qa=["R5090"])
    agent = NrbacRole("1", "X26", "S8000:G8001:R5090", "RA Agent", ())
    assert console_roles_for(agent, policy) == [QA]
    assert console_roles_for(agent, POLICY) == []


def test_a_job_role_code_matches_only_a_whole_part_of_role_code() -> None:
    near_miss = NrbacRole("1", "X26", "S8000:G8001:R50801", "Not a manager", ())
    assert console_roles_for(near_miss, POLICY) == []


def test_missing_roles_claim_means_no_roles_but_a_malformed_one_is_an_error() -> None:
    assert parse_nrbac_roles(None) == []
    with pytest.raises(MalformedRoles):
        parse_nrbac_roles({"person_roleid": "1"})
    with pytest.raises(MalformedRoles):
        parse_nrbac_roles([{"org_code": "X26"}])
    with pytest.raises(MalformedRoles):
        parse_nrbac_roles([role("1", "R5080") | {"activity_codes": "B0267"}])


def test_the_no_role_page_text_names_each_role_and_its_codes() -> None:
    assert required_roles_text(POLICY) == [
        "ID checker: RA ID checker (B0267)",
        "Team lead: RA manager (R5080)",
        "QA reviewer: B0268",
    ]


@pytest.mark.parametrize(
    ("claims", "level"),
    [
        ({"authentication_assurance_level": "3"}, 3),
        ({"authentication_assurance_level": 2}, 2),
        ({"authentication_assurance_level": "high"}, 0),
        ({}, 0),
    ],
)
def test_assurance_level_reads_the_claim_and_treats_anything_unreadable_as_zero(
    claims: dict[str, object], level: int
) -> None:
    assert assurance_level(claims) == level


def test_checkers_land_on_the_queue_and_leads_and_qa_on_the_case_list() -> None:
    assert landing_route([CHECKER]) == "/queue"
    assert landing_route([LEAD]) == "/dashboard"
    assert landing_route([QA]) == "/qa"
    assert landing_route([CHECKER, LEAD]) == "/dashboard"  # a lead's work comes first
    assert landing_route([]) == "/cases"
