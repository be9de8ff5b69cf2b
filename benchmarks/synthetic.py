"""Synthetic archives for the benchmark: N valid actions, and the same bodies for stock Pelican.

Deterministic (one seeded random generator): the same N gives the same files.
Actions are spread over countries, themes, states and years; about a third of
the cases have follow-up updates; bodies are a few paragraphs long like real ones.

Two shapes (:data:`SHAPES`): ``basic``, the project's own benchmark (50 years, one
or two targets, the newest 1 % open), and ``heavy``, the archive of issue 29: 25
years (800 actions a year at 20,000), one to three targets with a postal address
and an email each, copies to the country's embassy in Belgium and to one abroad,
and a fifth of the actions still marked open (editors forget to close old cases:
most of those are past their deadline).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import yaml

BUILD_DATE = dt.date(2026, 11, 24)
COUNTRIES = [
    "EG", "IR", "SA", "CN", "RU", "TR", "BY", "VE", "MX", "CO", "BR", "US", "NG", "CM",
    "CD", "ET", "ER", "SD", "DZ", "MA", "TN", "SY", "IQ", "IL", "PS", "IN", "PK", "BD",
    "MM", "VN", "KH", "TH", "PH", "ID", "KZ", "UZ", "AZ", "GT", "HN", "NI",
]  # fmt: skip
THEMES = {
    "detention-arbitraire": "Détention arbitraire",
    "defenseurs-des-droits": "Défenseurs des droits humains",
    "torture": "Torture",
    "peine-de-mort": "Peine de mort",
    "liberte-expression": "Liberté d'expression",
    "disparitions-forcees": "Disparitions forcées",
    "refugies-migrants": "Réfugiés et migrants",
    "droits-des-femmes": "Droits des femmes",
}
FIRST = ["Karim", "Leila", "Omar", "Sara", "Yusuf", "Nadia", "Ivan", "Elena", "Lucas", "Ana", "Tariq", "Mei"]
LAST = ["Example", "Exemple", "Muster", "Ejemplo", "Esempio", "Voorbeeld", "Primer", "Przyklad"]
WORDS = [
    "arrestation",
    "détention",
    "procès",
    "tribunal",
    "avocat",
    "famille",
    "audience",
    "preuve",
    "libération",
    "santé",
    "prison",
    "militaire",
    "défense",
    "liberté",
    "témoin",
    "accusation",
    "juge",
    "autorités",
    "semaine",
    "mois",
    "droit",
    "rapport",
    "organisation",
    "journaliste",
    "militant",
    "manifestation",
    "condamnation",
    "peine",
    "appel",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def body(rng: random.Random) -> str:
    """A Markdown body of about 2 to 4 KB: paragraphs, a heading, sometimes a list and a link."""
    parts = [_paragraph(rng) for _ in range(rng.randint(2, 4))]
    parts.append("## Complément d'information")
    parts += [_paragraph(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))))
    if rng.random() < 0.3:
        parts.append(f"Voir aussi [le rapport](https://www.example.org/rapport-{rng.randint(1, 999)}).")
    return "\n\n".join(parts) + "\n"


def _target(rng: random.Random, country: str, index: int) -> dict:
    handle = f"@Ministre{country}{index}"
    target = {
        "name": f"Ministre de la Justice ({country})",
        "role": "Ministre",
        "salutation": "Monsieur le Ministre,",
        "address": f"Ministère de la Justice\n{index} rue de l'Exemple\nCapitale\n{country}\n",
        "email": f"ministre{index}@justice.example.org",
    }
    if rng.random() < 0.5:
        target["twitter"] = handle
    if rng.random() < 0.3:
        target["sms"] = "+32 470 00 00 00"
    return target


@dataclasses.dataclass(frozen=True)
class Shape:
    """What an archive is made of, besides its size."""

    years: int = 50
    # Targets per action (each with a postal address and an email).
    targets: tuple[int, int] = (1, 2)
    # Copies to the country's embassy in Belgium and to one abroad.
    copies: bool = False
    # The fraction of actions marked open (None: the newest 1 % only).
    open_share: float | None = None


SHAPES = {
    "basic": Shape(),
    "heavy": Shape(years=25, targets=(1, 3), copies=True, open_share=0.2),
}


def copies(country: str, case_number: int) -> list[dict]:
    """The "copies to" of an action: the embassy in Brussels (a Belgian address, no
    country line) and the one in Paris (``country: FR``)."""
    return [
        {
            "name": f"Ambassade ({country}) en Belgique",
            "address": f"Avenue de l'Exemple {case_number % 200 + 1}\n1000 Bruxelles\n",
            "email": f"ambassade.{country.lower()}@example.org",
        },
        {
            "name": f"Ambassade ({country}) en France",
            "address": f"{case_number % 90 + 1} rue de l'Exemple\n75008 Paris\nFRANCE\n",
            "country": "FR",
            "email": f"ambassade.{country.lower()}@example.fr",
        },
    ]


def mark_open(items: dict[str, tuple[dict, str]], share: float, seed: int) -> None:
    """Mark open the latest action of randomly chosen cases until ``share`` of the
    actions are open (a case has one open action at a time). Its deadline is 8 to
    17 weeks after its date (long enough for the post), so an old one is past it."""
    rng = random.Random(seed)
    latest: dict[str, str] = {}
    for slug, (front, _) in items.items():
        if front["case"] not in latest or items[latest[front["case"]]][0]["update"] < front["update"]:
            latest[front["case"]] = slug
    wanted = round(len(items) * share) - sum(front["state"] == "open" for front, _ in items.values())
    candidates = [slug for slug in latest.values() if items[slug][0]["state"] != "open"]
    for slug in sorted(rng.sample(candidates, max(0, min(wanted, len(candidates))))):
        front = items[slug][0]
        front["state"] = "open"
        front.pop("outcome", None)
        day = dt.date.fromisoformat(front["date"])
        front["deadline"] = (day + dt.timedelta(days=rng.randint(56, 120))).isoformat()


def actions(count: int, seed: int = 2026, shape: Shape = SHAPES["basic"]) -> dict[str, tuple[dict, str]]:
    """``count`` actions of ``shape`` as {slug: (front matter, Markdown body)}, newest last."""
    rng = random.Random(seed)
    result: dict[str, tuple[dict, str]] = {}
    start = BUILD_DATE - dt.timedelta(days=365 * shape.years)
    span = (BUILD_DATE - start).days
    case_number = 0
    per_year: dict[int, int] = {}
    while len(result) < count:
        case_number += 1
        updates = 1 if rng.random() < 0.67 else rng.randint(2, 4)
        updates = min(updates, count - len(result))
        first_day = start + dt.timedelta(days=int(span * len(result) / count) + rng.randint(0, 3))
        # The newest ones (1 %, at least 5) are from the last weeks: the open actions.
        left = count - len(result)
        if left <= max(5, count // 100):
            first_day = BUILD_DATE - dt.timedelta(days=int(50 * left / max(5, count // 100)))
        country = rng.choice(COUNTRIES)
        themes = rng.sample(sorted(THEMES), rng.randint(1, 2))
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        # Case numbers restart every year, like the real ones ("UA 45/26").
        per_year[first_day.year] = per_year.get(first_day.year, 0) + 1
        case = f"UA {per_year[first_day.year]}/{first_day.year % 100:02d}"
        for update in range(updates):
            day = min(first_day + dt.timedelta(days=40 * update), BUILD_DATE)
            slug = f"{country.lower()}-{person.split()[0].lower()}-{case_number}-{update}"
            recent = (BUILD_DATE - day).days < 60
            # A case has one open action at a time: its latest recent update.
            if recent:
                state = "open" if update == updates - 1 else "closed"
            else:
                state = rng.choice(["closed", "closed", "good-news"])
            front = {
                "title": f"{country} : {person}, cas {case_number}, mise à jour {update}",
                "case": case,
                "update": update,
                "date": day.isoformat(),
                "state": state,
                "country": country,
                "themes": themes,
                "people": [person],
                "summary": f"{person} est en danger. {_sentence(rng)}"[:280],
                "targets": [_target(rng, country, i) for i in range(1, rng.randint(*shape.targets) + 1)],
                "letters": [
                    {
                        "language": "fr",
                        "subject": f"Libérez {person}",
                        "body": f"Je vous écris au sujet de {person}.\n\n{_paragraph(rng)}\n",
                    }
                ],
                "sms": f"Liberez {person} #UA{case_number}"[:150],
                "tweet": f"Libérez {person} !",
            }
            if shape.copies:
                front["copies"] = copies(country, case_number)
            if state == "open":
                front["deadline"] = (day + dt.timedelta(days=rng.randint(20, 90))).isoformat()
            if state == "good-news":
                front["outcome"] = {"date": day.isoformat(), "text": f"{person} a été libéré·e."}
            result[slug] = (front, body(rng))
    if shape.open_share is not None:
        mark_open(result, shape.open_share, seed + 1)
    return result


def write_site(root: Path, items: dict[str, tuple[dict, str]]) -> Path:
    """content/ for the project: themes.yml and one .md per action."""
    content = root / "content"
    (content / "actions").mkdir(parents=True, exist_ok=True)
    (content / "themes.yml").write_text(yaml.safe_dump(THEMES, allow_unicode=True), "utf-8")
    for slug, (front, text) in items.items():
        write_action(content, slug, front, text)
    return content


def write_action(content: Path, slug: str, front: dict, text: str) -> Path:
    dumped = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    path = content / "actions" / f"{slug}.md"
    path.write_text(f"---\n{dumped}---\n{text}", "utf-8")
    return path


def write_stock_site(root: Path, items: dict[str, tuple[dict, str]]) -> Path:
    """The same bodies as plain Pelican articles (title, date, category = country, tags = themes)."""
    content = root / "stock-content"
    content.mkdir(parents=True, exist_ok=True)
    for slug, (front, text) in items.items():
        header = (
            f"Title: {front['title']}\nDate: {front['date']}\nCategory: {front['country']}\n"
            f"Tags: {', '.join(front['themes'])}\nSlug: {slug}\nSummary: {front['summary']}\n\n"
        )
        (content / f"{slug}.md").write_text(header + text, "utf-8")
    return content


STOCK_SETTINGS = """\
# Stock Pelican: no plugin, default theme, default outputs (feeds, tags, categories).
SITENAME = "Stock"
SITEURL = ""
TIMEZONE = "Europe/Brussels"
DEFAULT_LANG = "fr"
"""


# Distinct photos the actions with a photo share (as phones take them: EXIF with GPS).
PHOTO_FILES = 5
PHOTO_SIZE = (2400, 1800)


def add_photos(content: Path, items: dict[str, tuple[dict, str]], count: int, seed: int = 2026) -> None:
    """Give ``count`` actions, spread over the archive, one of a few JPEGs made here."""
    from PIL import Image

    rng = random.Random(seed)
    images = content / "images"
    images.mkdir(parents=True, exist_ok=True)
    for number in range(PHOTO_FILES):
        colour = tuple(rng.randrange(40, 220) for _ in range(3))
        image = Image.blend(
            Image.new("RGB", PHOTO_SIZE, colour), Image.effect_noise(PHOTO_SIZE, 50).convert("RGB"), 0.2
        )
        exif = Image.Exif()
        exif[0x010F], exif[0x0110], exif[0x0112] = "ExamplePhone", "Bench", 1 + number % 2 * 5
        exif.get_ifd(0x8825).update({1: "N", 2: (50.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
        image.save(images / f"photo-{number}.jpg", "JPEG", quality=90, exif=exif.tobytes())
    slugs = list(items)
    step = max(1, len(slugs) // max(1, count))
    for index, slug in enumerate(slugs[::step][:count]):
        front, text = items[slug]
        front.update(image=f"images/photo-{index % PHOTO_FILES}.jpg", image_alt="Une photo d'exemple")
        write_action(content, slug, front, text)
