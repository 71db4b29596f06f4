"""Address resolution: accuracy on the labelled set beside a naive baseline, and speed at city size.

    python -m benchmarks.bench_address      (or: python benchmarks/bench_address.py)

Accuracy: benchmarks/address_labelled.yml on data/gazetteer.yml, for the resolver and for a
baseline that matches the raw text against all names with rapidfuzz alone. Speed: resolve() on a
generated city-sized gazetteer (3 000 streets, 70 000 address points, built deterministically
through the importer), over the labelled texts and generated addresses with typos.
Goals: at least 98 % right and under 5 ms per address.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(ROOT))

from bot.address import AddressResolver, Resolution  # noqa: E402
from bot.address import gazetteer as gazetteer_file  # noqa: E402
from bot.address.gazetteer import Gazetteer, Place, int_to_roman  # noqa: E402
from bot.address.importer import ImportReport, build  # noqa: E402

LABELLED = Path(__file__).with_name("address_labelled.yml")
STREETS, POINTS, SEED = 3_000, 70_000, 2026
ACCURACY_GOAL, MS_GOAL = 0.98, 5.0
_BASELINE_CUTOFF = 85


def _words(text: str) -> list[str]:
    return text.split()


_ONSETS = _words("b br d dr g gr k kr l m n p pr r s st sz t tr w z ch cz j")
_VOWELS = _words("a e i o u y")
_CODAS = _words("k n r l w ch m s")
_ADJECTIVE_SUFFIXES = _words("owska ska icka owa na ańska iecka")
_GIVEN_NAMES = _words("Jana Piotra Adama Marii Anny Józefa Stanisława Henryka Wojciecha Ludwika")
# Real everyday street names: a city has many, and they must not swallow everyday sentences.
_EVERYDAY = _words(
    "Polna Długa Krótka Zielona Słoneczna Leśna Ogrodowa Kwiatowa Szkolna Kościelna Spokojna "
    "Cicha Wesoła Prosta Krzywa Kolejowa Parkowa Łąkowa Sadowa Graniczna Piaskowa Górna Dolna "
    "Boczna Wąska Jasna Miła Ładna Krakowska Warszawska Nowa Stara Mała Wielka Główna"
)


def _root(rng: random.Random) -> str:
    syllables = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(1, 2)))
    return (syllables + rng.choice(_CODAS)).capitalize()


def _street_name(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.55:
        return _root(rng) + rng.choice(_ADJECTIVE_SUFFIXES)
    if shape < 0.8:
        return _root(rng) + rng.choice(["skiego", "ckiego", "a"])
    return f"{rng.choice(_GIVEN_NAMES)} {_root(rng)}skiego"


def city_register(taken: set[str]) -> list[dict]:
    """Register rows of a made-up city: STREETS streets, POINTS points, 1–3 districts each."""
    rng = random.Random(SEED)
    names = [n for n in _EVERYDAY if n not in taken]
    seen = set(names) | taken
    while len(names) < STREETS:
        name = _street_name(rng)
        if name not in seen:
            seen.add(name)
            names.append(name)
    sizes = [rng.randint(4, 42) for _ in names]
    scale = POINTS / sum(sizes)
    sizes = [max(2, round(s * scale)) for s in sizes]
    sizes[-1] += POINTS - sum(sizes)
    rows = []
    for name, size in zip(names, sizes, strict=True):
        count = rng.choices([1, 2, 3], weights=[85, 13, 2])[0]
        districts = rng.sample(range(1, 19), count)
        cut = sorted(rng.sample(range(1, size), count - 1)) if count > 1 else []
        for number in range(1, size + 1):
            district = districts[sum(number > c for c in cut)]
            suffix = "A" if rng.random() < 0.05 else ""
            rows.append(
                {
                    "nazwa_ulicy": f"ul. {name}",
                    "numer_adresowy": f"{number}{suffix}",
                    "kod_pocztowy": f"3{rng.randint(0, 1)}-{rng.randint(0, 999):03d}",
                    "numer_dzielnicy": district,
                    "nazwa_dzielnicy": "",
                    "kod_teryt": "1261011",
                }
            )
    return rows


def city_gazetteer(starter: Gazetteer) -> tuple[Gazetteer, list[dict]]:
    """The starter gazetteer plus the made-up city's streets, imported like the real register."""
    rows = city_register({s.name for s in starter.streets})
    report = ImportReport("generated", "rows", starter.districts)
    streets = build(rows, starter, report) + starter.streets
    city = Gazetteer(starter.districts, streets, starter.neighbourhoods, starter.outside_places)
    return city, rows


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def city_queries(rows: list[dict], count: int) -> list[tuple[str, str]]:
    """(text, expected district) for generated addresses, a third of them with a typo."""
    rng = random.Random(SEED + 1)
    queries = []
    for row in rng.sample(rows, count):
        name = row["nazwa_ulicy"].removeprefix("ul. ")
        if rng.random() < 1 / 3 and len(name) >= 8:
            name = _typo(rng, name)
        template = rng.choice(["ul. {} {}", "mieszkam przy ulicy {} {}", "{} {}/3"])
        queries.append(
            (template.format(name, row["numer_adresowy"]), int_to_roman(row["numer_dzielnicy"]))
        )
    return queries


