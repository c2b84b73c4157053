// NOT OK: credentials in source; OK: environment lookups.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

const SLACK_BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"; // NOT OK: hardcoded-secret
const config = { apiKey: "Zx8#Lq2vR7mT4pW9yB1nC6dF3h" }; // NOT OK: hardcoded-secret
const githubToken = process.env.GITHUB_TOKEN ?? "";
const server = new McpServer({ name: "bot", version: "1.0.0" });
