"""One subject, one issue: a labelled set run as a weekly CI job would run it.

    python bench/weekly_stream.py --data clinc:val [--weeks 6] [--seed 0] [--keep DIR]
    python bench/weekly_stream.py --data sib:test | --data demo | --data FILE.csv
    python bench/weekly_stream.py --data clinc:test --person
    python bench/weekly_stream.py --data clinc:train:30x100:1  # 30 intents x 100, seed 1
    python bench/weekly_stream.py --data clinc:val --letters  # each query as an e-mail
    python bench/weekly_stream.py --data clinc:val --generic-subjects  # "Help!", "Question"
    python bench/weekly_stream.py --data clinc:val --context  # "This started after the update."
    python bench/weekly_stream.py --data clinc:val --templated  # near-copies, as a form writes
    python bench/weekly_stream.py --data clinc:val --copies  # each text sent 1-3 times

`clinc:train:IxN:S` draws I intents of CLINC150 train (sorted, `random.Random(S).sample`) and N
queries of each (all 100 when N is 100, else sampled with the same generator): subjects the
size of a product's (30 x 100 and 80 x 40 were the tuning samples of 6 and 7 December, seeds 1,
2 and 3), where val's and test's 20-30 queries an intent are small ones.

`--letters` writes each labelled text as a customer writes an e-mail: a greeting ("Dear
support,"), the text, a sign-off, a name, sometimes a company and a phone number (drawn
with the seed); one subject, said as CLINC150 says it, must not become themes of greetings.

`--generic-subjects` heads each ticket with a subject line that says nothing of it, as web
forms and hurried customers write them ("Help!", "Support request", "Issue with my account",
or none), drawn with the seed.

`--context` ends half of the texts with a sentence of context that says nothing of the
subject ("This started after the last update.", one of six), drawn with the seed.

`--templated` writes the texts as a templated export does (customer-service sets made from
templates read so): each text once to three times, each time as it is (a quarter of the
time) or inside a wrapper ("i need help, …", "…, can you help me?", "… {{Order Number}}"),
drawn with the seed: copies and near-copies of each wording, and wrapper words every
subject shares. `--copies`: each text sent one to three times as it is (a customer who
writes twice, a form submitted again).

A labelled CSV (`text` and a subject column: CLINC150's `intent`, SIB-200's `label_fine`,
or `--subject-column`; `lang` read when present) becomes a ticket stream over `--weeks`
weeks: each subject starts in a week of its own (a third in the first week, the rest spread
over the others), its tickets spread from then on, one customer per ticket. `--data demo` is
the bundled demo (its own times; its history before the last weeks comes in the first round,
truth from the demo generator as in bench/themes_demo.py).

Each week goes through the real command line (`sddkit tickets import`, `sddkit themes`,
`sddkit triage --apply`, in this process) against a local fake GitHub (tests/support), on one
store, every kind filed, default thresholds otherwise. At the end it reads the issues back
from the fake tracker (the tickets each lists) and prints:

- issues, subjects filed (the top subject of at least one issue);
- duplicates: a subject's 2nd, 3rd... issue (issues whose top subject already has one);
- mixed: issues whose top subject is under 60 % of their tickets;
- missed: subjects with at least 15 tickets in the stream and no issue;
- issues per subject filed, and the last run's themes against the truth (NMI, noise as one).

With `--person`, a team lead reads the tracker after each weekly run and closes each open
issue that is plainly a further issue of a subject (it and the subject's oldest open issue
both at least 60 % that subject) as a duplicate, with GitHub's "Duplicate of #N" comment;
it then also prints how many issues the person closed and how many sddkit filed for a
subject after the person's verdict on it (a wording the clustering holds for another subject
counts here too: a verdict joins the issues a person saw).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import logging
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from werkzeug import Request, Response
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sddkit.cli import main as cli_main
from tests.support import trackers as fakes

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "bench-data"
NAMED = {
    "clinc:val": (DATA / "clinc150" / "val.csv", "intent"),
    "clinc:test": (DATA / "clinc150" / "test.csv", "intent"),
    "sib:dev": (DATA / "sib200-slavic-topics" / "dev.csv", "label_fine"),
    "sib:test": (DATA / "sib200-slavic-topics" / "test.csv", "label_fine"),
}
START = datetime(2026, 9, 7, tzinfo=UTC)  # a Monday
MIXED_SHARE = 0.6
MISSED_MIN = 15
REF_RE = re.compile(r"^- (?:\[)?`([^`]+)`", re.MULTILINE)


def train_sample(name: str) -> list[dict[str, str]]:
    """The rows of `clinc:train:IxN:S` (see the module docstring)."""
    shape, seed = name.removeprefix("clinc:train:").split(":")
    intents, per = (int(n) for n in shape.split("x"))
    with (DATA / "clinc150" / "train.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_intent: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_intent[row["intent"]].append(row)
    rng = random.Random(int(seed))
    chosen = rng.sample(sorted(by_intent), intents)
    return [
        row
        for intent in chosen
        for row in (by_intent[intent] if per >= len(by_intent[intent])
                    else rng.sample(by_intent[intent], per))
    ]  # fmt: skip


GREETINGS = ["Hi team,", "Hello,", "Hi there,", "Good morning,", "Dear support,", "Hey,", ""]
SIGN_OFFS = ["Thanks,", "Thank you!", "Best regards,", "Cheers,", "Kind regards,", "Regards,"]
NAMES = ["John Smith", "Maria Garcia", "Wei Chen", "Anna Kowalski", "Peter Novak", "Sara Lee"]
GENERIC_SUBJECTS = ["Help!", "Question", "Support request", "Urgent", "Issue with my account",
                    "Need help", "", "Problem", "Hello"]  # fmt: skip
CONTEXT = [
    "I'm on the latest version of the app.",
    "This started after the last update.",
    "I already tried restarting, it did not help.",
    "Please get back to me as soon as possible.",
    "I have been a customer for three years.",
    "My colleague has the same account type.",
]
COMPANIES = ["Acme Corp", "Globex Inc.", "Initech", "Umbrella Ltd", ""]
WRAPPERS = ["{q}", "{q}", "{q}", "i need help, {q}", "can you help me? {q}",
            "{q}, can you help me?", "{q} {{{{Order Number}}}}", "{q}??",
            "i'd like some assistance: {q}", "question about my account: {q}", "{q} please",
            "I want to know {q}"]  # fmt: skip


def as_letter(text: str, rng: random.Random) -> str:
    """`text` as an e-mail to support (see `--letters`)."""
    greeting, company = rng.choice(GREETINGS), rng.choice(COMPANIES)
    lines = [greeting, ""] if greeting else []
    lines += [text[:1].upper() + text[1:] + ".", "", rng.choice(SIGN_OFFS), rng.choice(NAMES)]
    lines += [company] if company else []
    lines += [f"Phone: +1 555 {rng.randrange(1000, 9999)}"] if rng.random() < 0.3 else []
    return "\n".join(lines)


def with_context(text: str, rng: random.Random, context: bool) -> str:
    """`text`, half the time ended by a sentence of context (see `--context`)."""
    if not context or rng.random() >= 0.5:
        return text
    return f"{text[:1].upper()}{text[1:]}. {rng.choice(CONTEXT)}"


def labelled_stream(
    path: Path | str,
    column: str,
    weeks: int,
    seed: int,
    limit: int | None,
    letters: bool = False,
    generic_subjects: bool = False,
    context: bool = False,
    templated: bool = False,
    sent_again: bool = False,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Native-format ticket records over `weeks` weeks, and ticket key -> subject (`path`:
    a CSV file, or a `clinc:train:IxN:S` sample)."""
    if isinstance(path, str):
        rows = train_sample(path)
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    rng = random.Random(seed)
    if limit is not None and limit < len(rows):
        rows = rng.sample(rows, limit)
    by_subject: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        copies = ["{q}"]
        if templated:
            copies = [rng.choice(WRAPPERS) for _ in range(rng.randint(1, 3))]
        elif sent_again:
            copies = ["{q}"] * rng.randint(1, 3)
        for wrapper in copies:
            by_subject[row[column]].append({**row, "text": wrapper.format(q=row["text"])})
    records, truth = [], {}
    for subject in sorted(by_subject):
        first = 0 if rng.random() < 1 / 3 else rng.randrange(weeks)
        for row in by_subject[subject]:
            n = len(records) + 1
            week = rng.randrange(first, weeks)
            created = START + timedelta(weeks=week, seconds=rng.randrange(7 * 86_400 - 60))
            subject_line = rng.choice(GENERIC_SUBJECTS) if generic_subjects else ""
            said = with_context(row["text"], rng, context)
            record = {
                "source": "bench",
                "external_id": f"B-{n:05d}",
                "created_at": created.isoformat(),
                "subject": subject_line,
                "body": as_letter(said, rng) if letters else said,
                "customer_id": f"customer{n}@example.test",
                "status": "solved",
            }
            if row.get("lang"):
                record["language"] = row["lang"]
            records.append(record)
            truth[f"bench:B-{n:05d}"] = subject
    return records, truth


