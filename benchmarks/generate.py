"""Generate a deterministic N-briefing archive in the Briefings format, for benchmarks.

    python benchmarks/generate.py 10000 /tmp/desk-10k

writes /tmp/desk-10k/site.yaml and /tmp/desk-10k/content/{briefings,actors,topics}/.
The same N and seed always give the same bytes. Briefings have 400–800 word bodies,
1–5 actors from a pool of hundreds (many with accented names), 1–3 topics, 0–3 events
(often shared between briefings, as real coverage is) and 1–3 sources.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

FIRST = (
    "José", "María", "Nicolás", "Delcy", "Andrés", "Jesús", "Ramón", "Inés", "Sofía", "Martín",
    "Lucía", "Tomás", "Raúl", "Héctor", "Julián", "Adrián", "Elena", "Óscar", "Joaquín", "Verónica",
    "Zoë", "François", "Björn", "Łukasz", "Søren", "Ana", "Carlos", "Diego", "Gabriela", "Ignacio",
    "Mónica", "Patricia", "Rubén", "Simón", "Valentina", "Yolanda", "Doug", "Marco", "Karen", "Elliott",
)
LAST = (
    "Rodríguez", "Pérez", "Hernández", "González", "Martínez", "López", "Sánchez", "Ramírez", "Núñez",
    "Gutiérrez", "Díaz", "Álvarez", "Jiménez", "Muñoz", "Peña", "Ibáñez", "Cabello", "Padrino", "Guaidó",
    "Capriles", "Machado", "Ledezma", "Márquez", "Ortega", "Müller", "Brontë", "Smith", "Burgum", "Rubio",
    "Castañeda", "Chávez", "Arreaza", "Borges", "Figueroa", "Quintero", "Villanueva", "Zambrano", "Aché",
)
INSTITUTIONS = (
    "U.S. Department of State", "U.S. Department of the Interior", "White House", "PDVSA",
    "National Assembly", "Supreme Tribunal of Justice", "Banco Central de Venezuela", "OPEC",
    "Organization of American States", "United Nations", "European Union", "Government of Colombia",
    "Government of Brazil", "Government of Guyana", "Chevron", "International Monetary Fund",
    "Venezuelan interim government", "Consejo Nacional Electoral", "Fuerza Armada Nacional Bolivariana",
    "Southern District of New York", "U.S. Treasury", "Inter-American Development Bank",
)
TOPICS = (
    "US–Venezuela", "Diplomacy", "Maduro prosecution", "Critical minerals", "Oil and gas", "Sanctions",
    "Migration", "Elections", "Human rights", "Economy", "Inflation", "Security", "Border with Colombia",
    "Essequibo dispute", "Energy exports", "Political prisoners", "Press freedom", "Public health",
    "Infrastructure", "Mining", "Agriculture", "Debt restructuring", "Armed forces", "Judiciary",
    "Opposition", "Regional diplomacy", "Humanitarian aid", "Corruption", "Drug trafficking", "Caribbean",
    "Refinery repairs", "Power grid", "Currency", "Remittances", "Transition",
)
PLACES = ("Caracas", "Washington", "Maracaibo", "Bogotá", "Brasília", "Georgetown", "New York", "Valencia")
OUTLETS = ("Reuters", "Associated Press", "El País", "Efecto Cocuyo", "Fox News Digital", "BBC Mundo", "Bloomberg")
_PROSE = (
    "officials said the agreement would take effect after a review by ministers in Caracas and Washington "
    "according to people familiar with the talks the government has not published the text of the accord "
    "analysts cautioned that previous commitments had stalled amid disputes over sequencing and guarantees "
    "the ministry declined to comment on the timetable while opposition leaders demanded independent monitors "
    "exports rose in the quarter although output remains far below its peak and repairs depend on imported parts "
    "prices of staple goods climbed again as the currency weakened against the dollar in informal markets "
    "diplomats from the region met on the sidelines to discuss migration and the reopening of consulates "
    "the court scheduled a hearing for next month and defence lawyers said they would contest the charges "
    "residents described long queues for fuel and intermittent power cuts in several western states "
    "a spokesperson said the delegation would return once technical teams had completed their assessment"
)
WORDS = _PROSE.split()


@dataclass(frozen=True)
class Actor:
    name: str
    slug: str
    kind: str


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c.lower() if c.isalnum() else "-" for c in ascii_text)
    return "-".join(p for p in out.split("-") if p)


def actor_pool(rng: random.Random, size: int) -> list[Actor]:
    actors: dict[str, Actor] = {}
    for name in INSTITUTIONS:
        actors[_slug(name)] = Actor(name, _slug(name), "organization")
    while len(actors) < size:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if _slug(name) not in actors:
            actors[_slug(name)] = Actor(name, _slug(name), "person")
    return list(actors.values())


def sentence(rng: random.Random, actors: list[Actor], length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    if rng.random() < 0.5 and actors:
        words.insert(rng.randrange(len(words)), rng.choice(actors).name)
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.1:
        i = rng.randrange(len(words))
        words[i] = f"[{words[i]}](https://example.org/{rng.randrange(10**6)})"
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), '"we will not wait"')
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, actors: list[Actor]) -> str:
    target = rng.randint(400, 800)
    parts: list[str] = []
    count = 0
    while count < target:
        roll = rng.random()
        if parts and roll < 0.08:
            parts.append("## " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize())
            continue
        if parts and roll < 0.14:
            items = [sentence(rng, actors, rng.randint(6, 12)) for _ in range(rng.randint(2, 4))]
            parts.append("\n".join(f"- {item}" for item in items))
            count += sum(len(i.split()) for i in items)
            continue
        sentences = [sentence(rng, actors, rng.randint(10, 24)) for _ in range(rng.randint(2, 5))]
        paragraph = " ".join(sentences)
        parts.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(parts) + "\n"


def yaml_text(value: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_list(values: list[str]) -> str:
    return "[" + ", ".join(yaml_text(v) for v in values) + "]"


def generate(count: int, target: Path, seed: int = 2026) -> None:
    rng = random.Random(f"{seed}-{count}")
    actors = actor_pool(rng, max(120, min(600, count // 15)))
    weights = [1 / (i + 1) ** 0.8 for i in range(len(actors))]  # a few actors dominate coverage
    topic_weights = [1 / (i + 1) ** 0.6 for i in range(len(TOPICS))]
    content = target / "content"
    if content.exists():
        shutil.rmtree(content)
    for section in ("briefings", "actors", "topics"):
        (content / section).mkdir(parents=True)
    (target / "site.yaml").write_text(
        "title: The Benchmark Desk\n"
        "description: A generated archive for measuring build speed.\n"
        "base_url: https://desk.example.org/\n"
        "language: en\n"
        "timezone: America/New_York\n",
        encoding="utf-8",
    )
    for actor in actors:
        (content / "actors" / f"{actor.slug}.md").write_text(
            f"---\nname: {yaml_text(actor.name)}\nkind: {actor.kind}\n---\n"
            f"{actor.name} appears often in this desk's coverage.\n",
            encoding="utf-8",
        )
    for topic in TOPICS:
        (content / "topics" / f"{_slug(topic)}.md").write_text(
            f"---\nname: {yaml_text(topic)}\n---\nCoverage of {topic}.\n", encoding="utf-8"
        )
    start = datetime(2016, 1, 4, 6, 0)
    span_minutes = 10 * 365 * 24 * 60
    step = span_minutes / count
    recent_events: list[tuple[str, str, list[str]]] = []
    slugs: set[str] = set()
    for n in range(count):
        when = start + timedelta(minutes=int(n * step + rng.randrange(int(step) or 1)))
        cast = rng.choices(actors, weights, k=rng.randint(1, 5))
        cast = list(dict.fromkeys(cast))
        topics = list(dict.fromkeys(rng.choices(TOPICS, topic_weights, k=rng.randint(1, 3))))
        title_words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9)))
        title = f"{cast[0].name}: {title_words}"
        slug = _slug(f"{title_words} {n}")[:70].strip("-")
        while slug in slugs:
            slug += "-x"
        slugs.add(slug)
        events = []
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            if recent_events and rng.random() < 0.4:
                events.append(rng.choice(recent_events[-40:]))
                continue
            day = (when - timedelta(days=rng.randrange(0, 20))).date().isoformat()
            if rng.random() < 0.1:
                day = day[:7]
            text = sentence(rng, cast, rng.randint(6, 14))
            event = (day, text, [a.name for a in rng.sample(cast, k=min(len(cast), rng.randint(1, 2)))])
            recent_events.append(event)
            events.append(event)
        events = list({(e[0], e[1]): e for e in events}.values())
        lines = [
            "---",
            f"title: {yaml_text(title)}",
            f"date: {when.strftime('%Y-%m-%dT%H:%M:00')}-05:00",
            f"topics: {yaml_list(topics)}",
            f"actors: {yaml_list([a.name for a in cast])}",
            f"location: {rng.choice(PLACES)}",
            "authors: [Americas desk]",
            "sources:",
        ]
        for _ in range(rng.randint(1, 3)):
            lines.append(
                f"  - {{outlet: {yaml_text(rng.choice(OUTLETS))}, "
                f"url: 'https://news.example.org/{rng.randrange(10**8)}', date: {when.date().isoformat()}}}"
            )
        if events:
            lines.append("events:")
            for day, text, names in events:
                lines += [f"  - date: {day}", f"    text: {yaml_text(text)}", f"    actors: {yaml_list(names)}"]
        lines.append("---")
        name = f"{when.date().isoformat()}-{slug}.md"
        (content / "briefings" / when.strftime("%Y") / name).parent.mkdir(exist_ok=True)
        (content / "briefings" / when.strftime("%Y") / name).write_text(
            "\n".join(lines) + "\n" + body(rng, cast), encoding="utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int, help="number of briefings")
    parser.add_argument("target", type=Path, help="folder to write site.yaml and content/ into")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.count, args.target, args.seed)


if __name__ == "__main__":
    main()
