"""The needs report as files people use: bar charts (PNG) of the gaps and of what keeps people
out, the picture of the district's educational paths, every table as one CSV, and a one-page
PDF for the committee. Drawn with matplotlib (Agg, no display); DejaVu Sans shows umlauts.

Only what the report already shows goes into a file: hidden counts stay "<5" (in charts they
are left out, and the chart says so)."""

from __future__ import annotations

import csv
import io
import textwrap
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from bot.core.report import Report
from bot.core.report_views import Names, count_text, gap_sentence, opener_sentence, synthetic_note
from bot.core.suppression import HIDDEN

FONT = "DejaVu Sans"
BAR = "#2b6cb0"
A4 = (8.27, 11.69)
plt.rcParams.update({"font.family": FONT, "font.size": 9, "svg.hashsalt": "lotse"})


def _png(figure: Figure, tight: bool = True) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=130, bbox_inches="tight" if tight else None,
                   metadata={"Software": None})  # fmt: skip
    plt.close(figure)
    return out.getvalue()


def _bars(title: str, items: list[tuple[str, int]], note: str, empty: str) -> bytes:
    """A horizontal bar chart of (label, count), largest first."""
    figure, axes = plt.subplots(figsize=(8, 0.45 * max(len(items), 3) + 1.4))
    if items:
        labels = [textwrap.fill(label, 60) for label, _ in reversed(items)]
        values = [value for _, value in reversed(items)]
        axes.barh(labels, values, color=BAR)
        for y, value in enumerate(values):
            axes.text(value, y, f" {value}", va="center")
        axes.set_xlim(0, max(values) * 1.15 + 1)
    else:
        axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
        axes.set_yticks([])
    axes.set_title(title, loc="left", fontweight="bold")
    axes.spines[["top", "right"]].set_visible(False)
    figure.text(0.01, 0.0, note, fontsize=7, color="#555555")
    return _png(figure)


def gaps_chart(report: Report, n: Names) -> bytes:
    return digest_chart(n, list(report.gaps))


def digest_chart(n: Names, gaps: list) -> bytes:
    """The largest gaps, (keys, count) each: of a report, or as a weekly digest planned them."""
    t = n.t
    items = [(gap_sentence(n, tuple(keys), int(count)).rsplit(":", 1)[0], int(count))
             for keys, count in gaps]  # fmt: skip
    return _bars(
        t.gettext("People for whom no offer fits (largest groups)"), items,
        t.gettext("Groups under 5 people are not shown."), t.gettext("No group of 5 or more."),
    )  # fmt: skip


def blockers_chart(report: Report, n: Names) -> bytes:
    t = n.t
    items = [
        (n.condition(row.keys[0]), row.value)
        for row in report.table("blocked").rows if row.value  # hidden (None) and 0 left out
    ]  # fmt: skip
    items.sort(key=lambda item: -item[1])
    return _bars(
        t.gettext("What keeps people out of the offers of their interest"), items,
        t.gettext("People counted once per condition; counts under 5 are not shown."),
        t.gettext("No condition keeps 5 or more people out."),
    )  # fmt: skip


def _layers(report: Report) -> list[list[str]]:
    """The path's steps in columns: each step one column right of what leads to it."""
    steps = {step.offer: step for step in report.paths}
    depth: dict[str, int] = {}

    def place(offer: str, level: int, seen: frozenset[str]) -> None:
        if level <= depth.get(offer, -1) or offer in seen:
            return
        depth[offer] = level
        for target in steps[offer].leads_to if offer in steps else ():
            place(target, level + 1, seen | {offer})

    targets = {t for step in report.paths for t in step.leads_to}
    for step in report.paths:
        if step.offer not in targets:
            place(step.offer, 0, frozenset())
    for step in report.paths:  # a cycle without a start
        depth.setdefault(step.offer, 0)
    columns: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for offer, level in sorted(depth.items()):
        columns[level].append(offer)
    # Each step near what leads to it: ordered by the mean row of its predecessors.
    row: dict[str, float] = {offer: i for i, offer in enumerate(columns[0])} if columns else {}
    for column in columns[1:]:
        def mean(offer: str) -> float:
            before = [row[s.offer] for s in report.paths if offer in s.leads_to and s.offer in row]
            return sum(before) / len(before) if before else 0.0

        column.sort(key=lambda offer: (mean(offer), offer))
        row.update({offer: i for i, offer in enumerate(column)})
    return columns


def paths_chart(report: Report, n: Names) -> bytes:
    t = n.t
    columns = _layers(report)
    people = {step.offer: step.people for step in report.paths}
    rows = max((len(c) for c in columns), default=1)
    figure, axes = plt.subplots(figsize=(max(3.2 * len(columns), 6), 0.9 * rows + 1.4))
    axes.set_axis_off()
    spots: dict[str, tuple[float, float]] = {}
    for x, column in enumerate(columns):
        for y, offer in enumerate(column):
            spots[offer] = (x, rows - 1 - y - (rows - len(column)) / 2)
    boxes = {}
    for offer, (x, y) in spots.items():
        label = textwrap.fill(n.offer(offer), 28)
        count = t.gettext("fits {count} now").format(count=count_text(t, people.get(offer)))
        box = {"boxstyle": "round", "facecolor": "#ebf4ff", "edgecolor": BAR}
        boxes[offer] = axes.text(x, y, f"{label}\n{count}", ha="center", va="center",
                                 fontsize=7, bbox=box, zorder=3)  # fmt: skip
    figure.canvas.draw()  # the boxes get their size: arrows start and end at their edges
    for step in report.paths:
        for target in step.leads_to:
            if step.offer in boxes and target in boxes:
                axes.annotate(
                    "", xy=spots[target], xytext=spots[step.offer], zorder=1,
                    arrowprops={"arrowstyle": "->", "color": "#555555",
                                "connectionstyle": "arc3,rad=0.08",
                                "patchA": boxes[step.offer].get_bbox_patch(),
                                "patchB": boxes[target].get_bbox_patch()},
                )  # fmt: skip
    axes.set_xlim(-0.6, max(len(columns) - 0.4, 0.6))
    axes.set_ylim(-0.8, rows - 0.2)
    axes.set_title(t.gettext("Educational paths in the district"), loc="left", fontweight="bold")
    if not spots:
        axes.text(0.5, 0.5, t.gettext("No offer says where it leads yet (leads_to)."),
                  ha="center", va="center", transform=axes.transAxes)  # fmt: skip
    return _png(figure)


