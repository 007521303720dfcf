#!/usr/bin/env python3
"""Print the Markdown tables of BENCHMARKS.md from one folder written by
scripts/bench_vs_anchors.sh: for each clock (wall, cpu_time), the numpy anchors
(numpy_CLOCK.json, rtrl_numpy_CLOCK.json) beside `chunker bench --json`
(chunker_CLOCK.json). Standard library only.

Usage: python3 scripts/bench_table.py bench-results
"""
import json
import os
import sys


def load(folder, name):
    with open(os.path.join(folder, name)) as f:
        return json.load(f)


def anchor_rates(numpy_rows, row):
    """Median steps/s of the float64, one-thread numpy rows of the row's configuration."""
    rates = {}
    for r in numpy_rows:
        is_rtrl = r["impl"] == "rtrl"
        if r["threads"] != 1 or r["dtype"] != "float64" or is_rtrl != (row["algorithm"] == "rtrl"):
            continue
        if r["V"] == row["alphabet"] and r["H"] == row["hidden"] and (is_rtrl or r["T"] == row["length"]):
            rates[r["impl"]] = r["steps_per_s"]["median"]
    return rates


def table(folder, clock):
    numpy_rows = (load(folder, f"numpy_{clock}.json")["rows"]
                  + load(folder, f"rtrl_numpy_{clock}.json")["rows"])
    print("| algorithm | alphabet | hidden | length | numpy karpathy | numpy opt / rtrl "
          "| chunker (min, max) | chunker / fastest numpy | GFLOP/s | % of 39.1 | target % | met |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in load(folder, f"chunker_{clock}.json"):
        rates = anchor_rates(numpy_rows, row)
        karpathy = f"{rates['karpathy']:,.0f}" if "karpathy" in rates else "-"
        other = rates.get("opt", rates.get("rtrl"))
        target = row["target_percent_of_peak"]
        if target is None:
            met = "-"
        else:
            met = "yes" if row["percent_of_peak"] >= target else "no"
        length = "-" if row["length"] is None else row["length"]
        print(f"| {row['algorithm']} | {row['alphabet']} | {row['hidden']} | {length} "
              f"| {karpathy} | {other:,.0f} "
              f"| {row['steps_per_second']:,.0f} ({row['steps_per_second_min']:,.0f}, "
              f"{row['steps_per_second_max']:,.0f}) | {row['steps_per_second'] / max(rates.values()):.1f}x "
              f"| {row['gflops']:.2f} | {row['percent_of_peak']:.1f} "
              f"| {'-' if target is None else f'{target:.0f}'} | {met} |")


# Ratio to the fastest numpy anchor that each share-of-peak target implies on the
# anchors' own machine, as the issue states them.
IMPLIED_RATIO = {("bptt", 16): "65x", ("bptt", 64): "13x", ("bptt", 256): "4x", ("rtrl", 32): "1.8x"}


def targets(folder):
    """Print the rows that have a target, timed with CPU time on both sides."""
    numpy_rows = (load(folder, "numpy_cpu_time.json")["rows"]
                  + load(folder, "rtrl_numpy_cpu_time.json")["rows"])
    wall = {(r["algorithm"], r["hidden"]): r for r in load(folder, "chunker_wall.json")}
    print("| row | target % of 39.1 | CPU time | wall clock | met (CPU time) "
          "| chunker / fastest numpy, CPU time | implied on the anchors' machine |")
    print("|---|---|---|---|---|---|---|")
    for row in load(folder, "chunker_cpu_time.json"):
        target = row["target_percent_of_peak"]
        if target is None:
            continue
        key = (row["algorithm"], row["hidden"])
        name = (f"BPTT ({row['alphabet']}, {row['hidden']}, {row['length']})"
                if row["algorithm"] == "bptt" else f"RTRL, {row['hidden']} hidden units")
        ratio = row["steps_per_second"] / max(anchor_rates(numpy_rows, row).values())
        met = "yes" if row["percent_of_peak"] >= target else "no"
        print(f"| {name} | {target:.0f} | {row['percent_of_peak']:.1f} "
              f"| {wall[key]['percent_of_peak']:.1f} | {met} | {ratio:.1f}x | {IMPLIED_RATIO[key]} |")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "bench-results"
    for clock, title in (("wall", "Wall clock (the anchors' protocol as published)"),
                         ("cpu_time", "Thread CPU time (both sides)")):
        print(f"#### {title}\n")
        table(folder, clock)
        print()
    print("#### Targets\n")
    targets(folder)
    print()


if __name__ == "__main__":
    main()
