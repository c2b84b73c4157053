// OK: JSON parsing, constant code, math without eval.
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { z } = require("zod");

const server = new McpServer({ name: "calc", version: "1.0.0" });

server.tool("parse", "Parse JSON", { payload: z.string() }, async ({ payload }) => {
  const data = JSON.parse(payload);
  return { content: [{ type: "text", text: JSON.stringify(data) }] };
});

server.tool("add", "Add two numbers", { a: z.number(), b: z.number() }, async ({ a, b }) => {
  const version = eval("1 + 1");
  return { content: [{ type: "text", text: String(a + b + version - 2) }] };
});
