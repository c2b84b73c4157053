"""LLM judge throughput: 1,000 tools judged through a local OpenAI-compatible server that takes 200 ms per call.

The server is the test suite's scripted chat-completions server (``tests/llm/fake_openai.py``: uvicorn on
127.0.0.1, a well-behaved model that answers a verdict for every item), run in its own process as a model
server would be, holding every answer for a fixed delay; it counts the requests it receives. The judge runs
as a scan runs it (``mcts.engine.analyze`` with the ``llm-judge`` analyzer and default
batching, concurrency and retries) over a seeded inventory of tools with realistic descriptions and
parameters, twice, with a fresh verdict cache in a temporary directory.

Each round builds the inventory afresh (nothing precomputed) and uses an empty cache. Prints, over five
rounds (medians, with min and max of the wall time), for the cold run: calls made, items per call, wall time,
the ideal ``calls x delay / concurrency`` and the check ``wall <= 1.2 x ideal``, and calls against one per
tool (goal: at least 10x fewer); for the second, identical run: calls made (goal 0) and the cache hit rate.
A 600 s analyzer budget is used so a slow run is measured, not cut off. Prints figures; asserts nothing.

Rerun: ``.venv/bin/python bench/llm_judge.py [--tools N] [--delay S] [--concurrency C] [--batch-tokens T] [--runs R]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the scripted server lives in the test tree

from tests.servers.launch import free_port  # noqa: E402

from mcts.analyzers.llm_judge import LlmJudgeAnalyzer  # noqa: E402
from mcts.engine import analyze  # noqa: E402
from mcts.model.inventory import Inventory  # noqa: E402
from mcts.model.report import AnalyzerRun  # noqa: E402
from mcts.options import ScanOptions  # noqa: E402

RERUN = ".venv/bin/python bench/llm_judge.py [--tools N] [--delay S] [--concurrency C] [--batch-tokens T] [--runs R]"
REDUCTION_GOAL = 10.0
WALL_FACTOR_GOAL = 1.2
VERBS = ("Reads", "Lists", "Creates", "Updates", "Deletes", "Searches", "Summarises", "Exports", "Fetches", "Sends")
THINGS = ("issues", "pull requests", "calendar events", "files in the workspace", "customer records", "invoices",
          "Slack messages", "database rows", "build logs", "support tickets", "wiki pages", "metrics")
ROLES = ("id", "filter", "cursor", "owner", "label")
DETAILS = ("Results are paginated; pass the cursor from the previous page.", "Requires read access to the project.",
           "Dates are ISO 8601 in UTC.", "At most 100 items are returned per call.",
           "Fails with a clear error when the item does not exist.", "Filters combine with AND.",
           "Use the id returned by the list call.", "Large payloads are truncated to 1 MB.")


def make_tools(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` tools: a description of two to four sentences and two to four described parameters."""
    rng = random.Random(seed)
    tools = []
    for n in range(count):
        verb, thing = rng.choice(VERBS), rng.choice(THINGS)
        description = f"{verb} {thing} of the connected account. " + " ".join(rng.sample(DETAILS, rng.randint(1, 3)))
        params = {f"p{k}": {"type": "string", "description": f"The {rng.choice(THINGS)} {rng.choice(ROLES)} to use"}
                  for k in range(rng.randint(2, 4))}
        tools.append({"name": f"{verb.lower()}_{thing.split()[0].lower()}_{n}", "description": description,
                      "inputSchema": {"type": "object", "properties": params}})
    return tools


@dataclass(frozen=True)
class Round:
    """One cold run (empty cache) and one identical warm run, with the calls the server saw for each."""

    cold: AnalyzerRun
    cold_wall: float
    cold_calls: int
    warm: AnalyzerRun
    warm_wall: float
    warm_calls: int


async def judge_once(inventory: Inventory, options: ScanOptions) -> tuple[AnalyzerRun, float]:
    """One judge run through the engine; its run record and wall time in seconds."""
    t0 = time.perf_counter()
    _, [run] = await analyze(inventory, options, "snapshot", classes=(LlmJudgeAnalyzer,))
    return run, time.perf_counter() - t0