def demo_stream(
    weeks: int, seed: int, sample: int | None
) -> tuple[list[dict[str, Any]], dict[str, str], datetime]:
    """The bundled demo tickets as records (a random `sample` of them, when given), their
    true subjects, and the first round's end."""
    from themes_demo import true_subjects

    from sddkit.data import __file__ as data_init

    path = Path(data_init).parent / "demo_tickets.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if sample is not None and sample < len(records):
        records = random.Random(seed).sample(records, sample)
    last = max(datetime.fromisoformat(r["created_at"]) for r in records)
    first_end = (last - timedelta(weeks=weeks - 1)).replace(hour=23, minute=59)
    return records, true_subjects(), first_end


class Tracker:
    """A local fake GitHub (tests/support/trackers.py) behind a real HTTP server; what it
    files becomes searchable between the weekly runs, as GitHub's index catches up."""

    def __init__(self) -> None:
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.fake = fakes.FakeGitHub(f"http://127.0.0.1:{self.server.port}/", fakes.GH_TOKEN)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response: Response = self.fake.handle(Request(environ))
        return response(environ, start_response)

    def index(self) -> None:
        self.fake.indexed = set(self.fake.issues)

    def close(self) -> None:
        self.server.shutdown()


def cli(workdir: Path, *args: str) -> str:
    """One `sddkit` command, in this process, as the CI job would type it."""
    argv = ["--db", str(workdir / "sddkit.db"), "--config", str(workdir / "sddkit.toml"), *args]
    out = workdir / "last-output.txt"
    saved = sys.stdout
    with out.open("w", encoding="utf-8") as sink:
        sys.stdout = sink
        try:
            cli_main.main(args=argv, prog_name="sddkit", standalone_mode=False)
        finally:
            sys.stdout = saved
    return out.read_text(encoding="utf-8")


