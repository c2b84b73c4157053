// NOT OK: tool arguments compiled as templates; OK: fixed template with data.
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const ejs = require("ejs");
const { z } = require("zod");

const server = new McpServer({ name: "mailer", version: "1.0.0" });

server.tool("preview", "Preview an email template", { template: z.string() }, async ({ template }) => {
  const html = ejs.render(template, { user: "Ada" }); // NOT OK: template-injection-sink
  return { content: [{ type: "text", text: html }] };
});

server.tool("welcome", "Render the welcome email", { name: z.string() }, async ({ name }) => {
  const html = ejs.render("<p>Welcome <%= name %></p>", { name });
  return { content: [{ type: "text", text: html }] };
});
