"""Every console example in README.md runs, in order, as written.

The README's ```console blocks are a walkthrough: each ``$ command`` (with its
continuation lines) is followed by its output. This test runs them one
after another with bash, in a directory of their own (so ``cookies.txt`` and
``items.csv`` carry over as they would for a reader), against a live server
on a fresh database, and compares each output with the README's. The README
walks through the default setup of ``make run`` (SQLite and file sessions),
so that is what the server runs on, whatever backends the suite is testing:
the ids in its URLs are SQLite's.

Ignored: ids, timestamps and versions, which differ from run to run or with
the order of other examples. ``...`` means what the README says it means: a
value shown as ``"..."`` may be anything, and ``...`` as the last member of an
object or list stands for members left out.
"""

import json
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import create_app
from plumbing.database import dispose_engines
from tests.helpers import serve

README = Path(__file__).resolve().parent.parent / "README.md"
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
ELLIPSIS = "..."
MASK = "<ignored>"
ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)
ETAG_VERSION = re.compile(r'^(ETag: (W/)?)"\d+"', re.MULTILINE | re.IGNORECASE)


@dataclass
class Example:
    line: int  # where the command starts in README.md, for failure messages
    command: str
    expected: str


def readme_examples(text: str) -> list[Example]:
    """Split every console block into commands and the output shown after each."""
    examples: list[Example] = []
    for block in CONSOLE_BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).splitlines()
        index = 0
        while index < len(lines):
            if not lines[index].startswith("$ "):
                index += 1  # stray text before the first prompt
                continue
            line = first_line + index
            command = [lines[index][2:]]
            while is_unfinished("\n".join(command)) and index + 1 < len(lines):
                index += 1
                command.append(lines[index])
            index += 1
            output = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index])
                index += 1
            examples.append(Example(line, "\n".join(command), "\n".join(output)))
    return examples


def is_unfinished(command: str) -> bool:
    """Tell whether a command goes on to the next line, as the shell would."""
    if command.endswith("\\"):
        return True
    try:
        shlex.split(command)
    except ValueError:  # a quotation still open: a JSON body spread over lines
        return True
    return False


def is_masked(key: str) -> bool:
    return key in {"id", "version", "current_version", "timestamp"} or key.endswith(
        ("_id", "_at")
    )


def masked(value):
    """Replace ids, timestamps and versions anywhere in a JSON value."""
    if isinstance(value, dict):
        return {
            key: MASK if is_masked(key) else masked(item) for key, item in value.items()
        }
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, str):
        return ISO_TIMESTAMP.sub(MASK, value)
    return value


def readme_json(text: str):
    """Parse the README's JSON, turning a trailing ``...`` into a marker."""
    text = re.sub(r"\{\s*\.\.\.\s*\}", '{"...": "..."}', text)
    text = re.sub(r",\s*\.\.\.\s*\}", ', "...": "..."}', text)
    text = re.sub(r"\[\s*\.\.\.\s*\]", '["..."]', text)
    text = re.sub(r",\s*\.\.\.\s*\]", ', "..."]', text)
    return json.loads(text)


def shaped_like(expected, actual):
    """``actual`` with what the README leaves out replaced by ``...``."""
    if expected == ELLIPSIS:
        return ELLIPSIS
    if isinstance(expected, dict) and isinstance(actual, dict):
        shortened = ELLIPSIS in expected
        result = {
            key: shaped_like(expected.get(key), value)
            for key, value in actual.items()
            if not shortened or key in expected
        }
        if shortened:
            result[ELLIPSIS] = ELLIPSIS
        return result
    if isinstance(expected, list) and isinstance(actual, list):
        if expected and expected[-1] == ELLIPSIS:
            shown = len(expected) - 1
            pairs = zip(expected[:shown], actual[:shown], strict=False)
            return [shaped_like(e, a) for e, a in pairs] + [ELLIPSIS]
        pairs = zip(expected, actual, strict=False)
        return [shaped_like(e, a) for e, a in pairs] + actual[len(expected) :]
    return actual


def comparable(expected: str, actual: str) -> tuple:
    """Both outputs in a form where equality means "as the README says"."""
    expected, actual = expected.strip(), actual.strip()
    if expected.startswith(("{", "[")):
        want = masked(readme_json(expected))
        try:
            got = masked(json.loads(actual))
        except ValueError:
            return want, actual
        return want, shaped_like(want, got)

    def plain(text: str) -> str:
        return ETAG_VERSION.sub(rf'\1"{MASK}"', ISO_TIMESTAMP.sub(MASK, text))

    return plain(expected), plain(actual)