def write_config(workdir: Path, tracker: Tracker) -> None:
    (workdir / "sddkit.toml").write_text(
        '[triage]\ntracker = "github"\n'
        'kinds = ["bug", "ux", "docs", "question", "feature", "unknown"]\n'
        "max_ticket_refs = 100000\n\n"
        f'[github]\nrepo = "acme/app"\nurl = "{tracker.fake.api}"\nwrite_interval_s = 0\n',
        encoding="utf-8",
    )


def run_weeks(
    records: list[dict[str, Any]],
    ends: list[datetime],
    workdir: Path,
    tracker: Tracker,
    person: Person | None = None,
) -> list[float]:
    os.environ["GITHUB_TOKEN"] = fakes.GH_TOKEN
    write_config(workdir, tracker)
    done: set[int] = set()
    seconds = []
    for week, end in enumerate(ends):
        batch = [
            n
            for n, r in enumerate(records)
            if n not in done and datetime.fromisoformat(r["created_at"]) < end
        ]
        done.update(batch)
        export = workdir / f"week-{week}.jsonl"
        with export.open("w", encoding="utf-8") as handle:
            for n in batch:
                handle.write(json.dumps(records[n], ensure_ascii=False) + "\n")
        started = time.perf_counter()
        cli(workdir, "tickets", "import", str(export), "--format", "sddkit")
        now = end.isoformat()
        cli(workdir, "themes", "--now", now)
        tracker.fake.clock = end
        cli(workdir, "triage", "--apply", "--now", now)
        tracker.index()
        seconds.append(time.perf_counter() - started)
        if person is not None:
            person.review(tracker.fake, end + timedelta(hours=1))
        print(f"  week {week + 1}: {len(batch)} new tickets, {len(tracker.fake.issues)} issues "
              f"so far ({seconds[-1]:.0f} s)", flush=True)  # fmt: skip
    return seconds


