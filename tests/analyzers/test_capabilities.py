"""The capability classifier over a table of realistic tools, its reasons, and odd input.

Each row is a tool as real servers describe theirs (filesystem, GitHub, Slack, email, calendar, SQL, shell,
browser, fetch, memory, cloud) with the capabilities it must get at medium strength or more, and no other.
"""

from __future__ import annotations

import pytest

from mcts.analyzers._capabilities import Capability, Source, Strength, classify, split_words
from mcts.model.inventory import Inventory, Tool

PRIVATE, UNTRUSTED, EGRESS = Capability.PRIVATE_DATA, Capability.UNTRUSTED_INPUT, Capability.EGRESS
EXECUTE, DESTRUCTIVE, WRITE = Capability.EXECUTE, Capability.DESTRUCTIVE, Capability.WRITE

# (name, description, schema property names, expected capabilities at medium strength or more)
TABLE: list[tuple[str, str, list[str], set[Capability]]] = [
    # filesystem
    ("read_file", "Read the complete contents of a file from disk.", ["path"], {PRIVATE}),
    ("write_file", "Create a new file or overwrite an existing one with the given content.", ["path", "content"],
     {WRITE, DESTRUCTIVE}),
    ("delete_file", "Delete a file at the given path.", ["path"], {WRITE, DESTRUCTIVE}),
    ("list_directory", "List the entries of a directory.", ["path"], {PRIVATE}),
    ("move_file", "Move or rename a file.", ["source", "destination"], {WRITE}),
    # web
    ("fetch", "Fetches a URL from the internet and returns its content as markdown.", ["url", "max_length"],
     {UNTRUSTED, EGRESS}),
    ("web_search", "Search the web and return the top results.", ["query", "count"], {UNTRUSTED}),
    ("brave_search", "Runs a query against the Brave search API.", ["query"], {UNTRUSTED}),
    ("browser_navigate", "Navigate the browser to a URL.", ["url"], {UNTRUSTED, EGRESS}),
    ("browser_snapshot", "Capture an accessibility snapshot of the current page.", [], set()),
    ("scrape_page", "Scrape a web page and return its text.", ["url"], {UNTRUSTED, EGRESS}),
    ("http_request", "Send an HTTP request to any URL with the given method, headers and body.",
     ["url", "method", "headers", "body"], {EGRESS, UNTRUSTED, WRITE}),
    ("send_webhook", "POST a JSON payload to a webhook URL.", ["url", "payload"], {EGRESS, WRITE}),
    # execution
    ("run_command", "Execute a shell command on the host and return its output.", ["command", "cwd"], {EXECUTE}),
    ("bash", "Run commands in a bash shell.", ["command"], {EXECUTE}),
    ("execute_python", "Execute Python code in a sandbox and return stdout.", ["code"], {EXECUTE}),
    ("docker_run", "Run a container from an image.", ["image", "args"], {EXECUTE}),
    ("puppeteer_evaluate", "Execute JavaScript in the browser console.", ["script"], {EXECUTE}),
    ("kill_process", "Kill a running process by PID.", ["pid"], {DESTRUCTIVE, WRITE}),
    # databases
    ("read_query", "Execute a SELECT query on the SQLite database.", ["query"], {PRIVATE}),
    ("write_query", "Execute an INSERT, UPDATE, or DELETE query on the SQLite database.", ["query"],
     {EXECUTE, WRITE}),
    ("query", "Run a read-only SQL query against the Postgres database.", ["sql"], {PRIVATE}),
    ("drop_table", "Drop a table from the database.", ["table"], {DESTRUCTIVE, WRITE}),
    # chat and mail
    ("slack_post_message", "Post a new message to a Slack channel.", ["channel_id", "text"], {EGRESS, WRITE}),
    ("slack_get_channel_history", "Get recent messages from a Slack channel.", ["channel_id", "limit"],
     {UNTRUSTED, PRIVATE}),
    ("send_email", "Send an email to one or more recipients.", ["to", "subject", "body"], {EGRESS, WRITE}),
    ("list_emails", "List the emails in the user's inbox, newest first.", ["folder", "max"], {UNTRUSTED, PRIVATE}),
    ("read_email", "Read the full body of an email message by id.", ["message_id"], {UNTRUSTED, PRIVATE}),
    ("discord_delete_message", "Delete a Discord message.", ["channel_id", "message_id"], {DESTRUCTIVE, WRITE}),
    ("list_tickets", "List support tickets submitted by customers.", ["status"], {UNTRUSTED, PRIVATE}),
    # calendar, memory, secrets
    ("list_events", "List upcoming events from the user's Google Calendar.", ["calendar_id"], {PRIVATE}),
    ("create_event", "Create a calendar event.", ["title", "start", "end"], {WRITE}),
    ("read_graph", "Read the entire knowledge graph.", [], {PRIVATE}),
    ("create_entities", "Create multiple new entities in the knowledge graph.", ["entities"], {WRITE}),
    ("get_secret", "Read a secret value from the vault.", ["name"], {PRIVATE}),
    ("get_env", "Returns all environment variables of the server.", [], {PRIVATE}),
    # GitHub
    ("get_issue", "Get the details of an issue in a GitHub repository.", ["owner", "repo", "issue_number"],
     {UNTRUSTED, PRIVATE}),
    ("get_file_contents", "Get the contents of a file or directory from a GitHub repository.",
     ["owner", "repo", "path"], {PRIVATE}),
    ("create_pull_request", "Create a new pull request in a GitHub repository.",
     ["owner", "repo", "title", "body", "head", "base"], {EGRESS, WRITE}),
    ("add_issue_comment", "Add a comment to an existing issue.", ["owner", "repo", "issue_number", "body"],
     {EGRESS, WRITE}),
    ("create_gist", "Create a new gist with the given files.", ["files", "public"], {EGRESS, WRITE}),
    ("git_push", "Push local commits to the remote.", ["remote", "branch"], {WRITE, EGRESS}),
    ("get_commit", "Get details for a commit.", ["owner", "repo", "sha"], {PRIVATE}),
    ("git_diff_staged", "Shows changes that are staged for commit", ["repo_path"], {PRIVATE}),
    ("list_label", "List labels from a repository.", ["owner", "repo"], {PRIVATE}),
    # cloud
    ("upload_file", "Upload a local file to an S3 bucket.", ["path", "bucket"], {EGRESS, WRITE}),
    # nothing to see
    ("calculator", "Evaluate a basic arithmetic expression and return the result.", ["expression"], set()),
    ("get_current_time", "Get the current time in a timezone.", ["timezone"], set()),
    ("get_library_docs", "Fetch up-to-date documentation for a library.", ["library_id", "topic"], set()),
    ("get-annotated-message", "Demonstrates how annotations can be used to provide metadata about content.",
     ["messageType"], set()),
    ("trigger-long-running-operation", "Demonstrates a long running operation with progress updates.",
     ["duration", "steps"], set()),
    ("translate", "Translate text to another language.", ["text", "to"], set()),
    ("echo", "Echoes back the input string", ["message"], set()),
    ("get_start_time", "Get the start time of a job.", ["job_id"], set()),
    ("check_for_update", "Check whether a newer version is available.", [], set()),
    ("create_or_update_file", "Create or update a single file in a repository.", ["path", "content"], {WRITE}),
    ("preview_delete", "List the records a delete would remove.", ["table"], {PRIVATE}),
]


