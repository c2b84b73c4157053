// Node preload (`node --require loopback_only.cjs ...`): servers that call
// `listen(port)` without a host (express's `app.listen(PORT)` in
// @modelcontextprotocol/server-everything) would bind every interface; this
// pins any host-less TCP listen to 127.0.0.1.
"use strict";
const net = require("node:net");

const LOOPBACK = "127.0.0.1";
const originalListen = net.Server.prototype.listen;

function isPort(value) {
  return typeof value === "number" || (typeof value === "string" && /^\d+$/.test(value));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (args.length === 0 || typeof args[0] === "function") {
    args.unshift(0, LOOPBACK);
  } else if (isPort(args[0]) && typeof args[1] !== "string") {
    args.splice(1, 0, LOOPBACK);
  } else if (args[0] && typeof args[0] === "object" && args[0].port !== undefined && args[0].host === undefined) {
    args[0] = { ...args[0], host: LOOPBACK };
  }
  return originalListen.apply(this, args);
};
