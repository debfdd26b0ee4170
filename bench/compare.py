"""``make bench BASE=<ref>``: the base commit's checkout, and the comparison's sums.

bench/against_base.py measures every scenario for the base and the current tree
in one run; this module checks the base out into a temporary git worktree, picks each
side's figure from its rounds, and says which changes count as a loss.
``tests/test_bench.py`` checks both without timing anything.
"""

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A scenario may lose at most this share of the base's requests per second:
# about the run-to-run spread on this machine (docs/BENCHMARKS.md).
MAX_LOSS_PERCENT = 5.0


@contextmanager
def base_worktree(ref: str, repo: Path) -> Iterator[Path]:
    """Check ``ref`` out into a temporary worktree of ``repo``; remove it afterwards."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not commit:
        raise ValueError(f"BASE={ref} names no commit in {repo}")
    parent = Path(tempfile.mkdtemp(prefix="inventory-bench-base-")).resolve()
    path = parent / "base"
    try:
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(path), commit],
            cwd=repo,
            check=True,
            capture_output=True,
        )
        yield path
    finally:
        # --force: the bench leaves files in the checkout (bytecode, a log).
        removed = subprocess.run(
            ["git", "worktree", "remove", "--force", str(path)],
            cwd=repo,
            capture_output=True,
        )
        shutil.rmtree(parent, ignore_errors=True)
        if removed.returncode != 0 and path in worktree_paths(repo):
            # Its directory is gone now, so git can drop its record of it.
            subprocess.run(["git", "worktree", "prune"], cwd=repo, check=False)


def worktree_paths(repo: Path) -> set[Path]:
    """Return the directories git lists as worktrees of ``repo``."""
    listing = subprocess.run(
        ["git", "worktree", "list", "--porcelain"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        Path(line.removeprefix("worktree ")).resolve()
        for line in listing.splitlines()
        if line.startswith("worktree ")
    }


def best(results: list[dict]) -> dict:
    """Return the round with the most requests per second.

    Drift on a shared machine only ever slows a round down, so the fastest
    round is the closest to what the code itself reaches.
    """
    return max(results, key=lambda result: result["rps"])


def change_percent(current_rps: float, base_rps: float) -> float:
    """Return how much faster (positive) or slower the current tree is, in %."""
    return (current_rps - base_rps) / base_rps * 100


def loses(current_rps: float, base_rps: float) -> bool:
    """Say whether the current tree lost more than MAX_LOSS_PERCENT to the base."""
    return change_percent(current_rps, base_rps) < -MAX_LOSS_PERCENT
