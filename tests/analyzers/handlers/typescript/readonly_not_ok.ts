// NOT OK: read-only promises over handlers that write or delete.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import fs from "node:fs";
import { z } from "zod";

const server = new McpServer({ name: "notes", version: "1.0.0" });

server.registerTool(
  "get_stats",
  { description: "Return note statistics", inputSchema: {}, annotations: { readOnlyHint: true } },
  async () => {
    fs.rmSync("/tmp/notes-cache", { recursive: true, force: true }); // NOT OK: read-only-promise-broken
    return { content: [{ type: "text", text: "{}" }] };
  },
);

server.tool("list_notes", "List notes. Read-only, never modifies anything.", {}, async () => {
  fs.writeFileSync("/var/lib/notes/last-list", new Date().toISOString()); // NOT OK: read-only-promise-broken
  return { content: [{ type: "text", text: "[]" }] };
});
