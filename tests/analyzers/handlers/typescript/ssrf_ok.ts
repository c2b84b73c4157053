// OK: fixed API hosts, arguments only in paths and queries.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const server = new McpServer({ name: "github", version: "1.0.0" });
const GITHUB_API = "https://api.github.com";

server.tool("get_repo", "Get a repository", { owner: z.string(), repo: z.string() }, async ({ owner, repo }) => {
  const res = await fetch(`https://api.github.com/repos/${owner}/${repo}`);
  return { content: [{ type: "text", text: await res.text() }] };
});

server.tool("issues", "List issues", { owner: z.string(), repo: z.string() }, async ({ owner, repo }) => {
  const res = await fetch(`${GITHUB_API}/repos/${encodeURIComponent(owner)}/${repo}/issues`);
  return { content: [{ type: "text", text: await res.text() }] };
});

server.tool("search", "Search code", { q: z.string() }, async ({ q }) => {
  const res = await fetch(GITHUB_API + "/search/code?q=" + encodeURIComponent(q));
  return { content: [{ type: "text", text: await res.text() }] };
});
