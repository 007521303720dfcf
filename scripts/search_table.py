#!/usr/bin/env python3
"""Prints the search table of PAPER_NOTES.md from the search's CSV file.

Usage: scripts/search_table.py [data/chunker_20step_search/search.csv]

It prints one Markdown row per reading of `chunker search`, in the CSV's order. A row has
the counts of runs solved, and confirmed by a frozen automatizer, under 5,000 and 35,000
sequences. It also has the medians (a dash where half or more of the runs did not get
there) and C's mean ticks per sequence at the end of the runs.
"""

import csv
import sys


def grouped(text):
    """Returns an integer with thousands separators, or a dash for an empty cell."""
    return f"{int(text):,}" if text else "-"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "data/chunker_20step_search/search.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(
        "| reading | change from the literal reading | runs | solved < 5,000 | solved < 35,000 "
        "| median to solve | frozen < 5,000 | frozen < 35,000 | median to frozen "
        "| C ticks per sequence at the end |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| `{row['reading']}` | {row['change']} | {row['runs']} "
            f"| {row['solved_under_5000']} | {row['solved_under_35000']} "
            f"| {grouped(row['median_sequences_to_solve'])} "
            f"| {row['frozen_under_5000']} | {row['frozen_under_35000']} "
            f"| {grouped(row['median_sequences_to_frozen'])} "
            f"| {float(row['mean_final_chunker_ticks_per_sequence']):.2f} |"
        )


if __name__ == "__main__":
    main()
