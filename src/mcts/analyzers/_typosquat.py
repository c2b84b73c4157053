"""Names that imitate popular packages: one typo, two swapped letters, another separator, a look-alike scope.

The lists below are ours: the packages an MCP server most often depends on, per registry. A name is a
suspect when it is not itself on the list (nor a known legitimate neighbour) and, compared with a listed
name, differs only by separators (``fast-mcp``), by one edit or transposition (``pydnatic``), by two edits
for names of twelve letters or more, or copies an official scope with a small change
(``@modelcontextprotoco1/sdk``). Short names (under five letters: ``mcp``, ``zod``) are only compared by
separators, since one edit away from them lies half the registry; a name that contains the popular one as a
whole word (``jsonschema-rs``, ``pytest-httpx``) names an extension, not a look-alike.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mcts.analyzers._manifests import Ecosystem

# The core MCP packages: imitating these is aimed squarely at MCP servers.
MCP_CORE = {
    Ecosystem.PYPI: ("mcp", "fastmcp", "mcp-server-fetch", "mcp-server-git", "mcp-server-time", "mcp-server-sqlite",
                     "mcp-proxy", "mcp-remote", "modelcontextprotocol"),
    Ecosystem.NPM: ("@modelcontextprotocol/sdk", "@modelcontextprotocol/server-filesystem",
                    "@modelcontextprotocol/server-everything", "@modelcontextprotocol/server-memory",
                    "@modelcontextprotocol/server-github", "@modelcontextprotocol/server-sequential-thinking",
                    "@modelcontextprotocol/server-puppeteer", "@modelcontextprotocol/server-postgres",
                    "@modelcontextprotocol/server-slack", "@modelcontextprotocol/server-brave-search",
                    "@modelcontextprotocol/inspector", "fastmcp", "mcp-remote", "mcp-framework", "mcp-proxy"),
}
# Popular libraries MCP servers build on.
POPULAR = {
    Ecosystem.PYPI: ("pydantic", "pydantic-settings", "httpx", "requests", "starlette", "uvicorn", "fastapi", "anyio",
                     "click", "typer", "aiohttp", "openai", "anthropic", "langchain", "boto3", "botocore", "urllib3",
                     "cryptography", "pyyaml", "jinja2", "python-dotenv", "sqlalchemy", "psycopg2", "psycopg",
                     "beautifulsoup4", "playwright", "selenium", "numpy", "pandas", "gitpython", "markdownify",
                     "readabilipy", "protego", "tzdata", "certifi", "setuptools", "colorama", "rich", "websockets",
                     "sse-starlette", "jsonschema", "pyjwt", "paramiko", "docker", "kubernetes", "google-auth",
                     "slack-sdk", "pygithub", "stripe", "redis", "pymongo", "tiktoken", "transformers"),
    Ecosystem.NPM: ("zod", "zod-to-json-schema", "express", "axios", "dotenv", "commander", "typescript", "ws",
                    "node-fetch", "lodash", "chalk", "yargs", "cors", "uuid", "debug", "eventsource", "openai",
                    "@anthropic-ai/sdk", "puppeteer", "playwright", "pg", "mysql2", "sqlite3", "better-sqlite3",
                    "mongodb", "redis", "ioredis", "@octokit/rest", "@slack/web-api", "jsonwebtoken", "cheerio",
                    "undici", "got", "cross-spawn", "execa", "glob", "minimatch", "semver", "tsx", "esbuild",
                    "hono", "fastify", "koa", "body-parser", "raw-body", "content-type", "ajv", "diff", "yaml",
                    "jsdom", "turndown", "marked", "ts-node", "nodemon", "rimraf", "prettier", "eslint", "vitest",
                    "jest", "mocha", "react", "next", "vite", "webpack"),
}
# Real, legitimate packages that sit next to a listed name.
NEIGHBOURS = {
    Ecosystem.PYPI: frozenset({
        "boto", "jinja", "urllib2", "urllib", "request", "openapi", "httpie", "typed", "types", "click8",
        "pandera", "numba", "starlite", "psycopg3", "psycopg-binary", "psycopg2-binary", "docker-py", "redis-py",
        "fastapi-mcp", "mcp-server", "mcps", "pydantic-core", "unicorn", "pyaml", "websocket", "beautifulsoup",
        "anyio3", "dotenv", "clickhouse", "pyjwt2", "uvloop"
    }),
    Ecosystem.NPM: frozenset({
        "request", "dotenvx", "chai", "axios-retry", "yarg", "got-scraping", "undici-types", "ws2", "cors2",
        "tslint", "jsdoc", "eslint_d", "eclint", "globby", "glob2", "semver2", "diff2", "yamljs", "esbuild-wasm",
        "jsdom-global", "marked-terminal", "execa-cjs", "zod3", "tsc", "tsup", "next-auth", "preact", "koa2", "pgx",
        "mocha2", "jest2", "hone", "hono2", "redis4", "mongoose", "puppeteer-core", "playwright-core", "vitest2",
        "eslint9", "ajv8", "nodemon2"
    }),
}


@dataclass(frozen=True, slots=True)
class Squat:
    """A dependency name that imitates ``target``; ``how`` says in what way."""

    target: str
    how: str
    core: bool  # the imitated package is a core MCP package


def normalize(name: str, ecosystem: Ecosystem) -> str:
    """The registry's canonical form: PEP 503 for PyPI, lower case for npm."""
    lowered = name.strip().lower()
    return re.sub(r"[-_.]+", "-", lowered) if ecosystem is Ecosystem.PYPI else lowered


