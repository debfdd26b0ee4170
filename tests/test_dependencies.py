"""The dependencies: declared once in pyproject.toml, locked with hashes."""

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def locked(name: str) -> dict[str, str]:
    """Return each package the lock file pins, with its version."""
    text = (ROOT / name).read_text(encoding="utf-8")
    return {
        canonicalize_name(match[1]): match[2]
        for line in text.splitlines()
        if (match := PIN.match(line))
    }


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = (
        project["optional-dependencies"][extra] if extra else project["dependencies"]
    )
    return [Requirement(name) for name in names]


@pytest.mark.parametrize("lock_file", ["requirements.txt", "requirements-dev.txt"])
def test_every_locked_package_is_pinned_with_its_hashes(lock_file):
    text = (ROOT / lock_file).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1])
    packages = [entry for entry in entries if PIN.match(entry)]
    assert packages, f"{lock_file} pins nothing"
    unhashed = [entry.split()[0] for entry in packages if "--hash=sha256:" not in entry]
    assert unhashed == []
    # Every line is a pin, its hash, or a comment: no unpinned requirement.
    loose = [
        line
        for line in text.splitlines()
        if line.strip()
        and not line.lstrip().startswith(("#", "--hash"))
        and not PIN.match(line)
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("lock_file", "extras"),
    [("requirements.txt", [None]), ("requirements-dev.txt", [None, "dev"])],
)
def test_the_lock_holds_a_version_of_each_declared_dependency(lock_file, extras):
    pins = locked(lock_file)
    for extra in extras:
        for requirement in declared(extra):
            name = canonicalize_name(requirement.name)
            assert name in pins, f"{requirement} is not in {lock_file}"
            assert requirement.specifier.contains(pins[name]), (requirement, pins[name])


def test_the_dev_lock_installs_the_runtime_lock_unchanged():
    runtime, dev = locked("requirements.txt"), locked("requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
