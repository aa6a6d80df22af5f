"""Seeding and checking for scripts/bench-move (boto3 against fauxqs).

seed:  (re)creates big-dlq and big-src, sends N distinct bodies (with a message attribute) to big-dlq
       with SendMessageBatch from 16 threads, waits until the DLQ reports them all, and writes the
       seeded bodies to --state.
check: drains big-src and big-dlq (receive 10 at a time, delete), counts lost bodies (seeded, found
       in neither queue), duplicates (extra copies in big-src), bodies left in big-dlq, and prints one
       result line per run plus lambdash's summary.
"""

import argparse
import collections
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def client(endpoint):
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(max_pool_connections=32, retries={"max_attempts": 2}),
    )


def fresh_queue(sqs, name):
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        sqs.delete_queue(QueueUrl=url)
    except sqs.exceptions.QueueDoesNotExist:
        pass
    return sqs.create_queue(QueueName=name)["QueueUrl"]


def depth(sqs, url):
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


def seed(args):
    sqs = client(args.endpoint)
    dlq = fresh_queue(sqs, "big-dlq")
    fresh_queue(sqs, "big-src")
    bodies = [json.dumps({"n": i, "order": f"o-{i:06d}", "pad": "x" * 200}) for i in range(args.messages)]

    def send(chunk_start):
        chunk = bodies[chunk_start : chunk_start + 10]
        entries = [
            {
                "Id": str(k),
                "MessageBody": b,
                "MessageAttributes": {"source": {"DataType": "String", "StringValue": "bench"}},
            }
            for k, b in enumerate(chunk)
        ]
        out = sqs.send_message_batch(QueueUrl=dlq, Entries=entries)
        if out.get("Failed"):
            raise RuntimeError(f"seeding failed: {out['Failed']}")

    started = time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(send, range(0, len(bodies), 10)))
    visible, _ = depth(sqs, dlq)
    if visible != args.messages:
        sys.exit(f"seeded {args.messages} but big-dlq reports {visible}")
    with open(args.state, "w") as f:
        json.dump(bodies, f)
    print(
        f"bench-move: seeded {args.messages} messages in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


def drain(sqs, url):
    """Every body in the queue (deleting as it goes), with repeats."""
    found = []
    empties = 0

    def one(_):
        out = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=300
        )
        msgs = out.get("Messages", [])
        if msgs:
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]} for k, m in enumerate(msgs)],
            )
        return [m["Body"] for m in msgs]

    with ThreadPoolExecutor(16) as pool:
        while empties < 3:
            got = [b for batch in pool.map(one, range(16)) for b in batch]
            found.extend(got)
            empties = 0 if got else empties + 1
    return found


def check(args):
    sqs = client(args.endpoint)
    with open(args.state) as f:
        seeded = json.load(f)
    src = sqs.get_queue_url(QueueName="big-src")["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName="big-dlq")["QueueUrl"]
    moved = drain(sqs, src)
    left = drain(sqs, dlq)
    counts = collections.Counter(moved)
    seeded_set = set(seeded)
    lost = [b for b in seeded if b not in counts and b not in left]
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    strangers = [b for b in counts if b not in seeded_set]
    with open(args.summary) as f:
        text = f.read().strip()
    summary = json.loads(text) if text else {}
    seconds = args.elapsed_ns / 1e9
    rate = len(counts) / seconds if seconds else 0.0
    print(
        f"run {args.run}: {len(seeded)} messages, lambdash exit {args.exit}, "
        f"{seconds:.2f} s wall clock, {rate:.0f} msg/s; in big-src {len(moved)} "
        f"({len(counts)} distinct), lost {len(lost)}, duplicates {duplicates}, left in big-dlq "
        f"{len(left)}, unknown bodies {len(strangers)}; lambdash says moved {summary.get('moved')}, "
        f"failed {len(summary.get('failed', []))}, duplicates {summary.get('duplicates')}, "
        f"elapsed {summary.get('elapsed_ms')} ms"
    )
    if lost or strangers:
        sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--endpoint", required=True)
    s.add_argument("--messages", type=int, required=True)
    s.add_argument("--state", required=True)
    c = sub.add_parser("check")
    c.add_argument("--endpoint", required=True)
    c.add_argument("--state", required=True)
    c.add_argument("--summary", required=True)
    c.add_argument("--exit", type=int, required=True)
    c.add_argument("--elapsed-ns", type=int, required=True)
    c.add_argument("--run", type=int, default=1)
    args = p.parse_args()
    {"seed": seed, "check": check}[args.cmd](args)


if __name__ == "__main__":
    main()