def test_the_readme_has_console_examples():
    examples = readme_examples(README.read_text())
    assert len(examples) >= 15
    assert all("localhost:5000" in e.command for e in examples if "curl" in e.command)


@pytest.fixture
def sqlite_server(sqlite_config):
    """A live server as ``make run`` starts one: SQLite and file sessions, on a
    database built by the migrations (``flask db upgrade``), not create_all():
    the ids in the README's URLs are the ones a reader's server hands out."""
    app = create_app(sqlite_config)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with serve(app) as base_url:
        yield base_url
    with app.app_context():
        dispose_engines()


# Each command runs in a bash of its own, but as in one terminal: the shell
# variables a command sets (ITEM=$(...)) are there for the next ones.
KEEPING_VARIABLES = """
if [ -f .readme-variables ]; then . ./.readme-variables; fi
set -a
{command}
status=$?
export -p > .readme-variables
exit $status
"""


def run_every_example(base_url: str, directory: Path) -> None:
    """Run the README's console examples in order against ``base_url``."""
    host = base_url.removeprefix("http://")
    for example in readme_examples(README.read_text()):
        command = example.command.replace("localhost:5000", host)
        result = subprocess.run(
            ["bash", "-c", KEEPING_VARIABLES.format(command=command)],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=30,
        )
        where = f"README.md line {example.line}: {example.command.splitlines()[0]}"
        assert result.returncode == 0, f"{where}\n{result.stderr}"
        want, got = comparable(example.expected, result.stdout)
        assert got == want, where


def test_every_console_example_runs_in_order_as_written(sqlite_server, tmp_path):
    # One test, not one per example: each example builds on the ones before.
    run_every_example(sqlite_server, tmp_path)


def test_the_walkthrough_also_runs_after_seed_demo(sqlite_config, tmp_path):
    # The first screen recommends flask seed-demo: the ids the walkthrough's
    # own responses return are then others, and its commands use those.
    app = create_app(sqlite_config)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with serve(app) as base_url:
        run_every_example(base_url, tmp_path)
    with app.app_context():
        dispose_engines()


def test_no_console_example_names_an_id_it_did_not_read():
    for example in readme_examples(README.read_text()):
        url_ids = re.findall(r"localhost:5000/\S*/\d+|X-Team-ID: \d", example.command)
        assert url_ids == [], f"README.md line {example.line}: {url_ids}"


@pytest.mark.parametrize(
    ("readme", "output"),
    [
        ('{"a": 1, ...}', '{"a": 1, "b": 2}'),
        ('{"a": "...", "b": 2}', '{"a": [1], "b": 2}'),
        ('{"list": [{"a": 1}, ...]}', '{"list": [{"a": 1}, {"a": 2}]}'),
        (
            '{"id": 1, "created_at": "2026-01-01T00:00:00+00:00"}',
            '{"id": 7, "created_at": "2027-02-02T01:01:01.5+00:00"}',
        ),
        (
            '{"item": {"version": 2, "item_id": 1}}',
            '{"item": {"version": 5, "item_id": 3}}',
        ),
        ('ETag: "2"', 'ETag: "3"'),
    ],
)
def test_comparison_ignores_only_ids_timestamps_versions_and_elisions(readme, output):
    want, got = comparable(readme, output)
    assert got == want


@pytest.mark.parametrize(
    ("readme", "output"),
    [
        ('{"a": 1}', '{"a": 1, "b": 2}'),  # no "...": every member is shown
        ('{"a": 1, ...}', '{"a": 2, "b": 2}'),
        ('{"list": [{"a": 1}]}', '{"list": [{"a": 1}, {"a": 2}]}'),
        ('{"message": "Item created successfully!"}', '{"message": "Created."}'),
        ('{"quantity": 5}', '{"quantity": 6}'),
        ("", '{"a": 1}'),  # output the README does not show
    ],
)
def test_comparison_catches_any_other_difference(readme, output):
    want, got = comparable(readme, output)
    assert got != want


def test_commands_continue_after_a_backslash_or_inside_quotes():
    text = (
        "```console\n"
        "$ curl -s localhost:5000/a \\\n"
        '    -d \'{"a": 1,\n'
        '         "b": 2}\'\n'
        '{"ok": true}\n'
        "\n"
        "$ curl -s localhost:5000/b\n"
        "```\n"
    )
    first, second = readme_examples(text)
    assert first.command.endswith('"b": 2}\'')
    assert first.expected.strip() == '{"ok": true}'
    assert (second.line, second.command, second.expected) == (
        7,
        "curl -s localhost:5000/b",
        "",
    )
