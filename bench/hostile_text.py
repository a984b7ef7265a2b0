"""Hostile ticket text: how long each text step takes on pathological input.

    python bench/hostile_text.py [--chars 80000]

A ticket is whatever a customer (or a mail loop, or a pasted log) sent: runs of letters with a
rare digit, a megabyte of base64, thousands of capitalised words, brackets nested by the
thousand. Each step that reads a whole ticket (cleaning for the vectors and the n-grams, the
title line, the technical tokens of families, the kind cues) and each that reads an excerpt
(names, personal data, quotes) is timed on each such text; it prints the slowest and every
step over a tenth of a second. Regular expressions that backtrack over a long run are the
usual cause (an 80,000-character run took 23 s to clean before `clean.without_long_runs`).
"""

from __future__ import annotations

import argparse
import base64
import os
import time
from collections.abc import Callable

from sddkit.names import find_names
from sddkit.themes.clean import clean_text, plain_text
from sddkit.themes.families import technical_tokens
from sddkit.themes.kinds import cues_in
from sddkit.themes.label import title_line
from sddkit.tickets.language import detect_language
from sddkit.trackers.redact import quote

SLOW_S = 0.1


def inputs(chars: int) -> dict[str, str]:
    n = chars // 2
    return {
        "letters, a rare digit": ("a" * n + "1") * 2,
        "letter-digit pairs": "1a" * n,
        "words, one digit": "ab " * (chars // 3) + "1",
        "dots": "a." * n,
        "at signs": "a@" * n,
        "dashes": "a-" * n,
        "capitalised words": "Ab " * (chars // 3),
        "names": "Ana Marija " * (chars // 11),
        "nested brackets": "[" * n + "a" + "]" * n,
        "quoted lines": "> a\n" * (chars // 4),
        "base64": base64.b64encode(os.urandom(chars * 3 // 4)).decode(),
        "Cyrillic with digits": "ђ1" * n,
        "punctuation": "a,1;" * (chars // 4),
    }


def steps() -> dict[str, Callable[[str], object]]:
    return {
        "clean_text": clean_text,
        "plain_text": plain_text,
        "title_line": lambda text: title_line(text, text),
        "technical_tokens": technical_tokens,
        "cues_in (cleaned)": lambda text: cues_in(clean_text(text)),
        "detect_language": detect_language,
        "quote (redacted excerpt)": quote,
        "find_names (first 2,000)": lambda text: find_names(text[:2000]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=80_000)
    args = parser.parse_args()
    slowest = (0.0, "", "")
    for step, run in steps().items():
        for name, text in inputs(args.chars).items():
            started = time.perf_counter()
            run(text)
            took = time.perf_counter() - started
            slowest = max(slowest, (took, step, name))
            if took > SLOW_S:
                print(f"slow: {step} on {name}: {took:.2f} s")
    took, step, name = slowest
    print(f"slowest of {len(steps())} steps x {len(inputs(args.chars))} texts of "
          f"~{args.chars:,} characters: {step} on {name}, {took * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
