"""Theme quality on the bundled demo tickets, against the subjects the generator meant.

    python bench/themes_demo.py [--min-size 5] [--threshold 1.05] [--list]

Truth: the demo generator is deterministic, so it is re-run here (same seed) with a hook that
records, for every ticket it writes, the subject it composed the ticket from: one of its 12
theme slugs, or for "one-off" noise the noise phrase it picked (matched by its subject line;
the same phrase in another language is the same subject, e.g. "discount for non-profits").
The regenerated tickets are checked against the bundled file (same ids, same bodies).

Families (`themes.families`: one subject's themes across languages) are measured the same
way: the number of families, family-level NMI and purity against the subject, how many
subjects end in one family, and *wrong links* (families whose themes' majority subjects
differ: two subjects in one issue).

Prints: the number of themes, the share of tickets put in a theme, NMI and ARI against the
true subject (clustered tickets only, and with noise as one extra cluster), purity (share of
clustered tickets whose theme's majority subject is theirs), language purity, and kind
accuracy: each theme's kind against `SUBJECT_KINDS[its majority subject]`, per theme and
weighted by tickets. `--list` prints every theme with its majority subject.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np
from cluster_options import add_cluster_options, cluster_settings, space_settings
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from sddkit.store import open_store
from sddkit.themes.pipeline import ThemeSettings, update_themes
from sddkit.tickets.demo import demo_tickets
from sddkit.tickets.demo_generator import SEED, Generator
from sddkit.tickets.demo_texts import NOISE, NOISE_SUBJECTS
from sddkit.tickets.store import upsert_tickets

NOW = datetime(2026, 11, 16, tzinfo=UTC)

# The kind a support engineer would file each subject as (the truth for kind accuracy).
SUBJECT_KINDS = {
    "csv-export-timeout": "bug",  # export fails with 504 / times out
    "password-reset-email": "bug",  # reset e-mail never arrives
    "2fa-codes-rejected": "bug",  # valid codes rejected
    "billing-change-plan": "ux",  # "can't find where to switch plan", "billing page confusing"
    "invoice-vat": "question",  # VAT on invoices, reissue with VAT id
    "mobile-login-loop": "bug",  # app returns to the login screen
    "dark-mode-contrast": "ux",  # low contrast, invisible labels
    "api-rate-limit-docs": "docs",  # "the docs don't say what the limits are"
    "calendar-sync-duplicates": "bug",  # events appear twice
    "slow-dashboard": "bug",  # dashboard takes 20-30 s
    "slack-integration": "feature",  # "feature request: Slack notifications"
    "import-xlsx-encoding": "bug",  # accents turn into question marks
    # one-off subjects (the generator's noise phrases), recurring in small numbers
    "noise:owner": "question",  # how do we transfer ownership?
    "noise:discount": "question",  # discount for non-profits?
    "noise:delete": "question",  # please delete my account (a request, not a defect)
    "noise:typo": "bug",  # typo on the pricing page
    "noise:training": "question",  # can you run an onboarding session?
    "noise:logo": "bug",  # uploaded logo looks blurry
    "noise:thanks": "question",  # praise; no better kind
    "noise:webinar": "question",  # where is the recording?
    "noise:email": "question",  # how do I change my e-mail?
    "noise:partner": "question",  # we would like to resell
}


class _Recorder(Generator):
    """The demo generator, remembering each ticket's subject in order."""

    def __init__(self) -> None:
        super().__init__()
        self.subjects: list[str] = []

    def _text(self, theme: str | None, language: str) -> tuple[str, str, str]:
        subject, body, customer = super()._text(theme, language)
        if theme is not None:
            self.subjects.append(theme)
        else:
            lines = [s.lower() for s, _ in NOISE[language]]
            self.subjects.append("noise:" + NOISE_SUBJECTS[language][lines.index(subject.lower())])
        return subject, body, customer


def true_subjects() -> dict[str, str]:
    """Ticket key -> true subject, checked against the bundled demo file."""
    recorder = _Recorder()
    generated = list(recorder.tickets())
    bundled = list(demo_tickets())
    if [(t.key, t.body) for t in generated] != [(t.key, t.body) for t in bundled]:
        raise SystemExit("the regenerated demo tickets differ from the bundled file")
    return {t.key: s for t, s in zip(generated, recorder.subjects, strict=True)}


