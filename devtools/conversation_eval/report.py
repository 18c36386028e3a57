"""The evaluation's report: the share of exchanges that succeed per language, category and
channel, the failures (what was typed, which check failed, what the bot replied), as text or
JSON, and whether every language meets the target."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from devtools.conversation_eval.cases import CATEGORIES, CHANNELS, LANGUAGES
from devtools.conversation_eval.runner import Outcome

TARGET = 0.95  # of the exchanges of each language


def shares(outcomes: Sequence[Outcome], key: Callable[[Outcome], str],
           order: Sequence[str]) -> list[tuple[str, int, int]]:  # fmt: skip
    """(name, passed, total) for each value of `key`, in `order`, skipping empty ones."""
    rows = []
    for name in order:
        mine = [outcome for outcome in outcomes if key(outcome) == name]
        if mine:
            rows.append((name, sum(outcome.passed for outcome in mine), len(mine)))
    return rows


def tables(outcomes: Sequence[Outcome]) -> dict[str, list[tuple[str, int, int]]]:
    return {
        "language": shares(outcomes, lambda o: o.exchange.language, LANGUAGES),
        "category": shares(outcomes, lambda o: o.exchange.category, CATEGORIES),
        "channel": shares(outcomes, lambda o: o.exchange.channel, CHANNELS),
    }


def meets_target(outcomes: Sequence[Outcome]) -> bool:
    """Every language's share of successes is at least TARGET."""
    rows = tables(outcomes)["language"]
    return bool(rows) and all(passed >= TARGET * total for _, passed, total in rows)


def format_tables(outcomes: Sequence[Outcome]) -> str:
    """The Markdown tables, as bench/RESULTS.md keeps them."""
    passed = sum(outcome.passed for outcome in outcomes)
    share = _share(passed, len(outcomes))
    lines = [f"{passed} of {len(outcomes)} exchanges succeed ({share}); "
             f"target {TARGET:.0%} in each language.", ""]  # fmt: skip
    for title, rows in tables(outcomes).items():
        lines += [f"| {title} | succeed | exchanges | share |", "|---|---:|---:|---:|"]
        lines += [f"| {name} | {ok} | {total} | {_share(ok, total)} |" for name, ok, total in rows]
        lines.append("")
    return "\n".join(lines)


def format_failures(outcomes: Sequence[Outcome], reply_chars: int = 160) -> str:
    lines = []
    for outcome in outcomes:
        if outcome.passed:
            continue
        reply = " / ".join(" ".join(text.split()) for text in outcome.replies)
        lines.append(f"- {outcome.exchange.id} [{outcome.exchange.channel}] typed "
                     f"{outcome.typed!r}: {'; '.join(outcome.failures)}\n"
                     f"    replied: {reply[:reply_chars] or '(nothing)'}")  # fmt: skip
    return "\n".join(lines)


def as_json(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    return {
        "target": TARGET,
        "meets_target": meets_target(outcomes),
        "tables": {title: [{"name": name, "passed": ok, "total": total} for name, ok, total in rows]
                   for title, rows in tables(outcomes).items()},
        "exchanges": [{"id": o.exchange.id, "language": o.exchange.language,
                       "channel": o.exchange.channel, "category": o.exchange.category,
                       "typed": o.typed, "passed": o.passed, "failures": o.failures,
                       "replies": list(o.replies)} for o in outcomes],
    }  # fmt: skip


def _share(passed: int, total: int) -> str:
    return f"{passed / total:.0%}" if total else "-"
