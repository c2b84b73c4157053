// NOT OK: tool arguments used as paths without a containment check.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import fs from "node:fs/promises";
import { createReadStream, unlinkSync } from "fs";
import path from "node:path";
import { z } from "zod";

const server = new McpServer({ name: "files", version: "1.0.0" });
const ROOT = "/srv/notes";

server.tool("read_note", "Read a note", { name: z.string() }, async ({ name }) => {
  const text = await fs.readFile(path.join(ROOT, name), "utf-8"); // NOT OK: path-traversal-sink
  return { content: [{ type: "text", text }] };
});

server.registerTool("save_note", { description: "Save a note", inputSchema: { file: z.string(), body: z.string() } },
  async ({ file, body }) => {
    const target = path.resolve(ROOT, file);
    await fs.writeFile(target, body); // NOT OK: path-traversal-sink
    return { content: [{ type: "text", text: "saved" }] };
  });

server.tool("delete", "Delete a file", { file: z.string() }, async ({ file }) => {
  unlinkSync(file); // NOT OK: path-traversal-sink
  return { content: [{ type: "text", text: "deleted" }] };
});

async function streamFile(p: string) {
  return createReadStream(p); // NOT OK: path-traversal-sink
}

server.tool("download", "Stream a file", { filePath: z.string() }, async ({ filePath }) => {
  await streamFile(filePath);
  return { content: [{ type: "text", text: "ok" }] };
});