def tool(name: str, description: str = "", props: list[str] | None = None, **extra: object) -> Tool:
    schema = {"type": "object", "properties": {p: {"type": "string"} for p in props or []}}
    return Tool.model_validate({"name": name, "description": description, "inputSchema": schema, **extra})


def plain(capabilities_of: Tool) -> set[Capability]:
    caps = classify(capabilities_of)
    return {r.capability for r in caps.reasons if r.strength >= Strength.MEDIUM and r.source is not Source.ANNOTATION}


@pytest.mark.parametrize(("name", "description", "props", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_classifier_table(name: str, description: str, props: list[str], expected: set[Capability]) -> None:
    assert plain(tool(name, description, props)) == expected


def test_table_is_large_enough() -> None:
    assert len(TABLE) >= 30


def test_reasons_name_the_word_and_field() -> None:
    caps = classify(tool("send_email", "Send an email to one or more recipients.", ["to", "subject", "body"]))
    egress = caps.reasons_for(EGRESS)
    assert {(r.source, r.word) for r in egress} >= {(Source.NAME, "send email"), (Source.SCHEMA, "to + body")}
    assert egress[0].strength is Strength.STRONG
    assert caps.strength(EGRESS, [Source.SCHEMA]) == Strength.MEDIUM
    assert caps.strength(EXECUTE) == 0
    assert egress[0].describe() in {"name 'send email'", "description 'send email'", "mention 'send an email'"}
    assert list(caps.reasons) == sorted(caps.reasons, key=lambda r: -r.strength)


def test_fetch_of_a_chosen_url_is_inferred_egress() -> None:
    caps = classify(tool("fetch", "Fetches a URL from the internet.", ["url"]))
    [reason] = caps.reasons_for(EGRESS)
    assert (reason.source, reason.word, reason.strength) == (Source.INFERRED, "caller-chosen url", Strength.MEDIUM)


def test_negated_sentences_are_not_mentions() -> None:
    caps = classify(tool("get_status", "Get the build status. It does not execute shell commands."))
    assert caps.strength(EXECUTE) == 0


def test_schema_alone_is_only_a_weak_hint() -> None:
    caps = classify(tool("convert", "Converts things.", ["command", "path"]))
    assert caps.capabilities == {EXECUTE, PRIVATE}
    assert max(r.strength for r in caps.reasons) is Strength.WEAK


def test_annotations_only_add_capabilities() -> None:
    claimed = classify(tool("tidy", "Tidies up.", annotations={"destructiveHint": True, "readOnlyHint": False}))
    assert {(r.capability, r.source) for r in claimed.reasons} == {(DESTRUCTIVE, Source.ANNOTATION),
                                                                   (WRITE, Source.ANNOTATION)}
    denied = classify(tool("delete_file", "Delete a file.", annotations={"readOnlyHint": True}))
    assert DESTRUCTIVE in denied.capabilities


@pytest.mark.parametrize("annotations", [{"readOnlyHint": "true"}, {"destructiveHint": "yes"}, {"readOnlyHint": 1},
                                         {"destructiveHint": None}, {}, None])
def test_malformed_annotations_are_ignored(annotations: dict[str, object] | None) -> None:
    assert classify(tool("get_sum", "Returns the sum of two numbers", annotations=annotations)).reasons == ()


@pytest.mark.parametrize("schema", [{"properties": []}, {"properties": "x"}, {"properties": {"a": []}},
                                   {"properties": {"a": {"items": "x"}}}, {"type": "object"}, {}])
def test_odd_schemas_do_not_crash(schema: dict[str, object]) -> None:
    odd = Tool.model_validate({"name": "run_command", "description": "Execute a shell command.", "inputSchema": schema})
    assert EXECUTE in classify(odd).capabilities


def test_empty_and_huge_strings() -> None:
    assert classify(tool("", "")).reasons == ()
    huge = classify(tool("x" * 100_000, "Read a file. " + "word " * 200_000))
    assert PRIVATE in huge.capabilities


def test_nested_item_properties_are_read() -> None:
    nested = Tool.model_validate({"name": "batch", "description": "Batch things.", "inputSchema": {
        "properties": {"requests": {"type": "array", "items": {"properties": {"url": {}, "body": {}}}}}}})
    assert classify(nested).strength(EGRESS, [Source.SCHEMA]) == Strength.MEDIUM


def test_classification_is_cached_per_text() -> None:
    first = classify(tool("read_file", "Read a file."))
    assert classify(tool("read_file", "Read a file.")) is first
    assert classify(tool("read_file", "Read a file!")) is not first


def test_inventory_tools_classify() -> None:
    inventory = Inventory.model_validate({"tools": [{"name": "getUserEmails", "description": "Get the user's emails"}]})
    assert plain(inventory.tools[0]) == {PRIVATE, UNTRUSTED}


@pytest.mark.parametrize(("name", "words"), [
    ("getUserEmails", ("get", "user", "emails")),
    ("read_text_file", ("read", "text", "file")),
    ("list-directory", ("list", "directory")),
    ("HTTPRequest", ("http", "request")),
    ("slack.postMessage2", ("slack", "post", "message", "2")),
])
def test_split_words(name: str, words: tuple[str, ...]) -> None:
    assert split_words(name) == words