def evaluate(
    themes: list[Any], truth: dict[str, str], language: dict[str, str], show: bool
) -> None:
    keys = sorted(truth)
    theme_of = {key: n for n, theme in enumerate(themes) for key in theme.ticket_keys}
    labels = np.array([theme_of.get(k, -1) for k in keys])
    subjects = np.array([truth[k] for k in keys])
    by_language = np.array([f"{truth[k]}/{language[k]}" for k in keys])
    inside = labels >= 0
    majority = [Counter(truth[k] for k in t.ticket_keys).most_common(1)[0][0] for t in themes]
    pure = sum(truth[k] == majority[theme_of[k]] for k in keys if k in theme_of)
    lang_pure = sum(max(t.languages.values()) for t in themes if t.languages)
    right = [theme.kind == SUBJECT_KINDS[m] for theme, m in zip(themes, majority, strict=True)]
    sizes = np.array([t.size for t in themes])
    per_subject = Counter(m for m in majority if not m.startswith("noise:"))
    figures = {
        "themes": len(themes),
        "share clustered": inside.mean(),
        "themes per themed subject (12 subjects x 4 languages)": (
            sum(per_subject.values()) / max(len(per_subject), 1)
        ),
        "NMI clustered only": normalized_mutual_info_score(subjects[inside], labels[inside]),
        "NMI noise = one cluster": normalized_mutual_info_score(subjects, labels),
        "NMI clustered, truth = subject per language": normalized_mutual_info_score(
            by_language[inside], labels[inside]
        ),
        "ARI clustered only": adjusted_rand_score(subjects[inside], labels[inside]),
        "ARI noise = one cluster": adjusted_rand_score(subjects, labels),
        "purity (subject)": pure / max(inside.sum(), 1),
        "purity (language)": lang_pure / max(inside.sum(), 1),
        "kind accuracy (themes)": sum(right) / max(len(themes), 1),
        "kind accuracy (tickets)": (sizes * np.array(right)).sum() / max(sizes.sum(), 1),
    }
    print(f"tickets: {len(keys)}")
    for name, value in figures.items():
        print(f"{name + ':':<46} {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
    print(f"kinds found: {dict(Counter(t.kind for t in themes).most_common())}")
    _families(themes, truth, keys, majority)
    if show:
        for theme, m, ok in zip(themes, majority, right, strict=True):
            verdict = "" if ok else f"✗ {SUBJECT_KINDS[m]}"
            langs = ",".join(theme.languages)
            print(
                f"  {theme.size:4d} {langs:9s} {m:24s} {theme.kind:8s} {verdict:10s}"
                f" {theme.family_id or '-':9s} {theme.label}"
            )


def _families(
    themes: list[Any], truth: dict[str, str], keys: list[str], majority: list[str]
) -> None:
    """Family-level figures: a family (or a theme on its own) against the true subject."""
    family = {t.id: t.family_id or t.id for t in themes}
    of_key = {key: family[t.id] for t in themes for key in t.ticket_keys}
    inside = [k for k in keys if k in of_key]
    labels = [of_key[k] for k in inside]
    subjects = [truth[k] for k in inside]
    groups: dict[str, Counter[str]] = {}
    for key in inside:
        groups.setdefault(of_key[key], Counter())[truth[key]] += 1
    pure = sum(c.most_common(1)[0][1] for c in groups.values())
    members: dict[str, set[str]] = {}
    for theme, m in zip(themes, majority, strict=True):
        members.setdefault(family[theme.id], set()).add(m)
    wrong = {f: sorted(s) for f, s in members.items() if len(s) > 1}
    per_subject = Counter(next(iter(s)) for s in members.values() if len(s) == 1)
    subjects_one = sum(1 for n in per_subject.values() if n == 1)
    linked = sum(1 for t in themes if t.family_id)
    print(f"families: {len(groups)} ({len(themes)} themes, {linked} of them in a family of 2+)")
    print(
        f"{'family NMI clustered only:':<46} {normalized_mutual_info_score(subjects, labels):.3f}"
    )
    print(f"{'family purity (subject):':<46} {pure / max(len(inside), 1):.3f}")
    print(f"subjects (majority) in one family: {subjects_one} of {len(per_subject)}")
    print(f"wrong links (families mixing subjects): {len(wrong)} {wrong if wrong else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_cluster_options(parser)
    parser.add_argument("--list", action="store_true", help="print every theme")
    args = parser.parse_args()
    truth = true_subjects()
    conn = open_store(":memory:")
    upsert_tickets(conn, demo_tickets())
    settings = ThemeSettings(space=space_settings(args), cluster=cluster_settings(args))
    started = time.perf_counter()
    themes = update_themes(conn, now=NOW, min_size=args.min_size, settings=settings)
    print(f"truth: the demo generator re-run (seed {SEED}), its subject per ticket;"
          f" run time {time.perf_counter() - started:.1f} s")  # fmt: skip
    evaluate(themes, truth, {t.key: t.language or "" for t in demo_tickets()}, args.list)


if __name__ == "__main__":
    main()
