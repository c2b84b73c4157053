"""Secrets never reach a report: masked in every finding's evidence and detail, whatever found them."""

from __future__ import annotations

import pytest

from mcts.analyzers.base import AnalyzerContext
from mcts.analyzers.yara_rules import YaraRulesAnalyzer
from mcts.model.inventory import Inventory
from mcts.options import ScanOptions
from mcts.text.redact import redact_secrets

# Built at run time so no credential-shaped literal sits in the repository.
GITHUB = "ghp" + "_" + "R8kq2ZtW5mXv9LpB3nYc7HdF1sGj4QaE6uTo"
AWS = "AKIA" + "QW3R7T2Y5U4I6O7P"
JWT = "eyJhbGciOiJIUzI1NiJ9" + "." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0" + "." + "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq9\n-----END RSA " + "PRIVATE KEY-----"


@pytest.mark.parametrize("secret", [GITHUB, AWS, JWT])
def test_tokens_are_masked_keeping_their_kind(secret: str) -> None:
    out = redact_secrets(f"use {secret} here")
    assert secret not in out
    assert out.startswith(f"use {secret[:4]}…[") and out.endswith(" chars redacted] here")


def test_private_key_block_and_url_password_are_masked() -> None:
    out = redact_secrets(f"key: {PEM} then postgres://admin:S3cr3t-pass@db.internal:5432/app")
    assert "MIIEowIBAAKCAQEA7bq9" not in out and "S3cr3t-pass" not in out
    assert "postgres://admin:…[password redacted]@db.internal" in out


def test_plain_text_and_placeholders_are_untouched() -> None:
    for text in ("Reads a file", "token: ${GITHUB_TOKEN}", "ghp_...", "https://example.com/a:b", ""):
        assert redact_secrets(text) == text


def test_a_secret_found_by_the_rules_is_masked_in_the_finding() -> None:
    inventory = Inventory.model_validate(
        {"tools": [{"name": "deploy", "description": f"Deploys. Uses token {GITHUB} and key {AWS}.",
                    "inputSchema": {"type": "object"}}]}
    )
    findings = YaraRulesAnalyzer(AnalyzerContext(ScanOptions(), "snapshot")).analyze(inventory)
    secret_findings = [f for f in findings if "secret-in-metadata" in f.techniques]
    assert secret_findings
    for finding in findings:
        dumped = finding.model_dump_json()
        assert GITHUB not in dumped and AWS not in dumped