def _skeleton(name: str) -> str:
    return re.sub(r"[-_./@]+", "", name)


@functools.cache
def _known(ecosystem: Ecosystem) -> tuple[frozenset[str], tuple[tuple[str, str, bool], ...]]:
    core = {normalize(n, ecosystem) for n in MCP_CORE[ecosystem]}
    names = core | {normalize(n, ecosystem) for n in POPULAR[ecosystem]}
    table = tuple((n, _skeleton(n), n in core) for n in sorted(names))
    return frozenset(names) | NEIGHBOURS[ecosystem], table


@functools.cache
def _scopes(ecosystem: Ecosystem) -> frozenset[str]:
    return frozenset(n.split("/", 1)[0] for n in (*MCP_CORE[ecosystem], *POPULAR[ecosystem]) if n.startswith("@"))


def find_squat(name: str, ecosystem: Ecosystem) -> Squat | None:
    """The popular package ``name`` imitates, or None when it is one of them or not close to any."""
    normal = normalize(name, ecosystem)
    exact, table = _known(ecosystem)
    if normal in exact or not normal or normal.split("/", 1)[0] in _scopes(ecosystem):
        return None  # a listed name, a known neighbour, or a package of an organisation's own scope
    skeleton = _skeleton(normal)
    for target, target_skeleton, core in table:
        if skeleton == target_skeleton:
            return Squat(target, "differs only in separators or scope punctuation", core)
    if ecosystem is Ecosystem.NPM and normal.startswith("@"):
        scope_squat = _scope_squat(normal)
        if scope_squat is not None:
            return scope_squat
    tokens = set(re.split(r"[-_./@]+", normal))
    for target, target_skeleton, core in table:
        shortest = min(len(skeleton), len(target_skeleton))
        if shortest < 5 or abs(len(skeleton) - len(target_skeleton)) > 2 or target in tokens:
            continue  # too short to judge, too different, or an extension named after it (jsonschema-rs)
        limit = 2 if shortest >= 12 else 1
        distance = _osa_distance(skeleton, target_skeleton, limit)
        if distance <= limit:
            how = "one edit or swap away" if distance == 1 else "two edits away"
            return Squat(target, how, core)
    return None


def _scope_squat(normal: str) -> Squat | None:
    """``@modelcontextprotoco1/…``: a scope a small change away from the official one."""
    scope, _, rest = normal.partition("/")
    official = "@modelcontextprotocol"
    skeleton, official_skeleton = _skeleton(scope), _skeleton(official)
    if scope != official and (official_skeleton in skeleton or _osa_distance(skeleton, official_skeleton, 2) <= 2):
        return Squat(f"{official}/{rest}", "copies the official @modelcontextprotocol scope with a small change", True)
    return None


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (edits and adjacent swaps), giving up past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
