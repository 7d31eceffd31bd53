"""The fictional organisations whose Registration Authorities invite the sample applicants."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class SampleOrg:
    code: str
    name: str
    cohorts: tuple[str, ...]


#: Codes are made up (no real ODS code starts with these), names are fictional places.
SAMPLE_ORGS = (
    SampleOrg(
        "UQH01",
        "University of Holby",
        ("Nursing 2026", "Medicine year 3", "Midwifery 2026"),
    ),
    SampleOrg(
        "UQW02", "Walford Metropolitan University", ("Paramedic science 2026", "Nursing 2026")
    ),
    SampleOrg("RQB1", "Borchester General NHS Trust", ("New starters", "Bank staff")),
    SampleOrg("RQA2", "Ambridge Community Health NHS Trust", ("New starters", "Pharmacy")),
)


def choose_org(rng: random.Random) -> tuple[SampleOrg, str]:
    """An organisation and one of its cohorts; universities invite most applicants."""
    org = rng.choices(SAMPLE_ORGS, weights=(4, 3, 2, 1))[0]
    return org, rng.choice(org.cohorts)
