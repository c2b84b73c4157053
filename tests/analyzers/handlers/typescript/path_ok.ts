// OK: paths validated against allowed directories before use.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

const server = new McpServer({ name: "files", version: "1.0.0" });
const ROOT = path.resolve("/srv/notes");

async function validatePath(requested: string): Promise<string> {
  const absolute = path.resolve(ROOT, requested);
  const real = await fs.realpath(absolute);
  if (!real.startsWith(ROOT + path.sep)) {
    throw new Error("Access denied: path outside allowed directories");
  }
  return real;
}

server.tool("read_file", "Read a file", { path: z.string() }, async (args) => {
  const validPath = await validatePath(args.path);
  const text = await fs.readFile(validPath, "utf-8");
  return { content: [{ type: "text", text }] };
});

server.tool("write_file", "Write a file", { file: z.string(), body: z.string() }, async ({ file, body }) => {
  const target = path.resolve(ROOT, file);
  const rel = path.relative(ROOT, target);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw new Error("outside root");
  await fs.writeFile(target, body);
  return { content: [{ type: "text", text: "saved" }] };
});

server.tool("base_only", "Read by base name", { name: z.string() }, async ({ name }) => {
  const text = await fs.readFile(path.join(ROOT, path.basename(name)), "utf-8");
  return { content: [{ type: "text", text }] };
});
