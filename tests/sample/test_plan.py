"""Planning sample cases: which are defective, what the truth is, and that it is all fake data.

Planning draws no pixels, so these tests look at hundreds of cases in a fraction of a second.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from checker_console.domain.document_checks import ExpiryState, expiry_status
from checker_console.domain.reasons import RejectionReason
from checker_console.sample.defects import DEFECT_REASON, Defect
from checker_console.sample.plan import CasePlan, plan_case

TODAY = date(2026, 3, 10)


def _plans(seed: int, count: int, share: float = 0.3) -> list[CasePlan]:
    return [plan_case(seed, i, today=TODAY, defect_share=share) for i in range(count)]


def test_same_seed_plans_the_same_cases() -> None:
    assert [asdict(p) for p in _plans(11, 20)] == [asdict(p) for p in _plans(11, 20)]


def test_a_case_does_not_depend_on_how_many_are_made() -> None:
    assert asdict(_plans(11, 40)[7]) == asdict(plan_case(11, 7, today=TODAY, defect_share=0.3))


def test_different_seeds_plan_different_people() -> None:
    names = {p.person.full_name for p in _plans(1, 10)}
    assert names != {p.person.full_name for p in _plans(2, 10)}


@pytest.mark.parametrize("share", [0.0, 0.3, 0.5, 1.0])
def test_defect_share_is_respected_for_forty_cases(share: float) -> None:
    defective = sum(1 for p in _plans(5, 40, share) if p.defects)

    assert abs(defective - 40 * share) <= 2


def test_truth_rejects_exactly_the_defective_cases_with_their_reasons() -> None:
    for plan in _plans(21, 200, share=0.5):
        truth = plan.truth
        assert truth.defects == tuple(str(d) for d in plan.defects)
        if plan.defects:
            assert truth.outcome == "reject"
            assert set(truth.reasons) == {str(DEFECT_REASON[d]) for d in plan.defects}
            assert all(reason in set(RejectionReason) for reason in truth.reasons)
        else:
            assert truth.outcome == "approve" and truth.reasons == ()


def test_every_defect_appears_in_a_few_hundred_cases() -> None:
    seen = {d for p in _plans(3, 300, share=0.5) for d in p.defects}

    assert seen == set(Defect)


def test_mismatch_defects_make_the_invitation_differ_from_the_documents() -> None:
    for plan in _plans(8, 200, share=0.6):
        person = plan.person
        invited_name = (plan.invited_given_name, plan.invited_family_name)
        name_differs = invited_name != (person.given_names, person.family_name)
        assert name_differs == (Defect.NAME_MISMATCH in plan.defects)
        dob_differs = plan.invited_date_of_birth != person.date_of_birth
        assert dob_differs == (Defect.DOB_MISMATCH in plan.defects)


def test_expiry_dates_agree_with_the_expiry_rule_on_the_day_of_seeding() -> None:
    grace_cases = 0
    for plan in _plans(9, 200, share=0.4):
        status = expiry_status(plan.photo_id, plan.expires, TODAY)
        assert status.accepted == (Defect.EXPIRED not in plan.defects)
        grace_cases += status.state is ExpiryState.PASSPORT_GRACE
    assert grace_cases > 0, "some good passports should be inside the 6-month grace"


def test_in_date_documents_stay_in_date_for_months() -> None:
    for plan in _plans(9, 100):
        if plan.expires >= TODAY:
            assert (plan.expires - TODAY).days >= 180


def test_different_face_defect_draws_the_selfie_from_someone_else() -> None:
    for plan in _plans(4, 120, share=0.5):
        assert (plan.selfie_face != plan.face) == (Defect.DIFFERENT_FACE in plan.defects)


def test_wrong_mrz_defect_only_on_passports_and_names_the_check() -> None:
    for plan in _plans(6, 200, share=0.6):
        if Defect.WRONG_MRZ_CHECK_DIGIT in plan.defects:
            assert plan.photo_id == "passport"
            assert plan.broken_check is not None
            assert plan.broken_check.replace("_", " ") in plan.truth.note
        else:
            assert plan.broken_check is None


def test_personal_details_are_clearly_synthetic() -> None:
    for plan in _plans(12, 60):
        person = plan.person
        assert person.ni_number.startswith("QQ") and len(person.ni_number) == 9
        assert person.email.endswith("@example.org")
        assert person.mobile.startswith("07700900") and len(person.mobile) == 11
        assert person.postcode.startswith("ZZ")


def test_emails_are_unique_per_case_so_invitations_never_collide() -> None:
    emails = [p.person.email for p in _plans(1, 50) + _plans(2, 50)]

    assert len(set(emails)) == len(emails)
