# ruff: noqa -- a fixture: deliberately vulnerable handler code for the handler-sinks tests
"""OK: credentials read from the environment; placeholders, hashes and names that only look secret."""

import os

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("deploy")

GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
API_KEY = os.getenv("OPENAI_API_KEY", "")
EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"
PLACEHOLDER_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
TOKEN_URL = "https://github.com/login/oauth/access_token"
PASSWORD_FIELD = "password_confirmation_field"
secret_name = "prod/deploy/github_token"
token_env_var = "GITHUB_PERSONAL_ACCESS_TOKEN"
auth_header = "Authorization"
api_key = "your-api-key-here"
api_key_prefix = "sk-"


@mcp.tool()
def whoami() -> str:
    """The account the server deploys as."""
    return "deploy-bot"
