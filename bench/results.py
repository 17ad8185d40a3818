#!/usr/bin/env python3
"""The benchmarks' table files (bench/compare.sh writes one per run to bench/results/): medians and a regression check.

  bench/results.py median RUN.json RUN.json RUN.json > BASELINE.json   the median of each figure over the runs
  bench/results.py check OLD.json NEW.json [--tolerance 0.2]          flags each rate that fell by more than the tolerance
  bench/results.py ratios BASELINE.json                                AuthApp ÷ Identity: the median of the runs' ratios

A ratio is taken within each run (both servers measured minutes apart, on the same machine state) and the median of
those is kept as figure "ratio:<name>", with the lowest and highest run.

Figures on this 2-core machine move by up to ±30% between single runs; the median of three runs each side (bench/baseline.sh)
is steady enough that a drop beyond 20% is worth a look. The check exits 1 when it flags anything. Not part of ./test.sh.
"""
import json
import statistics
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def median(paths):
    runs = [load(p) for p in paths]
    keys = set.intersection(*(set(r["figures"]) for r in runs))
    figures = {}
    for key in sorted(keys):
        metrics = set.intersection(*(set(r["figures"][key]) for r in runs))
        figures[key] = {m: statistics.median(r["figures"][key][m] for r in runs) for m in sorted(metrics)}
    for key in sorted(k for k in keys if k.startswith("AuthApp:") and "Identity:" + k[8:] in keys):
        per_run = [r["figures"][key]["rps"] / r["figures"]["Identity:" + key[8:]]["rps"] for r in runs]
        figures["ratio:" + key[8:]] = {"ratio": statistics.median(per_run), "lowest": min(per_run), "highest": max(per_run)}
    first = runs[0]
    return {"bench": first["bench"], "date": first["date"], "cores": first["cores"], "commit": first["commit"],
            "runs": len(runs), "figures": figures}


def ratios(path):
    baseline = load(path)
    print(f"AuthApp ÷ Identity, {baseline['commit']} ({baseline['date']}), median of {baseline.get('runs', 1)} runs' ratios")
    for key, figure in baseline["figures"].items():
        if key.startswith("ratio:"):
            print(f"  {key[6:]}: {figure['ratio']:.2f} (runs {figure['lowest']:.2f}–{figure['highest']:.2f})")


def check(old_path, new_path, tolerance):
    old, new = load(old_path), load(new_path)
    print(f"{old['bench']}: {old['commit']} ({old['date']}, {old.get('runs', 1)} runs) → {new['commit']} ({new['date']}, "
          f"{new.get('runs', 1)} runs); flagged: a rate below {1 - tolerance:.0%} of the old one")
    print()
    print("| figure | old req/s | new req/s | new ÷ old | |")
    print("| --- | ---: | ---: | ---: | --- |")
    flagged = 0
    for key in sorted(set(old["figures"]) & set(new["figures"])):
        a, b = old["figures"][key].get("rps"), new["figures"][key].get("rps")
        if not a or b is None:
            continue
        ratio = b / a
        slower = ratio < 1 - tolerance
        flagged += slower
        print(f"| {key} | {a:,.1f} | {b:,.1f} | {ratio:.2f} | {'**slower**' if slower else ''} |")
    return flagged


def main(argv):
    if len(argv) >= 2 and argv[0] == "median":
        json.dump(median(argv[1:]), sys.stdout, indent=1)
        print()
        return 0
    if len(argv) == 2 and argv[0] == "ratios":
        ratios(argv[1])
        return 0
    if len(argv) >= 3 and argv[0] == "check":
        tolerance = float(argv[argv.index("--tolerance") + 1]) if "--tolerance" in argv else 0.2
        return 1 if check(argv[1], argv[2], tolerance) else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
