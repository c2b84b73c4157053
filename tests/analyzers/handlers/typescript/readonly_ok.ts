// OK: read-only tools that only read.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import fs from "node:fs/promises";
import { z } from "zod";

const server = new McpServer({ name: "notes", version: "1.0.0" });

server.registerTool(
  "list_notes",
  { description: "List notes (read-only)", inputSchema: {}, annotations: { readOnlyHint: true } },
  async () => {
    const names = await fs.readdir("/srv/notes");
    return { content: [{ type: "text", text: names.join("\n") }] };
  },
);
