// NOT OK: tool arguments evaluated as code.
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const vm = require("node:vm");
const { z } = require("zod");

const server = new McpServer({ name: "calc", version: "1.0.0" });

server.tool("calculate", "Evaluate an expression", { expression: z.string() }, async ({ expression }) => {
  const value = eval(expression); // NOT OK: code-eval-sink
  return { content: [{ type: "text", text: String(value) }] };
});

server.tool("transform", "Apply a JS transform to rows", { body: z.string(), rows: z.array(z.any()) }, async ({ body, rows }) => {
  const fn = new Function("row", body); // NOT OK: code-eval-sink
  return { content: [{ type: "text", text: JSON.stringify(rows.map(fn)) }] };
});

server.tool("sandbox", "Run code in a context", { code: z.string() }, async ({ code }) => {
  const result = vm.runInNewContext(code, {}); // NOT OK: code-eval-sink
  return { content: [{ type: "text", text: String(result) }] };
});
