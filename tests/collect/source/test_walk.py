"""The repository walk: what is kept, what is skipped and why, and every cut reported."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mcts.collect.source._walk_ignore import IgnoreStack, parse_gitignore
from mcts.collect.source.walk import SKIPPED_DIRS, WalkLimits, is_manifest, walk
from mcts.errors import TargetError

SERVER = 'from mcp.server.fastmcp import FastMCP\nmcp = FastMCP("notes")\n'


def _tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def test_file_target_is_read_alone_with_its_directory_as_root(tmp_path: Path) -> None:
    _tree(tmp_path, {"server.py": SERVER, "helpers.py": "x = 1\n", "package.json": "{}"})
    walked = walk(tmp_path / "server.py")
    assert walked.root == tmp_path.resolve()
    assert list(walked.files) == ["server.py"]
    assert walked.files["server.py"] == SERVER


def test_directory_keeps_root_level_and_nested_sources_and_manifests(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "server.py": SERVER, "src/app/tools.py": "pass\n", "web/index.ts": "export {}\n", "web/a.jsx": "",
        "web/b.mjs": "", "web/c.cjs": "", "web/d.mts": "", "web/e.cts": "", "web/f.tsx": "", "web/g.js": "",
        "pyproject.toml": "[project]\n", "requirements-dev.txt": "pytest\n", "requirements/base.txt": "mcp\n",
        "package.json": "{}", "yarn.lock": "", "uv.lock": "", "Pipfile": "", "setup.cfg": "",
        "README.md": "# notes", "logo.png": b"\x89PNG\r\n", "notes.txt": "not a manifest",
    })
    walked = walk(tmp_path)
    assert set(walked.files) == {
        "server.py", "src/app/tools.py", "web/index.ts", "web/a.jsx", "web/b.mjs", "web/c.cjs", "web/d.mts",
        "web/e.cts", "web/f.tsx", "web/g.js", "pyproject.toml", "requirements-dev.txt", "requirements/base.txt",
        "package.json", "yarn.lock", "uv.lock", "Pipfile", "setup.cfg",
    }
    assert walked.caps_hit == [] and walked.errors == [] and walked.warnings == []
    assert "src/app/tools.py" in walked.source_paths and "package.json" not in walked.source_paths


@pytest.mark.parametrize("name", sorted(SKIPPED_DIRS))
def test_skipped_directory_names(tmp_path: Path, name: str) -> None:
    _tree(tmp_path, {"server.py": SERVER, f"{name}/evil.py": SERVER, f"pkg/{name}/deep.js": "x"})
    walked = walk(tmp_path)
    assert list(walked.files) == ["server.py"]
    assert f"{name}" in walked.skipped_dirs and f"pkg/{name}" in walked.skipped_dirs


def test_any_directory_with_pyvenv_cfg_is_a_virtualenv(tmp_path: Path) -> None:
    _tree(tmp_path, {"server.py": SERVER, "py311/pyvenv.cfg": "home = /usr/bin\n",
                     "py311/lib/python3.11/x.py": SERVER})
    walked = walk(tmp_path)
    assert list(walked.files) == ["server.py"]
    assert walked.skipped_dirs == ["py311"]


def test_build_output_skipped_when_the_tree_has_source(tmp_path: Path) -> None:
    _tree(tmp_path, {"src/index.ts": "export {}\n", "dist/index.js": "x", "build/lib/s.py": "x", "out/a.js": "x",
                     ".next/server.js": "x", "target/gen.js": "x", "package.json": "{}"})
    walked = walk(tmp_path)
    assert set(walked.files) == {"src/index.ts", "package.json"}
    assert {"dist", "build", "out", ".next", "target"} <= set(walked.skipped_dirs)


def test_installed_package_with_only_build_output_is_scanned_from_it(tmp_path: Path) -> None:
    # the shape of an npm package as installed: a manifest and the compiled code in dist/
    _tree(tmp_path, {"package.json": '{"main": "dist/index.js"}', "dist/index.js": "server.tool()",
                     "dist/lib/util.js": "x", "node_modules/zod/index.js": "x"})
    walked = walk(tmp_path)
    assert set(walked.files) == {"package.json", "dist/index.js", "dist/lib/util.js"}
    assert any("no source outside build output: scanned dist/" in w for w in walked.warnings)


def test_gitignore_globs_anchors_negation_and_directories(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "# generated\n*_pb2.py\n/local.py\nscratch/\n*.js\n!keep.js\ndocs/**/*.py\n**/gen/**\n",
        "server.py": SERVER, "api_pb2.py": "x", "local.py": "x", "pkg/local.py": "x", "scratch/try.py": "x",
        "a.js": "x", "web/keep.js": "x", "docs/api/conf.py": "x", "docs/x.ts": "x",
        "src/gen/out.py": "x", "gen.py": "x",
    })
    walked = walk(tmp_path)
    assert set(walked.files) == {"server.py", "pkg/local.py", "web/keep.js", "docs/x.ts", "gen.py"}
    assert walked.ignored == 6  # api_pb2, local, scratch/, a.js, docs/api/conf.py, src/gen/out.py


def test_nested_gitignore_applies_below_its_directory_and_overrides_the_root(tmp_path: Path) -> None:
    _tree(tmp_path, {
        ".gitignore": "*.js\n", "a.js": "x", "server.py": SERVER,
        "web/.gitignore": "!server.js\nlocal_*.py\n", "web/server.js": "x", "web/other.js": "x",
        "web/local_dev.py": "x", "local_dev.py": "x",
    })
    walked = walk(tmp_path)
    assert set(walked.files) == {"server.py", "web/server.js", "local_dev.py"}


@pytest.mark.parametrize(("pattern", "path", "is_dir", "ignored"), [
    ("*.py", "a/b/c.py", False, True),  # no slash: any depth
    ("/c.py", "a/c.py", False, False),  # leading slash: anchored
    ("a/c.py", "a/c.py", False, True),
    ("a/c.py", "x/a/c.py", False, False),  # middle slash: anchored
    ("cache/", "cache", True, True),
    ("cache/", "cache", False, False),  # directory only
    ("**/cache", "a/b/cache", True, True),
    ("a/**/z.py", "a/z.py", False, True),  # zero directories
    ("a/**/z.py", "a/b/c/z.py", False, True),
    ("a/**", "a/b/c.py", False, True),
    ("a/**", "a", True, False),  # "/**" is everything inside, not the directory itself
    ("?.py", "ab.py", False, False),
    ("[ab].py", "b.py", False, True),
    ("[!ab].py", "c.py", False, True),
    ("[!ab].py", "a.py", False, False),
    ("\\#x.py", "#x.py", False, True),
    ("\\!x.py", "!x.py", False, True),
    ("*.py\\ ", "a.py ", False, True),  # an escaped trailing space is kept
    ("*.py   ", "a.py", False, True),  # trailing spaces are not
    ("[z-a", "[z-a", False, True),  # an unclosed class is literal
    ("#comment", "#comment", False, False),
])
def test_gitignore_pattern_table(pattern: str, path: str, is_dir: bool, ignored: bool) -> None:
    stack = IgnoreStack().push(parse_gitignore(pattern + "\n", ""))
    assert stack.ignored(path, is_dir) is ignored


def test_gitignore_last_matching_rule_wins_and_base_is_stripped() -> None:
    stack = IgnoreStack().push(parse_gitignore("*.py\n!keep_*.py\nkeep_bad.py\n", "pkg"))
    assert stack.ignored("pkg/a.py", False)
    assert not stack.ignored("pkg/keep_me.py", False)
    assert stack.ignored("pkg/keep_bad.py", False)


def test_symlinks_never_lead_out_of_the_root(tmp_path: Path) -> None:
    outside = _tree(tmp_path / "outside", {"secret.py": "TOKEN = 'x'\n", "lib/mod.py": "x"})
    root = _tree(tmp_path / "repo", {"server.py": SERVER, "real/inner.py": "y = 2\n"})
    (root / "escape.py").symlink_to(outside / "secret.py")
    (root / "lib").symlink_to(outside / "lib", target_is_directory=True)
    (root / "alias.py").symlink_to(root / "real" / "inner.py")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "dangling.py").symlink_to(root / "missing.py")
    walked = walk(root)
    assert set(walked.files) == {"server.py", "real/inner.py", "alias.py"}
    assert walked.files["alias.py"] == "y = 2\n"
    note = next(w for w in walked.warnings if w.startswith("symlinks leading out"))
    assert "escape.py" in note and "lib" in note and str(outside) not in note


def test_file_over_the_size_cap_is_skipped_and_reported(tmp_path: Path) -> None:
    _tree(tmp_path, {"server.py": SERVER, "bundle.js": "x" * 5000, "package-lock.json": "{" + " " * 5000 + "}"})
    walked = walk(tmp_path, WalkLimits(max_file_bytes=1000, max_manifest_bytes=10_000))
    assert set(walked.files) == {"server.py", "package-lock.json"}
    [cap] = walked.caps_hit
    assert (cap.cap, cap.limit, cap.observed, cap.where) == ("max_file_bytes", 1000, 5000, "bundle.js")


def test_file_count_and_total_bytes_caps_stop_the_walk(tmp_path: Path) -> None:
    _tree(tmp_path, {f"m{i}.py": "x = 1\n" * 10 for i in range(6)})
    walked = walk(tmp_path, WalkLimits(max_files=3))
    assert len(walked.files) == 3
    assert [c.cap for c in walked.caps_hit] == ["max_files"]
    walked = walk(tmp_path, WalkLimits(max_total_bytes=130))
    assert len(walked.files) == 2 and [c.cap for c in walked.caps_hit] == ["max_total_bytes"]


def test_entry_cap_stops_the_walk(tmp_path: Path) -> None:
    _tree(tmp_path, {f"d{i}/x{j}.md": "" for i in range(3) for j in range(10)})
    walked = walk(tmp_path, WalkLimits(max_entries=15))
    assert [c.cap for c in walked.caps_hit] == ["max_walk_entries"]


def test_binary_files_are_skipped_and_text_is_decoded_with_replacement(tmp_path: Path) -> None:
    _tree(tmp_path, {"compiled.py": b"\x00\x01\x02def", "latin.py": b"# caf\xe9\nx = 1\n",
                     "bom.py": "\ufeffx = 1\n"})
    walked = walk(tmp_path)
    assert set(walked.files) == {"latin.py", "bom.py"}
    assert walked.files["latin.py"] == "# caf\ufffd\nx = 1\n"
    assert walked.files["bom.py"] == "x = 1\n"
    assert any("binary" in w and "compiled.py" in w for w in walked.warnings)


def test_fifo_with_a_source_name_is_not_opened(tmp_path: Path) -> None:
    _tree(tmp_path, {"server.py": SERVER})
    os.mkfifo(tmp_path / "pipe.py")
    assert list(walk(tmp_path).files) == ["server.py"]  # would block forever if opened


def test_missing_or_odd_targets_are_target_errors(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="no such file"):
        walk(tmp_path / "missing.py")
    os.mkfifo(tmp_path / "pipe.py")
    with pytest.raises(TargetError, match="not a regular file"):
        walk(tmp_path / "pipe.py")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_unreadable_subdirectory_is_an_error(tmp_path: Path) -> None:
    _tree(tmp_path, {"server.py": SERVER, "locked/x.py": "x"})
    (tmp_path / "locked").chmod(0)
    try:
        walked = walk(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert any(e.startswith("locked: cannot read directory") for e in walked.errors)


def test_manifest_names() -> None:
    assert is_manifest("requirements.txt") and is_manifest("a/requirements-prod.txt")
    assert is_manifest("requirements/dev.txt") and is_manifest("pnpm-lock.yaml")
    assert not is_manifest("notes.txt") and not is_manifest("docs/requirements.md")
