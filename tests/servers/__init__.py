"""Real MCP servers (good and deliberately broken) that the test suite scans, plus launch helpers."""
