#!/usr/bin/env python3
"""Puts two runs of the suite side by side: one Markdown table with the first run's scores, errors
and bytes per operation, each peer's peer / headroom ratio in both runs, and how far it moved.

    python3 benchmarks/tools/compare-runs.py run-a.json run-b.json > table.md

The inputs are the JSON files JMH writes (benchmarks/target/jmh-result.json after each run of
`java -jar benchmarks/target/benchmarks.jar quick|full`). A scenario is a benchmark method with its
parameters other than `impl` and its thread count; `headroom` is the reference of its scenario.
"moved" is the larger ratio over the smaller one, minus one: 0.25 means one run's ratio was 25 %
above the other's, in whichever direction.
"""
import json
import math
import sys


def key(r):
    params = dict(r.get("params") or {})
    params.pop("impl", None)
    extra = ",".join(f"{k}={v}" for k, v in sorted(params.items()))
    name = r["benchmark"].split(".")[-2] + "." + r["benchmark"].split(".")[-1]
    return f"{name}{' ' + extra if extra else ''} ({r['threads']}t)"


def load(path):
    rows = {}
    for r in json.load(open(path)):
        impl = (r.get("params") or {}).get("impl", "headroom")
        pm = r["primaryMetric"]
        norm = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        rows.setdefault(key(r), {})[impl] = {
            "score": pm["score"],
            "error": pm["scoreError"],
            "unit": pm["scoreUnit"],
            "runs": f"{r['forks']}×{r['measurementIterations']}",
            "bop": None if norm is None else norm["score"],
        }
    return rows


def ratio(v):
    if v is None:
        return "n/a"
    if 0 < v < 0.01:
        decimals = -math.floor(math.log10(v)) + 1  # two significant digits
        return f"{v:.{decimals}f}"
    return f"{v:.2f}"


def num(v):
    if v != v:  # NaN
        return "n/a"
    return f"{v:,.1f}".replace(",", " ") if v < 1000 else f"{v:,.0f}".replace(",", " ")


def bop(v):
    if v is None:
        return "n/a"
    return f"{v:.1f}" if v < 10 else f"{v:,.0f}".replace(",", " ")


def main():
    a, b = load(sys.argv[1]), load(sys.argv[2])
    print(
        "| scenario | impl | score (run A) | ± error | runs | unit | B/op | peer / headroom, A"
        " | peer / headroom, B | moved |"
    )
    print("|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
    moves, agree = [], 0
    for scenario, impls in a.items():
        ours_a = impls.get("headroom")
        ours_b = (b.get(scenario) or {}).get("headroom")
        for impl, res in impls.items():
            ra = rb = moved = None
            if impl != "headroom" and ours_a and ours_a["score"]:
                ra = res["score"] / ours_a["score"]
                peer_b = (b.get(scenario) or {}).get(impl)
                if peer_b and ours_b and ours_b["score"]:
                    rb = peer_b["score"] / ours_b["score"]
                    if ra > 0 and rb > 0:
                        moved = max(ra, rb) / min(ra, rb) - 1
                        moves.append(moved)
                        agree += (ra < 1) == (rb < 1)
            print(
                f"| {scenario} | {impl} | {num(res['score'])} | {num(res['error'])} | {res['runs']}"
                f" | {res['unit']} | {bop(res['bop'])}"
                f" | {'1.00' if impl == 'headroom' else ratio(ra)}"
                f" | {'1.00' if impl == 'headroom' else ratio(rb)}"
                f" | {'' if moved is None else f'{moved:.0%}'} |"
            )
    if moves:
        moves.sort()
        half = len(moves) // 2
        median = moves[half] if len(moves) % 2 else (moves[half - 1] + moves[half]) / 2
        print()
        print(
            f"{len(moves)} ratios in both runs: moved {moves[0]:.0%}–{moves[-1]:.0%},"
            f" median {median:.0%}; both runs put the same side ahead in {agree} of {len(moves)}."
        )


if __name__ == "__main__":
    main()
