"""Fake people for sample cases: names, dates of birth, addresses and contact details.

Everything is clearly synthetic: NI numbers start with QQ (a prefix never issued, kept for
examples), emails are at example.org, mobiles are in Ofcom's 07700 900xxx drama range and
postcodes are in the non-existent ZZ area. Names come from short built-in lists, so no
dependency is needed and a seed always gives the same person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta


def _listed(words: str, sep: str | None = None) -> list[str]:
    """Long word lists kept as wrapped strings, so they stay short on screen."""
    return words.split(sep)


GIVEN_NAMES_F = _listed(
    "Amara Bethany Chloe Deborah Eilidh Fatima Grace Harriet Imogen Jasmine Keira Leah Maryam "
    "Niamh Olivia Priya Rhiannon Siobhan Tamsin Yasmin Zainab Aoife Ngozi Mei"
)
GIVEN_NAMES_M = _listed(
    "Aarav Ben Callum Daniel Ewan Farhan George Hamza Isaac Jamal Kieran Liam Mohammed Nathan "
    "Owen Rhys Samuel Tomasz Umar Wiktor Chidi Dylan Arjun Finlay"
)
MIDDLE_NAMES_F = _listed("Rose Louise Marie Ann Elizabeth")
MIDDLE_NAMES_M = _listed("James Alexander Thomas David John")
FAMILY_NAMES = _listed(
    "Adeyemi Ahmed Brennan Campbell Chowdhury Davies Evans Fernandes Gallagher Hughes Iqbal "
    "Jenkins Kowalski Lewis MacLeod Morgan Nowak Okafor Patel Quinn Robertson Singh Thompson "
    "Walsh Wright Zhang O'Neill Price-Jones"
)
#: Shortened or alternative forms an RA might type instead of the name on the document.
NICKNAMES = {
    "Daniel": "Dan",
    "Samuel": "Sam",
    "Olivia": "Liv",
    "Harriet": "Hattie",
    "Mohammed": "Mohammad",
    "Nathan": "Nate",
    "Deborah": "Debbie",
    "Isaac": "Ike",
}
STREETS = _listed(
    "Acacia Avenue|Brook Lane|Chapel Street|Dovecote Road|Elm Grove|Foundry Walk|Gas Street|"
    "Harbour View|Larkspur Close|Mill Race|Orchard Rise|Quarry Hill",
    sep="|",
)
TOWNS = _listed("Ambridge Walford Holby Weatherfield Emmerdale Hollyoaks Borchester")
BIRTH_PLACES = _listed("LONDON CARDIFF GLASGOW BELFAST LEEDS BRISTOL LAGOS DELHI")


@dataclass(frozen=True)
class Person:
    """The applicant as their documents describe them (the truth a checker compares against)."""

    given_names: str  # all given names, as on the document
    family_name: str
    date_of_birth: date
    sex: str  # "F" or "M", as printed on the document
    place_of_birth: str
    address_lines: tuple[str, ...]
    postcode: str
    email: str
    mobile: str
    ni_number: str

    @property
    def first_name(self) -> str:
        return self.given_names.split()[0]

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def ni_number(rng: random.Random) -> str:
    """A National Insurance number in the right shape, on the QQ prefix nobody is ever given."""
    return f"QQ{rng.randint(0, 999_999):06d}{rng.choice('ABCD')}"


#: Ages are counted back from a fixed day, not from today, so a seed gives the same people
#: (and so the same invitations) whatever day it is run on.
BIRTH_EPOCH = date(2026, 1, 1)


def random_person(rng: random.Random, *, case_tag: str) -> Person:
    """A student-aged or staff-aged applicant; ``case_tag`` keeps emails unique per case."""
    sex = rng.choice("FM")
    first = rng.choice(GIVEN_NAMES_F if sex == "F" else GIVEN_NAMES_M)
    middle = (
        rng.choice(MIDDLE_NAMES_F if sex == "F" else MIDDLE_NAMES_M) if rng.random() < 0.35 else ""
    )
    family = rng.choice(FAMILY_NAMES)
    age_days = int(rng.triangular(18 * 365.25, 55 * 365.25, 21 * 365.25))
    dob = BIRTH_EPOCH - timedelta(days=age_days)
    house = rng.randint(1, 180)
    address = (f"{house} {rng.choice(STREETS)}", rng.choice(TOWNS).upper())
    slug = f"{first}.{family}".lower().replace("'", "").replace(" ", "")
    return Person(
        given_names=f"{first} {middle}".strip(),
        family_name=family,
        date_of_birth=dob,
        sex=sex,
        place_of_birth=rng.choice(BIRTH_PLACES),
        address_lines=address,
        postcode=_postcode(rng),
        email=f"{slug}.{case_tag}@example.org",
        mobile=f"07700900{rng.randint(0, 999):03d}",
        ni_number=ni_number(rng),
    )


def mismatched_name(rng: random.Random, person: Person) -> tuple[str, str]:
    """A (given, family) name an RA might type that does not match the document."""
    nickname = NICKNAMES.get(person.first_name)
    if nickname and rng.random() < 0.5:
        return nickname, person.family_name
    choice = rng.random()
    if choice < 0.4:
        # A previous (maiden) name: name changes cannot be handled remotely.
        others = [name for name in FAMILY_NAMES if name != person.family_name]
        return person.first_name, rng.choice(others)
    if choice < 0.7:
        slip = _swapped_letters(rng, person.family_name)
        if slip != person.family_name:
            return person.first_name, slip
    pool = GIVEN_NAMES_F if person.sex == "F" else GIVEN_NAMES_M
    return rng.choice([n for n in pool if n != person.first_name]), person.family_name


def _swapped_letters(rng: random.Random, name: str) -> str:
    """A typing slip: two neighbouring letters swapped (unchanged if none differ)."""
    spots = [i for i in range(1, len(name) - 1) if name[i] != name[i + 1] and name[i + 1].isalpha()]
    if not spots:
        return name
    at = rng.choice(spots)
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


def mismatched_birth_date(rng: random.Random, person: Person) -> date:
    """A date of birth that differs the way real typing mistakes do."""
    dob = person.date_of_birth
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.5:
        return dob.replace(month=dob.day, day=dob.month)  # US-style day/month swap
    if rng.random() < 0.5:
        return dob - timedelta(days=365)  # a year out
    return dob + timedelta(days=rng.choice([-10, -1, 1, 10]))
