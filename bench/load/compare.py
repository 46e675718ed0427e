"""The member/visitor table of bench/load/run.sh, from the wrk outputs it saved.

compare.py DIR PAGE...   reads DIR/<page>.<visitor|member>.<run>.txt (wrk --latency) and prints a
                         Markdown table: requests per second, p50 and p99 of each reader as
                         min / median / max over the runs, and the ratio member/visitor of each
                         pair of runs made back to back (min / median / max).
"""

import re
import statistics
import sys
from pathlib import Path

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse(text: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    figures = {"rps": rps}
    for name, pct in (("p50", "50%"), ("p99", "99%")):
        value, unit = re.search(rf"^\s*{pct}\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M).groups()
        figures[name] = float(value) * UNITS_MS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    figures["non2xx"] = int(errors.group(1)) if errors else 0
    return figures


def spread(values: list[float], fmt: str) -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    folder, pages = Path(sys.argv[1]), sys.argv[2:]
    print("| page | reader | req/s min / median / max | p50 ms | p99 ms | member/visitor req/s, min / median / max |")
    print("|---|---|---|---|---|---|")
    for page in pages:
        runs = {
            who: {int(f.name.split(".")[2]): parse(f.read_text()) for f in folder.glob(f"{page}.{who}.*.txt")}
            for who in ("visitor", "member")
        }
        ratios = [runs["member"][r]["rps"] / runs["visitor"][r]["rps"] for r in sorted(runs["visitor"])]
        for who in ("visitor", "member"):
            figures = list(runs[who].values())
            bad = sum(f["non2xx"] for f in figures)
            print(
                f"| {page} | {who}{f' ({bad} non-2xx)' if bad else ''} "
                f"| {spread([f['rps'] for f in figures], '{:.0f}')} "
                f"| {spread([f['p50'] for f in figures], '{:.1f}')} "
                f"| {spread([f['p99'] for f in figures], '{:.1f}')} "
                f"| {spread(ratios, '{:.2f}') if who == 'member' else ''} |"
            )


if __name__ == "__main__":
    main()