def tables_csv(report: Report, n: Names) -> bytes:
    """Every table in one CSV: table, the key columns (codes and names), count ("<5")."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["table", "key", "name", "count"])
    writer.writerow(["people", "", "", count_text(n.t, report.people)])
    for table in report.tables.values():
        for row in table.rows:
            writer.writerow([table.name, "|".join(row.keys), _name(n, table.name, row.keys),
                             HIDDEN if row.value is None else row.value])  # fmt: skip
        if table.has_total:
            total = HIDDEN if table.total is None else table.total
            writer.writerow([table.name, "total", "", total])
    # Excel opens UTF-8 with a BOM as UTF-8 (umlauts and Arabic names intact).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _name(n: Names, table: str, keys: tuple[str, ...]) -> str:
    by = {
        "age": n.band, "status": n.status, "german": n.level, "language": n.language,
        "interest": n.interest, "with_interest": n.interest, "no_fit": n.interest,
        "almost_only": n.interest, "blocked": n.condition, "event_subscribers": n.event,
    }  # fmt: skip
    if table in by:
        return by[table](keys[0])
    if table.startswith("offer_"):
        return n.offer(keys[0])
    if table in ("no_fit_by_status", "no_fit_by_age", "no_fit_by_level"):
        name = {"no_fit_by_status": n.status, "no_fit_by_age": n.band,
                "no_fit_by_level": n.level}[table]  # fmt: skip
        return f"{n.interest(keys[0])}, {name(keys[1])}"
    if table == "no_fit_by_group":
        interest, status, band, level = keys
        return ", ".join((n.interest(interest), n.status(status), n.band(band), n.level(level)))
    if table == "event_went":
        return f"{n.event(keys[0])}: {keys[1]}"
    return " ".join(keys)


def committee_pdf(
    report: Report, n: Names, district: str, made: date, kind: str = "pdf"
) -> bytes:
    """One A4 page in German (n is German): what, when, where, the figures, how counted.
    `kind` "png" draws the same page as a picture (to look at it without a PDF reader)."""
    t = n.t
    figure = plt.figure(figsize=A4)
    top = 0.95

    def write(text: str, size: float = 9, weight: str = "normal", width: int = 100) -> None:
        nonlocal top
        for line in textwrap.wrap(text, width) or [""]:
            figure.text(0.07, top, line, fontsize=size, fontweight=weight, va="top")
            top -= size / 520
        top -= 0.006

    write(t.gettext("Needs report: {district}").format(district=district), 15, "bold")
    if report.synthetic:
        write(synthetic_note(t), 12, "bold")
    write(t.gettext("Period: {start} to {end}. Made on {date} with Lotse.").format(
        start=t.format_date(report.period.start), end=t.format_date(report.period.end),
        date=t.format_date(made)))  # fmt: skip
    write(t.gettext("People who used Lotse in this period: {count}").format(
        count=count_text(t, report.people)), 10, "bold")  # fmt: skip
    write(t.gettext("Largest gaps: people for whom no offer fits"), 11, "bold")
    for keys, count in report.gaps[:8]:
        write("• " + gap_sentence(n, keys, count))
    if not report.gaps:
        write(t.gettext("No group of 5 or more."))
    write(t.gettext("What would open most"), 11, "bold")
    for opener in report.openers[:3]:
        write("• " + opener_sentence(n, opener))
    if not report.openers:
        write(t.gettext("No single change opens an offer to 5 or more people."))
    write(t.gettext("What keeps people out"), 11, "bold")
    for row in sorted(report.table("blocked").rows, key=lambda r: -(r.value or 0)):
        if row.value != 0:
            write(f"• {n.condition(row.keys[0])}: {count_text(t, row.value)}")
    # The chart fills what the text left, above the note on how it is counted.
    height = min(0.24, top - 0.13)
    chart = figure.add_axes((0.42, 0.09, 0.51, max(height, 0.08)))
    items = [(gap_sentence(n, k, c).split(":")[0], c) for k, c in report.gaps[:6]]
    if items:
        chart.barh([textwrap.fill(label, 45) for label, _ in reversed(items)],
                   [c for _, c in reversed(items)], color=BAR)  # fmt: skip
        chart.tick_params(labelsize=6)
        chart.spines[["top", "right"]].set_visible(False)
    else:
        chart.set_axis_off()
    figure.text(0.07, 0.03, textwrap.fill(t.gettext(
        "How it is counted: from the answers of the people who agreed to be stored, on the day "
        "of the report. Counts under 5 are shown as <5, and totals that would give them away are "
        "hidden too. No single person can be seen. Synthetic demo data is marked as such."
    ), 130), fontsize=6.5, color="#444444", va="bottom")  # fmt: skip
    if kind == "png":
        return _png(figure, tight=False)
    out = io.BytesIO()
    figure.savefig(out, format="pdf", metadata={"Creator": "Lotse", "Producer": None,
                                                "CreationDate": None})  # fmt: skip
    plt.close(figure)
    return out.getvalue()