def one_round(args: argparse.Namespace, url: str) -> Round:
    """A fresh inventory (nothing precomputed) and a fresh cache: the cold run, then the warm one."""
    with tempfile.TemporaryDirectory() as cache:
        options = ScanOptions(llm_base_url=url, llm_model="bench-judge", llm_cache_dir=Path(cache),
                              llm_concurrency=args.concurrency, llm_batch_tokens=args.batch_tokens,
                              analyzer_timeout=600)
        before = calls_received(url)
        cold, cold_wall = anyio.run(judge_once, Inventory.model_validate({"tools": args.tool_list}), options)
        middle = calls_received(url)
        warm, warm_wall = anyio.run(judge_once, Inventory.model_validate({"tools": args.tool_list}), options)
        return Round(cold, cold_wall, middle - before, warm, warm_wall, calls_received(url) - middle)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tools", type=int, default=1_000)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds from a request's arrival to its answer")
    parser.add_argument("--concurrency", type=int, default=ScanOptions().llm_concurrency)
    parser.add_argument("--batch-tokens", type=int, default=ScanOptions().llm_batch_tokens)
    parser.add_argument("--runs", type=int, default=5, help="cold + warm rounds; figures are their medians")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    args.tool_list = make_tools(args.tools, args.seed)
    with model_server(args.delay) as url:
        rounds = [one_round(args, url) for _ in range(args.runs)]
    report(args, rounds)


@contextmanager
def model_server(delay: float) -> Iterator[str]:
    """The scripted server in a child process on a free port; yields its base URL."""
    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "tests.llm.fake_openai", str(port), str(delay)], cwd=ROOT,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready", "the model server did not start"
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        assert child.stdin is not None
        child.stdin.close()  # the server exits when its stdin closes
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def calls_received(url: str) -> int:
    """The number of chat-completions requests the server has received."""
    return int(httpx2.get(url.removesuffix("/v1") + "/_fake/calls").json()["calls"])


def report(args: argparse.Namespace, rounds: list[Round]) -> None:
    """Print the figures (medians over the rounds) and their verdicts against the goals."""
    walls = [r.cold_wall for r in rounds]
    wall = statistics.median(walls)
    calls = int(statistics.median(r.cold_calls for r in rounds))
    ideal = calls * args.delay / args.concurrency
    reduction = args.tools / max(calls, 1)
    first, second = rounds[0].cold, rounds[0].warm
    warm_calls = max(r.warm_calls for r in rounds)
    hits = sum(r.warm.metrics.get("cache_hits", 0) for r in rounds)
    items = sum(r.warm.metrics.get("items", 0) for r in rounds)
    statuses = sorted({r.cold.status.value for r in rounds} | {r.warm.status.value for r in rounds})
    print(f"LLM judge: {args.tools} tools, {args.delay * 1000:.0f} ms per call, concurrency {args.concurrency}, "
          f"batch budget {args.batch_tokens} tokens, {args.runs} rounds (status: {', '.join(statuses)})")
    print(f"  cold run:   {calls} calls ({args.tools / max(calls, 1):.1f} tools per call), "
          f"{first.metrics.get('retries', 0):.0f} retries, {first.metrics.get('prompt_tokens', 0):.0f} prompt + "
          f"{first.metrics.get('completion_tokens', 0):.0f} completion tokens (server-reported), "
          f"{first.metrics.get('latency_ms_total', 0) / max(calls, 1):.0f} ms per call")
    print(f"  wall time:  median {wall:.3f} s (min {min(walls):.3f}, max {max(walls):.3f}); ideal calls x delay / "
          f"concurrency = {ideal:.3f} s; median ratio {wall / ideal:.2f} (goal <= {WALL_FACTOR_GOAL}): "
          f"{'meets goal' if wall <= WALL_FACTOR_GOAL * ideal else 'MISSES goal'}")
    print(f"  calls vs one per tool: {args.tools} -> {calls} = {reduction:.1f}x fewer (goal >= {REDUCTION_GOAL:.0f}x): "
          f"{'meets goal' if reduction >= REDUCTION_GOAL else 'MISSES goal'}")
    print(f"  warm run:   {warm_calls} calls at most (goal 0): {'meets goal' if warm_calls == 0 else 'MISSES goal'}; "
          f"cache hit rate {hits / max(items, 1):.1%} ({hits:.0f}/{items:.0f} items over the rounds); "
          f"wall median {statistics.median(r.warm_wall for r in rounds):.3f} s; "
          f"{second.metrics.get('cache_hits', 0):.0f} hits, {second.metrics.get('cache_misses', 0):.0f} misses")
    print(f"Rerun: {RERUN}")


if __name__ == "__main__":
    main()
