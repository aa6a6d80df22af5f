#!/usr/bin/env python3
"""The watching half of scripts/scale: runs lambdash in tmux behind the quota proxy, times what appears
on screen, reads the proxy's stats and lambdash's CPU, and (with --table) prints the markdown table.

Called by scripts/scale; see there for what is measured and how.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
import urllib.request

SESSION = "scale"
COLS, ROWS = 160, 45
TICK = 0.2


def tmux(sock, *args, check=True):
    return subprocess.run(["tmux", "-S", sock, *args], capture_output=True, text=True, check=check)


def screen(sock):
    out = tmux(sock, "capture-pane", "-p", "-t", SESSION, check=False)
    return out.stdout if out.returncode == 0 else ""


def alive(sock):
    return tmux(sock, "has-session", "-t", SESSION, check=False).returncode == 0


def http(url, method="GET"):
    req = urllib.request.Request(url, data=b"" if method == "POST" else None, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def start(args):
    h = args.home
    env = (
        f"env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test "
        f"AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true XDG_CONFIG_HOME={h}/config "
        f"XDG_STATE_HOME={h}/state XDG_CACHE_HOME={h}/cache LAMBDASH_AUDIT_LOG={h}/audit.jsonl "
        f"TERM=xterm-256color"
    )
    cmd = f"{env} {args.lambdash} --endpoint-url {args.proxy}"
    tmux(args.tmux_socket, "kill-session", "-t", SESSION, check=False)
    tmux(args.tmux_socket, "new-session", "-d", "-s", SESSION, "-x", str(COLS), "-y", str(ROWS), cmd)


def lambdash_pid(sock):
    out = tmux(sock, "list-panes", "-t", SESSION, "-F", "#{pane_pid}", check=False).stdout.strip()
    if not out:
        return None
    todo = [int(out)]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")[0]
        except OSError:
            continue
        if cmd.endswith(b"lambdash"):
            return pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return None


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def header_count(text):
    m = re.search(r"functions (\d+)", text.splitlines()[0] if text else "")
    return int(m.group(1)) if m else None


def watch(args):
    seeded = json.loads(args.seeded)
    n = args.functions
    http(f"{args.proxy}/__proxy/reset-stats", "POST")
    t0 = time.monotonic()
    start(args)
    window = args.minutes * 60
    marks = {"first_rows": None, "whole_list": None, "dlq": None, "throttle_on_screen": None}
    dlq_count = None
    pressed_d = False
    last = ""
    while time.monotonic() - t0 < window:
        now = time.monotonic() - t0
        text = screen(args.tmux_socket)
        if text:
            last = text
        body = "\n".join(text.splitlines()[1:])
        if marks["first_rows"] is None and "scale-0" in body:
            marks["first_rows"] = now
        if marks["whole_list"] is None and header_count(text) == n:
            marks["whole_list"] = now
        if marks["throttle_on_screen"] is None and "throttl" in text.lower():
            marks["throttle_on_screen"] = now
        if marks["whole_list"] is not None and not pressed_d:
            tmux(args.tmux_socket, "send-keys", "-t", SESSION, "D")
            pressed_d = True
        if pressed_d and marks["dlq"] is None and "Discovering DLQs" not in text:
            m = re.search(r"Dead-letter queues \((\d+),", text)
            if m:
                marks["dlq"] = now
                dlq_count = int(m.group(1))
                # Back to the functions list, where an engineer lives: the minutes after count its
                # refreshes (and the DLQ poller's, which runs beside it), and the idle CPU is its.
                tmux(args.tmux_socket, "send-keys", "-t", SESSION, "Escape")
        if not alive(args.tmux_socket):
            break
        time.sleep(TICK)
    stats = json.loads(http(f"{args.proxy}/__proxy/stats"))
    pid = lambdash_pid(args.tmux_socket)
    cpu = None
    if pid:
        hz = os.sysconf("SC_CLK_TCK")
        a, ta = cpu_ticks(pid), time.monotonic()
        time.sleep(30)
        b, tb = cpu_ticks(pid), time.monotonic()
        cpu = 100.0 * (b - a) / hz / (tb - ta)
    # Second start on the same directories (the on-disk cache, if lambdash keeps one).
    second = None
    if alive(args.tmux_socket):
        tmux(args.tmux_socket, "send-keys", "-t", SESSION, "Escape")
        time.sleep(0.3)
        tmux(args.tmux_socket, "send-keys", "-t", SESSION, "q")
        for _ in range(50):
            if not alive(args.tmux_socket):
                break
            time.sleep(0.1)
        t1 = time.monotonic()
        start(args)
        while time.monotonic() - t1 < 300:
            if header_count(screen(args.tmux_socket)) == n:
                second = time.monotonic() - t1
                break
            time.sleep(TICK)
        tmux(args.tmux_socket, "kill-session", "-t", SESSION, check=False)
    result = {
        "functions": n,
        "seed_s": seeded.get("seconds"),
        "expected_dlqs": seeded.get("expected_dlqs"),
        "dlq_count": dlq_count,
        "marks": marks,
        "window_s": window,
        "cpu_pct": cpu,
        "cpu_after_discovery": marks["dlq"] is not None,
        "second_start_whole_list": second,
        "stats": stats.get("quota", {}),
        "last_screen": last,
    }
    with open(args.out, "a") as f:
        f.write(json.dumps(result) + "\n")
    print(f"[{n}] {json.dumps({k: v for k, v in result.items() if k not in ('stats', 'last_screen')})}")


def secs(v):
    return "not reached" if v is None else f"{v:.1f} s"


def pct(part, whole):
    return f"{part:,} of {whole:,} ({100.0 * part / whole:.1f} %)" if whole else "—"


def column(r):
    groups = r["stats"].get("groups", [])
    control = next((g for g in groups if g["group"] == "lambda-control"), None)
    per_min = control["lambdash"]["per_minute"] if control else []
    full_minutes = max(1, math.ceil(r["window_s"] / 60 - 0.01))
    per_min = (per_min + [0] * full_minutes)[:full_minutes]
    first = sum(per_min[:5])
    after = per_min[5:]
    throttles = sum(g["lambdash"]["throttled"] for g in groups)
    attempts = sum(g["rest_of_account"]["attempts"] for g in groups)
    refused = sum(g["rest_of_account"]["refused"] for g in groups)
    peaks = ", ".join(
        f"{g['group']} {g['lambdash']['peak_10s_rps']:.1f}"
        + (f"/{g['quota_rps']:g}" if g["quota_rps"] else "")
        for g in groups
        if g["lambdash"]["total"] > 0
    )
    m = r["marks"]
    dlq = secs(m["dlq"])
    if r["dlq_count"] is not None:
        dlq += f" ({r['dlq_count']} of {r['expected_dlqs']} DLQs)"
    cpu = "—" if r["cpu_pct"] is None else f"{r['cpu_pct']:.2f} %"
    if r["cpu_pct"] is not None and not r["cpu_after_discovery"]:
        cpu += " (discovery not complete)"
    shown = "none" if m["throttle_on_screen"] is None else f"yes, at {m['throttle_on_screen']:.0f} s"
    first_label = "first 5 min" if full_minutes >= 5 else f"first {full_minutes} min"
    return {
        "seeding (lambdash-demo seed-scale)": secs(r["seed_s"]),
        "first rows on screen": secs(m["first_rows"]),
        "whole list (header = N)": secs(m["whole_list"]),
        "complete DLQ topology": dlq,
        "Lambda control-plane requests, first 5 min": f"{first} ({first_label})",
        "… per minute after": ", ".join(map(str, after)) if after else "— (window ≤ 5 min)",
        "busiest 10 s per group (rps / quota)": peaks or "—",
        "throttles received by lambdash": str(throttles),
        "rest of the account refused (all groups)": pct(refused, attempts),
        "… of it, Lambda control plane": pct(
            control["rest_of_account"]["refused"], control["rest_of_account"]["attempts"]
        )
        if control
        else "—",
        "throttling text on screen": shown,
        "idle CPU, 30 s after the window": cpu,
        "second start: whole list": secs(r["second_start_whole_list"]),
    }


def table(args):
    with open(args.table) as f:
        results = [json.loads(line) for line in f if line.strip()]
    cols = [column(r) for r in results]
    print(f"\n{args.describe}\n")
    print("| | " + " | ".join(f"{r['functions']:,} functions" for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for key in cols[0] if cols else []:
        print(f"| {key} | " + " | ".join(c[key] for c in cols) + " |")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tmux-socket")
    p.add_argument("--lambdash")
    p.add_argument("--proxy")
    p.add_argument("--home")
    p.add_argument("--functions", type=int)
    p.add_argument("--seeded", default="{}")
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--out")
    p.add_argument("--table")
    p.add_argument("--describe", default="")
    args = p.parse_args()
    if args.table:
        table(args)
    else:
        watch(args)


if __name__ == "__main__":
    sys.exit(main())