def answer(resolution: Resolution) -> str:
    return resolution.district or resolution.status  # a district only when resolved


class Baseline:
    """Raw text against every street and neighbourhood name with rapidfuzz, nothing else."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        places: list[Place] = gazetteer.streets + gazetteer.neighbourhoods
        self.names = [p.name for p in places]
        self.districts = {p.name: p.districts for p in places}

    def answer(self, text: str) -> str:
        best = process.extractOne(
            text, self.names, scorer=fuzz.partial_ratio, processor=utils.default_process
        )
        if not best or best[1] < _BASELINE_CUTOFF:
            return "unknown"
        districts = self.districts[best[0]]
        return districts[0] if len(districts) == 1 else "needs_number"


def accuracy(answers: list[str], expected: list[str]) -> float:
    return sum(a == e for a, e in zip(answers, expected, strict=True)) / len(expected)


def generated_outcomes(resolver: AddressResolver, queries: list[tuple[str, str]]) -> Counter:
    """right: the district; asked: a question offering it; wrong: anything else."""
    outcomes: Counter = Counter()
    for text, district in queries:
        result = resolver.resolve(text)
        offered = {d for c in result.candidates for d in c.districts}
        if result.district == district:
            outcomes["right"] += 1
        elif result.status in ("choose", "needs_number") and district in offered:
            outcomes["asked"] += 1
        else:
            outcomes["wrong"] += 1
    return outcomes


def timings(resolver: AddressResolver, texts: list[str]) -> list[float]:
    """Milliseconds per resolve() call."""
    spent = []
    for text in texts:
        start = time.perf_counter()
        resolver.resolve(text)
        spent.append((time.perf_counter() - start) * 1000)
    return spent


def main() -> int:
    labelled = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    pairs = [(text, answer) for answer, texts in labelled.items() for text in texts]
    texts, expected = [t for t, _ in pairs], [a for _, a in pairs]
    starter = gazetteer_file.load()
    ours = [answer(r) for r in map(AddressResolver(starter).resolve, texts)]
    theirs = list(map(Baseline(starter).answer, texts))

    start = time.perf_counter()
    city, rows = city_gazetteer(starter)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    city_resolver = AddressResolver(city)
    indexed = time.perf_counter() - start
    city_ours = [answer(r) for r in map(city_resolver.resolve, texts)]
    city_theirs = list(map(Baseline(city).answer, texts))
    generated = city_queries(rows, 2_000)
    outcomes = generated_outcomes(city_resolver, generated)
    spent = timings(city_resolver, texts + [t for t, _ in generated])
    median, p95 = statistics.median(spent), statistics.quantiles(spent, n=20)[-1]

    score = accuracy(ours, expected)
    print(f"Labelled set: {len(texts)} addresses ({LABELLED.name}); share answered right")
    print(f"{'gazetteer':40}{'resolver':>10}{'baseline':>10}")
    print(f"{'starter (data/gazetteer.yml)':40}{score:>10.1%}{accuracy(theirs, expected):>10.1%}")
    city_label = f"city-sized ({len(city.streets)} streets)"
    city_scores = f"{accuracy(city_ours, expected):>10.1%}{accuracy(city_theirs, expected):>10.1%}"
    print(f"{city_label:40}{city_scores}")
    print(
        f"Generated addresses on the city-sized gazetteer ({len(generated)}, a third with a typo):"
        f" right {outcomes['right']}, asked {outcomes['asked']}, wrong {outcomes['wrong']}"
    )
    print(
        f"City-sized gazetteer: {len(rows)} address points imported in {imported:.1f} s,"
        f" {len(city_resolver.index.keys)} index keys built in {indexed:.1f} s"
    )
    print(
        f"resolve() over {len(spent)} texts: median {median:.2f} ms, p95 {p95:.2f} ms,"
        f" max {max(spent):.2f} ms"
    )
    for text, got, want in zip(texts, ours, expected, strict=True):
        if got != want:
            print(f"  wrong: {text!r}: {got}, expected {want}")
    ok = score >= ACCURACY_GOAL and p95 < MS_GOAL
    print(f"Goals (≥{ACCURACY_GOAL:.0%} right, <{MS_GOAL:.0f} ms): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
