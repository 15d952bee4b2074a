#!/usr/bin/env python3
"""Side-by-side comparison with Python's businesstimedelta on identical inputs.

Both add 4 working hours to the same 10,000 random starts in 2019-2027, Moscow time,
Monday-Friday 09:00-18:00, with the same holiday list: every weekday that the Russian
production calendar makes a day off. businesstimedelta cannot express working Saturdays or
shortened pre-holiday days, so both sides use holidays only.

Run from the repository root: python3 bench/compare_businesstimedelta.py
Needs: pip install businesstimedelta pytz
"""
import datetime
import random
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import businesstimedelta
import pytz

ROOT = Path(__file__).resolve().parent.parent
MSK = pytz.timezone("Europe/Moscow")


def holidays():
    data = tomllib.loads((ROOT / "crates/calendar/data/ru.toml").read_text())
    fixed = [tuple(int(x) for x in h["date"].split("-")) for h in data["holidays"]]
    days = set()
    for year, y in data["years"].items():
        year = int(year)
        days |= {datetime.date(year, m, d) for m, d in fixed}
        days |= {d["date"] for d in y["days_off"]}
        days |= {d["date"] for d in y.get("presidential", [])}
    days = {d if isinstance(d, datetime.date) else datetime.date.fromisoformat(str(d)) for d in days}
    return sorted(d for d in days if d.weekday() < 5)


def main():
    hol = holidays()
    rng = random.Random(42)
    lo = int(datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
    hi = int(datetime.datetime(2027, 12, 1, tzinfo=datetime.timezone.utc).timestamp())
    starts = [rng.randrange(lo, hi) for _ in range(10_000)]

    with tempfile.TemporaryDirectory() as tmp:
        ics = Path(tmp) / "holidays.ics"
        lines = ["BEGIN:VCALENDAR"]
        for d in hol:
            lines += ["BEGIN:VEVENT", f"DTSTART;VALUE=DATE:{d:%Y%m%d}", "SUMMARY:holiday", "END:VEVENT"]
        lines.append("END:VCALENDAR")
        ics.write_text("\r\n".join(lines) + "\r\n")
        st = Path(tmp) / "starts.txt"
        st.write_text("\n".join(map(str, starts)) + "\n")
        run = subprocess.run(
            ["cargo", "run", "--release", "-q", "-p", "reglament-calendar", "--example", "compare", "--", str(ics), str(st)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
    rust = [int(x) for x in run.stdout.split()]
    rust_ns = float(run.stderr.split("ns_per_call")[1].split()[0])

    workday = businesstimedelta.WorkDayRule(
        start_time=datetime.time(9), end_time=datetime.time(18), working_days=[0, 1, 2, 3, 4], tz=MSK
    )
    rule = businesstimedelta.Rules([workday, businesstimedelta.HolidayRule(hol, tz=MSK)])
    delta = businesstimedelta.BusinessTimeDelta(rule, hours=4)
    dts = [datetime.datetime.fromtimestamp(s, tz=pytz.utc).astimezone(MSK) for s in starts]
    t = time.perf_counter()
    py = [int((dt + delta).timestamp()) for dt in dts]
    py_ns = (time.perf_counter() - t) / len(dts) * 1e9

    same = sum(1 for a, b in zip(rust, py) if a == b)
    diffs = [(s, a, b) for s, a, b in zip(starts, rust, py) if a != b]
    print(f"inputs: {len(starts)} starts, +4 working hours, Mon-Fri 09-18 Moscow, {len(hol)} weekday holidays")
    print(f"reglament-calendar: {rust_ns:.1f} ns/call")
    print(f"businesstimedelta:  {py_ns:.0f} ns/call")
    print(f"ratio: {py_ns / rust_ns:.0f}x")
    print(f"identical deadlines: {same}/{len(starts)}")
    for s, a, b in diffs[:5]:
        f = lambda x: datetime.datetime.fromtimestamp(x, tz=pytz.utc).astimezone(MSK).isoformat()
        print(f"  differs: start {f(s)}: reglament {f(a)}, businesstimedelta {f(b)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
