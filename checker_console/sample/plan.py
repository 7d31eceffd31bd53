"""The facts of one sample case, decided before any pixel is drawn, and its ground truth.

Case ``i`` of seed ``S`` is planned from its own ``random.Random`` seeded from (S, i), so a case
does not depend on how many cases are made or in which order. Dates are relative to ``today``
(the day of seeding), so an "expired" document stays expired and an in-date one stays in date
for months after.

Which cases are defective follows a low-discrepancy sequence rather than a coin toss per case,
so any run of cases has close to ``defect_share`` of them defective.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from checker_console.domain.document_checks import add_months, expiry_status, long_date
from checker_console.domain.reasons import DocumentKind
from checker_console.sample.defects import DEFECT_NOTE, Defect, choose_defects, reasons_for
from checker_console.sample.faces import FaceParams, different_face, random_face
from checker_console.sample.organisations import SampleOrg, choose_org
from checker_console.sample.passport import CHECK_POSITIONS
from checker_console.sample.people import (
    Person,
    mismatched_birth_date,
    mismatched_name,
    random_person,
)

DEFAULT_DEFECT_SHARE = 0.3
_GOLDEN = 0.6180339887498949


@dataclass(frozen=True)
class Truth:
    """What a correct checker decides, and why."""

    outcome: str  # "approve" or "reject"
    reasons: tuple[str, ...]
    defects: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class CasePlan:
    index: int
    seed: int  # this case's own seed
    org: SampleOrg
    cohort: str
    person: Person  # as the documents show them
    invited_given_name: str
    invited_family_name: str
    invited_date_of_birth: date
    photo_id: DocumentKind
    issued: date
    expires: date
    defects: tuple[Defect, ...]
    #: For the wrong-MRZ defect: which check digit is wrong.
    broken_check: str | None
    face: FaceParams
    selfie_face: FaceParams
    truth: Truth


def case_seed(seed: int, index: int) -> int:
    """A 31-bit seed for case ``index`` of run ``seed`` (fits any database's integer)."""
    digest = hashlib.sha256(f"checker-console-sample:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFF_FFFF


def is_defective(seed: int, index: int, defect_share: float) -> bool:
    """Whether case ``index`` gets defects: a golden-ratio sequence with a per-seed offset."""
    offset = case_seed(seed, -1) / 0x7FFF_FFFF
    return ((offset + index * _GOLDEN) % 1.0) < defect_share


def plan_case(
    seed: int, index: int, *, today: date, defect_share: float = DEFAULT_DEFECT_SHARE
) -> CasePlan:
    own_seed = case_seed(seed, index)
    rng = random.Random(own_seed)
    person = random_person(rng, case_tag=f"s{seed}c{index}")
    org, cohort = choose_org(rng)
    photo_id = DocumentKind.PASSPORT if rng.random() < 0.6 else DocumentKind.DRIVING_LICENCE
    chosen = choose_defects(rng, photo_id) if is_defective(seed, index, defect_share) else ()
    notes: list[str] = []

    # The RA types the name exactly as on the photo ID, middle names included.
    given, family = person.given_names, person.family_name
    if Defect.NAME_MISMATCH in chosen:
        given, family = mismatched_name(rng, person)
        notes.append(f"Invited as {given} {family}; the documents say {person.full_name}.")
    invited_dob = person.date_of_birth
    if Defect.DOB_MISMATCH in chosen:
        invited_dob = mismatched_birth_date(rng, person)
        notes.append(
            f"Invited with date of birth {long_date(invited_dob)}; the documents say "
            f"{long_date(person.date_of_birth)}."
        )
    issued, expires = _validity(rng, photo_id, today, expired=Defect.EXPIRED in chosen)
    status = expiry_status(photo_id, expires, today)
    if status.state != "in_date":
        notes.append(status.text)
    broken_check = None
    if Defect.WRONG_MRZ_CHECK_DIGIT in chosen:
        broken_check = rng.choice(sorted(CHECK_POSITIONS))
        notes.append(f"The MRZ check digit for {broken_check.replace('_', ' ')} is wrong.")
    face = random_face(rng, sex=person.sex)
    selfie_face = face
    if Defect.DIFFERENT_FACE in chosen:
        selfie_face = different_face(rng, face, sex=person.sex)
    notes.extend(DEFECT_NOTE[d] for d in chosen if d in DEFECT_NOTE)
    if not chosen:
        notes.insert(0, "Everything matches: approve.")
    return CasePlan(
        index=index,
        seed=own_seed,
        org=org,
        cohort=cohort,
        person=person,
        invited_given_name=given,
        invited_family_name=family,
        invited_date_of_birth=invited_dob,
        photo_id=photo_id,
        issued=issued,
        expires=expires,
        defects=chosen,
        broken_check=broken_check,
        face=face,
        selfie_face=selfie_face,
        truth=Truth(
            outcome="reject" if chosen else "approve",
            reasons=tuple(str(r) for r in reasons_for(chosen)),
            defects=tuple(str(d) for d in chosen),
            note=" ".join(notes),
        ),
    )


def _validity(
    rng: random.Random, kind: DocumentKind, today: date, *, expired: bool
) -> tuple[date, date]:
    """Issue and expiry dates (both documents last 10 years).

    Expired passports are 8 to 36 months past expiry (clear of the 6-month grace); some good
    passports are 1 to 3 months past expiry, inside the grace, to test that rule. In-date
    documents have at least 6 months left, so the truth holds for months after seeding.
    """
    if expired:
        months = rng.randint(8, 36) if kind == DocumentKind.PASSPORT else rng.randint(1, 30)
        expires = today - timedelta(days=months * 30 + rng.randint(0, 20))
    elif kind == DocumentKind.PASSPORT and rng.random() < 0.15:
        expires = today - timedelta(days=rng.randint(30, 90))
    else:
        expires = today + timedelta(days=rng.randint(190, 3600))
    issued = add_months(expires, -120) + timedelta(days=1)
    return issued, expires
