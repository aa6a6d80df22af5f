"""Seeding and checking for scripts/bench-backfill (boto3 against moto).

seed:  a Lambda function `bench-fn` and its log group with N events over S streams named as Lambda
       names them, spread over the 3 hours before now (streams start and end at different times, as
       execution environments do; some events share a millisecond), written to --state.
check: compares what a tool printed with the seeded set: events, missed, duplicated, out of order.
       --format lambdash (JSON lines of `lambdash tail --json`) or aws (`aws logs filter-log-events`
       JSON output).
"""

import argparse
import io
import json
import random
import sys
import time
import zipfile

import boto3

GROUP = "/aws/lambda/bench-fn"


def seed(args):
    kw = dict(endpoint_url=args.endpoint, region_name="us-east-1")
    iam = boto3.client("iam", **kw)
    lam = boto3.client("lambda", **kw)
    logs = boto3.client("logs", **kw)
    role = iam.create_role(
        RoleName="bench-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(e, c):\n    return e\n")
    lam.create_function(
        FunctionName="bench-fn",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": buf.getvalue()},
    )
    try:
        logs.create_log_group(logGroupName=GROUP)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    now = int(time.time() * 1000)
    start = now - 3 * 3600 * 1000
    end = now - 60 * 1000
    rng = random.Random(21)
    per_stream = args.events // args.streams
    seeded = []
    n = 0
    for s in range(args.streams):
        name = f"2026/12/07/[$LATEST]{s:04d}{rng.getrandbits(96):024x}"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=name)
        # Each environment lives for part of the range: some from the start, some start mid-range.
        a = start + rng.randint(0, (end - start) // 2) if s % 3 else start
        b = rng.randint(a + (end - a) // 2, end)
        count = per_stream + (1 if s < args.events % args.streams else 0)
        stamps = sorted(rng.randint(a, b) for _ in range(count))
        # Some events share a millisecond with the one before.
        for k in range(1, len(stamps), 17):
            stamps[k] = stamps[k - 1]
        events = []
        for t in stamps:
            msg = f"START bench n={n} stream={s} " + "x" * 80
            events.append({"timestamp": t, "message": msg})
            seeded.append(msg)
            n += 1
        for i in range(0, len(events), 5000):
            logs.put_log_events(logGroupName=GROUP, logStreamName=name, logEvents=events[i : i + 5000])
    with open(args.state, "w") as f:
        json.dump({"messages": seeded, "start_ms": start, "end_ms": end, "now_ms": now}, f)
    print(f"bench-backfill: seeded {n} events over {args.streams} streams", file=sys.stderr)


def printed(args):
    """(message, timestamp) pairs in the order the tool printed them."""
    with open(args.output) as f:
        text = f.read()
    if args.format == "lambdash":
        out = []
        for line in text.splitlines():
            if line.strip():
                e = json.loads(line)
                out.append((e["message"].rstrip("\n"), e["timestamp"]))
        return out
    doc = json.loads(text) if text.strip() else {"events": []}
    return [(e["message"].rstrip("\n"), e["timestamp"]) for e in doc.get("events", [])]


def check(args):
    with open(args.state) as f:
        state = json.load(f)
    seeded = set(state["messages"])
    got = printed(args)
    seen = {}
    for m, _ in got:
        seen[m] = seen.get(m, 0) + 1
    missed = len(seeded - set(seen))
    duplicated = sum(c - 1 for c in seen.values() if c > 1)
    # RFC 3339 with milliseconds (lambdash) or epoch milliseconds (aws): both compare in order.
    stamps = [t for _, t in got]
    out_of_order = sum(1 for a, b in zip(stamps, stamps[1:]) if b < a)
    strangers = len(set(seen) - seeded)
    seconds = args.elapsed_ns / 1e9
    print(
        json.dumps(
            {
                "tool": args.tool,
                "seconds": round(seconds, 2),
                "events": len(got),
                "missed": missed,
                "duplicated": duplicated,
                "out_of_order": out_of_order,
                "unknown": strangers,
                "exit": args.exit,
            }
        )
    )


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--endpoint", required=True)
    s.add_argument("--events", type=int, required=True)
    s.add_argument("--streams", type=int, required=True)
    s.add_argument("--state", required=True)
    c = sub.add_parser("check")
    c.add_argument("--state", required=True)
    c.add_argument("--output", required=True)
    c.add_argument("--format", choices=["lambdash", "aws"], required=True)
    c.add_argument("--tool", required=True)
    c.add_argument("--exit", type=int, required=True)
    c.add_argument("--elapsed-ns", type=int, required=True)
    args = p.parse_args()
    {"seed": seed, "check": check}[args.cmd](args)


if __name__ == "__main__":
    main()
