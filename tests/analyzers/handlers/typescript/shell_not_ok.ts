// NOT OK: tool arguments reach child_process with a shell.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec, execSync, spawn } from "node:child_process";
import * as cp from "child_process";
import { promisify } from "node:util";
import { z } from "zod";

const server = new McpServer({ name: "devops", version: "1.0.0" });
const execAsync = promisify(exec);

server.tool("ping", "Ping a host once", { host: z.string() }, async ({ host }) => {
  const { stdout } = await execAsync(`ping -c 1 ${host}`); // NOT OK: shell-injection-sink
  return { content: [{ type: "text", text: stdout }] };
});

server.registerTool(
  "grep_logs",
  { description: "Search service logs", inputSchema: { pattern: z.string() } },
  async (args) => {
    const out = execSync("grep -r '" + args.pattern + "' /var/log/app"); // NOT OK: shell-injection-sink
    return { content: [{ type: "text", text: out.toString() }] };
  },
);

function runShell(line: string) {
  return cp.spawn(line, { shell: true }); // NOT OK: shell-injection-sink
}

server.tool("build", "Run a build target", { target: z.string() }, async ({ target }) => {
  runShell(`make ${target}`);
  return { content: [{ type: "text", text: "started" }] };
});

server.tool("run", "Run a program", { program: z.string() }, async ({ program }) => {
  const child = spawn(program, ["--help"]); // NOT OK: shell-injection-sink
  return { content: [{ type: "text", text: String(child.pid) }] };
});
