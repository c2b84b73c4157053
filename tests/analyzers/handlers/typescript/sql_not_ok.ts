// NOT OK: SQL built with template literals and concatenation.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import pg from "pg";
import { z } from "zod";

const server = new McpServer({ name: "crm", version: "1.0.0" });
const pool = new pg.Pool();

server.tool("find_customer", "Find customers by name", { name: z.string() }, async ({ name }) => {
  const result = await pool.query(`SELECT id, email FROM customers WHERE name = '${name}'`); // NOT OK: sql-injection-sink
  return { content: [{ type: "text", text: JSON.stringify(result.rows) }] };
});

server.tool("delete_order", "Delete an order", { id: z.string() }, async ({ id }) => {
  const sql = "DELETE FROM orders WHERE id = " + id;
  await pool.query(sql); // NOT OK: sql-injection-sink
  return { content: [{ type: "text", text: "deleted" }] };
});
