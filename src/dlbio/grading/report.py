"""The class report: which exercise did my class not get?

:func:`write_report` turns the records of a grading run into ``build/class-report.html``, one
self-contained file (the figures are embedded PNGs) with

* the distribution of autograded scores per lesson;
* the failure rate of every graded test, per lesson, in notebook order;
* the most frequent failing check messages per test (numbers replaced by ``#`` so that the
  same mistake with different values counts once);
* the submissions in which the kernel crashed, ran out of memory or timed out;
* the submissions that could not be graded, with the reason;
* the grading time per submission.
"""
from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter, defaultdict
from pathlib import Path

__all__ = ["write_report", "normalise_message"]

_NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def normalise_message(message: str) -> str:
    """A failure message with its numbers replaced by ``#``, so that equal mistakes group.

    >>> normalise_message("Check failed: accuracy. Got 0.42; expected a value in [0.7, 1].")
    'Check failed: accuracy. Got #; expected a value in [#, #].'
    """
    return _NUMBER.sub("#", message.strip().splitlines()[0] if message.strip() else "")


def _figure_html(fig, alt: str) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _table(header: list[str], rows: list[list], empty: str = "none") -> str:
    if not rows:
        return f"<p><em>{html.escape(empty)}</em></p>"
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(records: list[dict], path: Path, *, title: str = "Class report") -> Path:
    """Write the class report for the grading ``records`` to ``path`` (HTML).

    Parameters
    ----------
    records : list of dict
        One per submission, as :func:`dlbio.grading.cli.grade_class` returns them: ``student``,
        ``slug``, ``status`` ("graded", "skipped" or "failed"), ``reason``, ``seconds``,
        ``code_score``, ``max_code_score`` and ``cells`` (from
        :func:`dlbio.grading.store.notebook_summary`).
    path : Path
        Where to write the report.

    Returns
    -------
    Path
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    graded = [r for r in records if r["status"] in ("graded", "skipped")]
    failed = [r for r in records if r["status"] == "failed"]
    slugs = sorted({r["slug"] for r in records})
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p>{len(graded)} submissions graded, {len(failed)} could not be graded, "
             f"over {len(slugs)} lesson(s).</p>"]

    # Score distribution per lesson.
    by_slug = defaultdict(list)
    for r in graded:
        if r.get("max_code_score"):
            by_slug[r["slug"]].append(r)
    if by_slug:
        n = len(by_slug)
        fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.2), squeeze=False)
        for ax, (slug, rows) in zip(axes[0], sorted(by_slug.items())):
            top = max(r["max_code_score"] for r in rows)
            scores = [r["code_score"] for r in rows]
            ax.hist(scores, bins=[x - 0.5 for x in range(int(top) + 2)], color="#4c72b0", edgecolor="white")
            ax.set(title=slug, xlabel=f"autograded score (of {top:g})", ylabel="submissions")
        parts += ["<h2>Score distribution per lesson</h2>", _figure_html(fig, "score distribution"),
                  _table(["lesson", "graded", "mean", "median", "full marks", "zero"],
                         [[slug, len(rows), f"{sum(r['code_score'] for r in rows) / len(rows):.1f} / "
                           f"{rows[0]['max_code_score']:g}",
                           f"{sorted(r['code_score'] for r in rows)[len(rows) // 2]:g}",
                           sum(r["code_score"] >= r["max_code_score"] for r in rows),
                           sum(r["code_score"] == 0 for r in rows)] for slug, rows in sorted(by_slug.items())])]

    # Failure rate per graded test, and the most frequent messages.
    parts.append("<h2>Failure rate of every graded test</h2>")
    message_rows = []
    for slug in slugs:
        tests: dict[str, list[dict]] = {}
        for r in graded:
            if r["slug"] != slug:
                continue
            for cell in r.get("cells", []):
                if cell.get("graded") and cell.get("test"):
                    tests.setdefault(cell["grade_id"], []).append(cell)
        if not tests:
            continue
        names = list(tests)
        rates = [sum(c["score"] is not None and c["score"] < c["points"] for c in cells) / len(cells)
                 for cells in tests.values()]
        fig, ax = plt.subplots(figsize=(6.5, 0.35 * len(names) + 1.2))
        ax.barh(range(len(names)), rates, color="#dd8452")
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set(xlim=(0, 1), xlabel="fraction of submissions failing", title=slug)
        parts.append(_figure_html(fig, f"failure rate per test, {slug}"))
        for name, cells in tests.items():
            counts = Counter(normalise_message(c["message"]) for c in cells if c.get("message"))
            for message, count in counts.most_common(3):
                message_rows.append([slug, name, count, message])
    parts += ["<h2>Most frequent failing check messages per exercise</h2>",
              "<p>Numbers in the messages are replaced by # so that the same mistake counts once.</p>",
              _table(["lesson", "test", "submissions", "message"], message_rows, "no test failed")]

    # Crashes and timeouts.
    events = []
    for r in graded:
        for cell in r.get("cells", []):
            if cell.get("event"):
                events.append([r["student"], r["slug"], cell["grade_id"], cell["event"], cell.get("message", "")])
    parts += ["<h2>Submissions that crashed or timed out</h2>",
              "<p>The grader restarted the kernel (or interrupted the cell) and graded the rest; the "
              "cell named here scores 0.</p>",
              _table(["student", "lesson", "cell", "what happened", "message"], events, "none")]
    parts += ["<h2>Submissions that could not be graded</h2>",
              _table(["student", "lesson", "reason"], [[r["student"], r["slug"], r["reason"]] for r in failed],
                     "none: every submission was graded")]

    # Grading time.
    timed = [r for r in records if r.get("seconds")]
    if timed:
        fig, ax = plt.subplots(figsize=(7, 3.2))
        for i, slug in enumerate(slugs):
            rows = [r for r in timed if r["slug"] == slug]
            colours = ["#c44e52" if r["status"] == "failed" else
                       "#8172b3" if any(c.get("event") for c in r.get("cells", [])) else "#4c72b0" for r in rows]
            ax.scatter([i + 0.15 * ((k % 5) - 2) / 2 for k in range(len(rows))], [r["seconds"] for r in rows],
                       c=colours, s=18)
        ax.set_xticks(range(len(slugs)), slugs)
        ax.set(ylabel="seconds", title="grading time per submission (purple: crash or timeout; red: not graded)")
        parts += ["<h2>Grading time per submission</h2>", _figure_html(fig, "grading time"),
                  _table(["student", "lesson", "seconds", "status"],
                         [[r["student"], r["slug"], f"{r['seconds']:.1f}", r["status"]]
                          for r in sorted(timed, key=lambda r: -r["seconds"])[:15]])]

    # Scores per student.
    students = sorted({r["student"] for r in records})
    cell = {(r["student"], r["slug"]): r for r in records}
    rows = []
    for s in students:
        row = [s]
        for slug in slugs:
            r = cell.get((s, slug))
            row.append("" if r is None else "not graded" if r["status"] == "failed"
                       else f"{r['code_score']:g} / {r['max_code_score']:g}")
        rows.append(row)
    parts += ["<h2>Autograded scores per student</h2>", _table(["student"] + slugs, rows)]

    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:left;font-size:90%}th{background:#f2f2f2}img{max-width:100%}")
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                    f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")
    return path
