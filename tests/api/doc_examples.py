"""Read the curl examples of a documentation page, for the tests that run them as written.

A page marks each example with ``<!-- example: NAME -->`` followed by a ```` ```sh ```` block holding one
``curl`` command (optionally ``| jq PATH``) and, optionally, a ```` ```json ```` block with the output shown.
Blocks may be indented (inside a list item).
"""

from __future__ import annotations

import json
import re
import shlex
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_BLOCK = re.compile(r"^(?P<indent> *)<!-- example: (?P<name>[\w-]+) -->\n(?P=indent)```sh\n(?P<code>.*?)^(?P=indent)```"
                    r"(?:\n\n(?P=indent)```json\n(?P<out>.*?)^(?P=indent)```)?", re.S | re.M)


@dataclass
class Example:
    """One documented request: method, path, headers, JSON body, the jq path read, and the output shown."""

    method: str = "GET"
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    jq: str | None = None
    shown: Any = None


def read_examples(doc: Path, server: str) -> dict[str, Example]:
    """The examples of ``doc`` by name; ``server`` is the base URL the page's curl commands use."""
    found: dict[str, Example] = {}
    for match in _BLOCK.finditer(doc.read_text(encoding="utf-8")):
        example = _parse_curl(textwrap.dedent(match["code"]), server, doc.name)
        out = textwrap.dedent(match["out"]) if match["out"] else None
        example.shown = json.loads(out) if out else None
        found[match["name"]] = example
    return found


def _parse_curl(code: str, server: str, page: str) -> Example:
    (command,) = [line for line in code.replace("\\\n", " ").splitlines() if line.startswith("curl ")]
    command, _, jq = command.partition(" | jq ")
    words = shlex.split(command)[1:]
    example = Example(jq=jq.strip() or None)
    while words:
        word = words.pop(0)
        if word == "-s":
            continue
        if word == "-X":
            example.method = words.pop(0)
        elif word == "-H":
            name, _, value = words.pop(0).partition(":")
            example.headers[name.strip()] = value.strip()
        elif word == "-d":
            example.body = json.loads(words.pop(0))
        elif word.startswith(server):
            example.path = word.removeprefix(server)
        else:
            raise AssertionError(f"docs/{page} uses a curl option the test does not know: {word}")
    return example