def issue_tickets(body: str) -> list[str]:
    """The ticket keys an issue lists (its <details> list of tickets)."""
    return REF_RE.findall(body)


def top_subject(issue: dict[str, Any], truth: dict[str, str]) -> tuple[str, float] | None:
    """The subject most of the issue's tickets are about, and its share of them."""
    keys = [k for k in issue_tickets(issue["body"] or "") if k in truth]
    if not keys:
        return None
    subject, n = Counter(truth[k] for k in keys).most_common(1)[0]
    return subject, n / len(keys)


class Person:
    """The team lead of `--person` (see the module docstring)."""

    def __init__(self, truth: dict[str, str]) -> None:
        self.truth = truth
        self.closed = 0
        self.merged: dict[str, int] = {}  # subject -> the newest issue number at its verdict

    def review(self, fake: Any, at: datetime) -> None:
        open_by_subject: dict[str, list[int]] = defaultdict(list)
        for number, issue in sorted(fake.issues.items()):
            top = top_subject(issue, self.truth) if issue["state"] == "open" else None
            if top is not None and top[1] >= MIXED_SHARE:
                open_by_subject[top[0]].append(number)
        for subject, numbers in open_by_subject.items():
            for number in numbers[1:]:
                fake.person_comment(number, f"Duplicate of #{numbers[0]}", at)
                fake.close(number, at, reason="duplicate")
                self.closed += 1
                self.merged.setdefault(subject, max(fake.issues))

    def tally(self, fake: Any) -> dict[str, Any]:
        again = 0
        for number, issue in fake.issues.items():
            top = top_subject(issue, self.truth)
            if top is not None and number > self.merged.get(top[0], number):
                again += 1
        return {"closed by the person": self.closed, "filed again after a verdict": again}


def tally(tracker: Tracker, truth: dict[str, str]) -> dict[str, Any]:
    subject_sizes = Counter(truth.values())
    tops, mixed = [], 0
    for issue in tracker.fake.issues.values():
        top = top_subject(issue, truth)
        if top is None:
            continue
        tops.append(top[0])
        mixed += top[1] < MIXED_SHARE
    filed = set(tops)
    missed = sorted(s for s, n in subject_sizes.items() if n >= MISSED_MIN and s not in filed)
    return {
        "issues": len(tops),
        "subjects": len(subject_sizes),
        "subjects filed": len(filed),
        "duplicates": len(tops) - len(filed),
        "mixed": mixed,
        "missed": len(missed),
        "missed subjects": missed[:10],
        "duplicated subjects": sorted(s for s, n in Counter(tops).items() if n > 1)[:10],
        "issues per subject filed": len(tops) / max(len(filed), 1),
    }


