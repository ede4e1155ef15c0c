"""xiezuo's figure parser (amounts.parse_quantity) against cn2an and jionlp on the figures issue 18
lists: is the value exact, is the bound right, and what does importing each cost.

cn2an and jionlp are not xiezuo's dependencies; install them beside xiezuo in a scratch
environment to compare (a library that is not installed is reported as such):

    python3 -m venv /tmp/peers && /tmp/peers/bin/pip install -e . cn2an jionlp
    /tmp/peers/bin/python benchmarks/parsers.py            # --runs N for the import timings

How each is asked, as its documentation says it is used: cn2an.cn2an(text, "smart") on the
figure without its unit (cn2an reads numbers, not money or bounds); jionlp.parse_money(text) on
the figure as written (it reads money and marks accurate / blur / blur+ / blur-; a 余 figure comes
back as a range, read here as a lower bound at its low end). The expected values are written
here by hand. Standard library only besides the libraries compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from timing import fresh_ms

# figure as written -> (value, approx): by hand, from issue 18's list
CASES: dict[str, tuple[int, str]] = {
    "3900万元": (39_000_000, "exact"),
    "2.22亿元": (222_000_000, "exact"),
    "1.1亿余元": (110_000_000, "at_least"),
    "560余万元": (5_600_000, "at_least"),
    "超1000万元": (10_000_000, "at_least"),
    "近900万元": (9_000_000, "about"),
    "约6100万元": (61_000_000, "about"),
    "不少于10万元": (100_000, "at_least"),
    "逾三十亿元": (3_000_000_000, "at_least"),
    "三千万元": (30_000_000, "exact"),
    "一千二百万元": (12_000_000, "exact"),
    "三十五名": (35, "exact"),
    "2,150万元": (21_500_000, "exact"),
    "８６５０萬元": (86_500_000, "exact"),
    "万余名": (10_000, "at_least"),
    "10余万元": (100_000, "at_least"),
    "１８００元": (1_800, "exact"),
}

Parsed = tuple[object, str]  # (value, approx) or ("error: …", "")


def ours(text: str) -> Parsed:
    from xiezuo_cli.model.amounts import parse_quantity

    quantity = parse_quantity(text)
    return quantity.value, quantity.approx


def cn2an_parse(text: str) -> Parsed:
    import cn2an

    number = text.rstrip("元名")
    value = cn2an.cn2an(number, "smart")
    return value, "exact"  # cn2an has no bounds


_JIONLP_BOUNDS = {"accurate": "exact", "blur+": "at_least", "blur-": "about", "blur": "about"}


def jionlp_parse(text: str) -> Parsed:
    import jionlp

    result = jionlp.parse_money(text)
    number, definition = result["num"], result["definition"]
    if isinstance(number, list):  # 560余万元 -> ['5600000.00', '5700000.00']: a floor
        return Decimal(number[0]), "at_least"
    return Decimal(number), _JIONLP_BOUNDS.get(definition, definition)


def attempt(parse: Callable[[str], Parsed], text: str) -> Parsed:
    try:
        return parse(text)
    except Exception as error:  # a library's own failure is a result here
        return f"error: {type(error).__name__}", ""


def right(got: Parsed, expected: tuple[int, str]) -> tuple[bool, bool]:
    """(value exact and a whole number, bound right)."""
    value, approx = got
    exact = isinstance(value, int | Decimal) and value == expected[0]
    if isinstance(value, Decimal):
        exact = exact and value == value.to_integral_value()
    return exact, approx == expected[1]


def import_cost(module: str, runs: int) -> float:
    """Median wall time of a fresh interpreter importing ``module`` (or nothing), in ms."""
    return fresh_ms([sys.executable, "-c", f"import {module}" if module else "pass"], runs)


def per_call_us(parse: Callable[[str], Parsed], rounds: int = 200) -> float:
    for text in CASES:
        attempt(parse, text)  # warm: the libraries compile their patterns on first use
    start = time.perf_counter()
    for _ in range(rounds):
        for text in CASES:
            attempt(parse, text)
    return (time.perf_counter() - start) / (rounds * len(CASES)) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per import timing")
    args = parser.parse_args()
    parsers: dict[str, tuple[Callable[[str], Parsed], str]] = {
        "xiezuo": (ours, "xiezuo_cli.model.amounts"),
        "cn2an": (cn2an_parse, "cn2an"),
        "jionlp": (jionlp_parse, "jionlp"),
    }
    present = {
        name: entry
        for name, entry in parsers.items()
        if importlib.util.find_spec(entry[1].split(".")[0]) is not None
    }
    for name in parsers.keys() - present.keys():
        print(f"{name}: not installed here (see this script's docstring)")

    print(f"{'figure':<14}" + "".join(f"{name:>30}" for name in present))
    scores = {name: [0, 0] for name in present}
    for text, expected in CASES.items():
        cells = []
        for name, (parse, _) in present.items():
            got = attempt(parse, text)
            exact, bound = right(got, expected)
            scores[name][0] += exact
            scores[name][1] += bound
            mark = ("✓" if exact else "✗") + ("✓" if bound else "✗")
            shown = f"{got[0]} {got[1]}".strip()
            cells.append(f"{mark} {shown[:26]:>26}")
        print(f"{text:<14}" + "".join(f"{cell:>30}" for cell in cells))
    print()
    floor = import_cost("", args.runs)
    print(f"python -c pass: {floor:.1f} ms (median of {args.runs})")
    for name, (parse, module) in present.items():
        value, bound = scores[name]
        cost = import_cost(module, args.runs)
        print(
            f"{name:<7} exact value {value}/{len(CASES)}, bound {bound}/{len(CASES)}; "
            f"import {cost:.1f} ms ({cost / floor:.2f}x python -c pass); "
            f"{per_call_us(parse):.1f} µs a figure"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
