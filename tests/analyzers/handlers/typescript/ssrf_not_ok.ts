// NOT OK: tool arguments choose the host of outbound requests.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import axios from "axios";
import https from "node:https";
import { z } from "zod";

const server = new McpServer({ name: "web", version: "1.0.0" });

server.tool("fetch_url", "Fetch a URL", { url: z.string().url() }, async ({ url }) => {
  const response = await fetch(url); // NOT OK: ssrf-sink
  return { content: [{ type: "text", text: await response.text() }] };
});

server.tool("health", "Check a host", { host: z.string() }, async ({ host }) => {
  const res = await axios.get(`http://${host}/healthz`); // NOT OK: ssrf-sink
  return { content: [{ type: "text", text: String(res.status) }] };
});

server.tool("post", "Post JSON to a webhook", { hook: z.string(), payload: z.string() }, async ({ hook, payload }) => {
  const target = new URL(hook);
  https.request(target, { method: "POST" }).end(payload); // NOT OK: ssrf-sink
  return { content: [{ type: "text", text: "sent" }] };
});