def theme_quality(workdir: Path, truth: dict[str, str]) -> dict[str, float]:
    from sklearn.metrics import normalized_mutual_info_score

    from sddkit.store import open_store
    from sddkit.themes.store import load_themes

    conn = open_store(workdir / "sddkit.db")
    themes = load_themes(conn)
    conn.close()
    theme_of = {k: t.id for t in themes for k in t.ticket_keys}
    family_of = {k: t.family_id or t.id for t in themes for k in t.ticket_keys}
    keys = sorted(truth)
    subjects = [truth[k] for k in keys]
    return {
        "themes": len(themes),
        "families": len({t.family_id or t.id for t in themes}),
        "NMI themes (noise as one)": normalized_mutual_info_score(
            subjects, [theme_of.get(k, "-") for k in keys]
        ),
        "NMI families (noise as one)": normalized_mutual_info_score(
            subjects, [family_of.get(k, "-") for k in keys]
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True,
                        help=f"{', '.join(NAMED)}, clinc:train:IxN:S, demo or a CSV")  # fmt: skip
    parser.add_argument("--subject-column", default="subject", help="for a CSV file")
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tickets", type=int, help="a random sample of this many rows")
    parser.add_argument("--keep", type=Path, help="keep the store and exports in this folder")
    parser.add_argument("--letters", action="store_true",
                        help="each text as an e-mail: greeting, sign-off, name")  # fmt: skip
    parser.add_argument("--generic-subjects", action="store_true",
                        help='a subject line such as "Help!" on each ticket')  # fmt: skip
    parser.add_argument("--context", action="store_true",
                        help="half the texts end with a sentence of context")  # fmt: skip
    parser.add_argument("--templated", action="store_true",
                        help="each text 1-3 times in wrappers, as a templated export")  # fmt: skip
    parser.add_argument("--copies", action="store_true",
                        help="each text sent one to three times as it is")  # fmt: skip
    parser.add_argument("--person", action="store_true",
                        help="a team lead closes plain duplicates after each run")  # fmt: skip
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if args.data == "demo":
        records, truth, first_end = demo_stream(args.weeks, args.seed, args.tickets)
        ends = [first_end + timedelta(weeks=w) for w in range(args.weeks)]
    else:
        source: Path | str
        source, column = NAMED.get(args.data, (Path(args.data), args.subject_column))
        if args.data.startswith("clinc:train:"):
            source, column = args.data, "intent"
        records, truth = labelled_stream(
            source,
            column,
            args.weeks,
            args.seed,
            args.tickets,
            args.letters,
            args.generic_subjects,
            args.context,
            args.templated,
            args.copies,
        )
        ends = [START + timedelta(weeks=w + 1) for w in range(args.weeks)]
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="sddkit-weekly-"))
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in workdir.glob("sddkit.db*"):
        stale.unlink()
    print(f"{args.data}: {len(records)} tickets, {len(set(truth.values()))} subjects, "
          f"{args.weeks} weekly runs (seed {args.seed}); store in {workdir}")  # fmt: skip
    tracker = Tracker()
    person = Person(truth) if args.person else None
    try:
        seconds = run_weeks(records, ends, workdir, tracker, person)
        figures = {**tally(tracker, truth), **theme_quality(workdir, truth)}
        if person is not None:
            figures.update(person.tally(tracker.fake))
    finally:
        tracker.close()
    for name, value in figures.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{name + ':':<30} {shown}")
    filed = max(figures["subjects filed"], 1)
    print(f"{'duplicates / subjects filed:':<30} {figures['duplicates'] / filed:.3f}")
    print(f"{'mixed / issues:':<30} {figures['mixed'] / max(figures['issues'], 1):.3f}")
    print(f"{'time:':<30} {sum(seconds):.0f} s")


if __name__ == "__main__":
    main()
