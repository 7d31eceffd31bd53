"""A proof-of-address letter: a utility bill, council tax bill or bank statement.

Senders are fictional; the letter names the applicant exactly as their photo ID does and is
dated within the last three months, as the guidance for proof of address asks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageDraw

from checker_console.sample.drawing import INK, watermark
from checker_console.sample.fonts import font
from checker_console.sample.people import Person

#: A4 at about 170 dots per inch: readable when zoomed, cheap to draw.
LETTER_SIZE = (1400, 1980)


@dataclass(frozen=True)
class Sender:
    name: str
    department: str
    colour: tuple[int, int, int]
    document: str
    lines: tuple[str, ...]


SENDERS = (
    Sender(
        "Northfield Energy",
        "Customer Services",
        (0, 122, 94),
        "Your energy bill",
        ("Electricity used", "Gas used", "Standing charges", "VAT at 5%"),
    ),
    Sender(
        "Borchester Borough Council",
        "Council Tax",
        (92, 38, 120),
        "Council Tax bill",
        ("Band B annual charge", "Adult social care precept", "Police precept"),
    ),
    Sender(
        "Greenbank Water",
        "Billing Team",
        (0, 94, 184),
        "Your water bill",
        ("Water supply", "Wastewater", "Surface water drainage"),
    ),
    Sender(
        "Meridian Bank",
        "Current Account",
        (180, 40, 40),
        "Statement of account",
        (
            "Card payment: SAMPLE STORES",
            "Direct debit: GREENBANK WATER",
            "Transfer in: SALARY",
            "Card payment: STATION CAFE",
        ),
    ),
)


@dataclass(frozen=True)
class LetterData:
    person: Person
    sender: Sender
    dated: date
    reference: str
    amounts: tuple[float, ...]


def letter_data(rng: random.Random, person: Person, *, today: date) -> LetterData:
    sender = rng.choice(SENDERS)
    return LetterData(
        person=person,
        sender=sender,
        dated=today - timedelta(days=rng.randint(5, 80)),
        reference=f"{rng.randint(10_000_000, 99_999_999)}",
        amounts=tuple(round(rng.uniform(4, 240), 2) for _ in sender.lines),
    )


def draw_letter(rng: random.Random, data: LetterData) -> Image.Image:
    page = Image.new("RGB", LETTER_SIZE, (252, 252, 249))
    draw = ImageDraw.Draw(page)
    sender, person = data.sender, data.person
    width = LETTER_SIZE[0]
    # Letterhead.
    draw.ellipse((90, 90, 210, 210), fill=sender.colour)
    draw.text(
        (240, 100),
        sender.name,
        font=font(56),
        fill=sender.colour,
        stroke_width=1,
        stroke_fill=sender.colour,
    )
    draw.text((240, 170), sender.department, font=font(32), fill=(90, 90, 90))
    draw.text(
        (width - 480, 110),
        "PO Box 4020\nHolby\nZZ99 1AA",
        font=font(28),
        fill=(90, 90, 90),
        spacing=8,
    )
    # Recipient, as a window envelope shows it.
    address = "\n".join(
        [f"{_title(person)} {person.full_name}", *person.address_lines, person.postcode]
    )
    draw.multiline_text((110, 330), address, font=font(38), fill=INK, spacing=12)
    draw.text(
        (width - 480, 330), f"Date: {data.dated.day} {data.dated:%B %Y}", font=font(30), fill=INK
    )
    draw.text((width - 480, 380), f"Account: {data.reference}", font=font(30), fill=INK)
    draw.text((110, 640), sender.document, font=font(50), fill=INK, stroke_width=1, stroke_fill=INK)
    body = (
        f"Dear {_title(person)} {person.family_name},",
        "",
        "Thank you for being our customer. This letter sets out the charges for the period",
        f"ending {data.dated.day} {data.dated:%B %Y}. Please keep it for your records.",
    )
    draw.multiline_text((110, 740), "\n".join(body), font=font(32), fill=INK, spacing=14)
    # A table of charges.
    top = 1000
    draw.rectangle((110, top, width - 110, top + 60), fill=sender.colour)
    draw.text((130, top + 12), "Description", font=font(32), fill=(255, 255, 255))
    draw.text((width - 330, top + 12), "Amount", font=font(32), fill=(255, 255, 255))
    for row, (line, amount) in enumerate(zip(sender.lines, data.amounts, strict=True)):
        y = top + 80 + row * 62
        draw.text((130, y), line, font=font(32), fill=INK)
        draw.text((width - 330, y), f"GBP {amount:,.2f}", font=font(32), fill=INK)
        draw.line([(110, y + 52), (width - 110, y + 52)], fill=(200, 200, 200), width=2)
    total_y = top + 100 + len(sender.lines) * 62
    draw.text((130, total_y), "Total", font=font(36), fill=INK, stroke_width=1, stroke_fill=INK)
    draw.text(
        (width - 330, total_y),
        f"GBP {sum(data.amounts):,.2f}",
        font=font(36),
        fill=INK,
        stroke_width=1,
        stroke_fill=INK,
    )
    small_print = (
        f"{sender.name} is a fictional company used in sample data. Registered office: "
        "1 Sample Street, Holby ZZ99 1AA."
    )
    draw.text((110, LETTER_SIZE[1] - 140), small_print, font=font(24), fill=(120, 120, 120))
    draw.text(
        (110, LETTER_SIZE[1] - 100),
        f"Page 1 of 1   Ref {data.reference}-{rng.randint(1, 9)}",
        font=font(24),
        fill=(120, 120, 120),
    )
    watermark(page, opacity=45)
    return page


def _title(person: Person) -> str:
    return "Ms" if person.sex == "F" else "Mr"
