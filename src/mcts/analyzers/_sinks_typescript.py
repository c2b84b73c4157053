"""TypeScript / JavaScript sink tables, by module-qualified name (``child_process.exec``, ``fs.readFile``)."""

from __future__ import annotations

import re

MODULE_ALIASES = {"fs/promises": "fs", "fs-extra": "fs", "graceful-fs": "fs", "node-fetch": "fetch",
                  "cross-fetch": "fetch", "isomorphic-fetch": "fetch", "undici.fetch": "fetch"}
SHELL_ALWAYS = frozenset({"child_process.exec", "child_process.execSync", "shelljs.exec", "execa.command",
                          "execa.execaCommand", "execa.execaCommandSync", "execaCommand"})
PROCESS = frozenset({"child_process.spawn", "child_process.spawnSync", "child_process.execFile",
                     "child_process.execFileSync", "child_process.fork", "execa", "execa.execa", "execa.execaSync",
                     "cross-spawn", "Bun.spawn", "Deno.run"})
EVAL = frozenset({"eval", "Function", "vm.runInNewContext", "vm.runInThisContext", "vm.runInContext",
                  "vm.compileFunction", "vm.Script", "require", "import", "vm2.VM.run", "setTimeout:string"})
_FS_FUNCS = ("readFile", "writeFile", "appendFile", "unlink", "rm", "rmdir", "readdir", "mkdir", "copyFile",
             "rename", "open", "cp", "symlink", "truncate", "opendir", "chmod", "chown", "lchown", "link", "utimes")
PATH_FUNCS = frozenset(
    {f"fs.{f}" for f in _FS_FUNCS} | {f"fs.{f}Sync" for f in _FS_FUNCS}
    | {"fs.createReadStream", "fs.createWriteStream", "fs.outputFile", "fs.remove", "fs.copy", "fs.move",
       "fs.readJson", "fs.writeJson", "fs.emptyDir", "fs.ensureDir", "Bun.file", "Bun.write", "Deno.readTextFile",
       "Deno.writeTextFile", "Deno.remove", "res.sendFile"}
)
WRITES = re.compile(r"^(?:fs\.(?:writeFile|appendFile|mkdir|copyFile|rename|cp|symlink|truncate|chmod|chown|"
                    r"createWriteStream|outputFile|copy|move|writeJson|emptyDir|ensureDir|link|utimes)|Bun\.write|"
                    r"Deno\.writeTextFile)")
TWO_PATHS = re.compile(r"\.(?:copyFile|rename|cp|symlink|link|copy|move)(?:Sync)?$")
DELETES = re.compile(r"^(?:fs\.(?:unlink|rm|rmdir|remove)|Deno\.remove)")
HTTP = frozenset({"fetch", "axios", "got", "undici.request", "needle", "superagent", "ky", "request"}
                 | {f"{lib}.{verb}" for lib in ("axios", "got", "ky", "superagent", "needle")
                    for verb in ("get", "post", "put", "patch", "delete", "head", "request")}
                 | {f"{lib}.{verb}" for lib in ("http", "https") for verb in ("get", "request")})
SENDING = re.compile(r"(?i)\b(?:post|put|patch|delete)\b")
SEND_METHODS = frozenset({"sendMail", "send", "publish", "postMessage"})
SQL_METHODS = frozenset({"query", "execute", "$queryRawUnsafe", "$executeRawUnsafe", "unsafe", "raw"})
SQL_LOOSE_METHODS = frozenset({"run", "all", "get", "exec", "prepare", "each", "one", "many", "any", "none"})
SQL_RECEIVER = re.compile(r"(?i)(?:db|database|pool|client|conn|connection|knex|sql|prisma|tx|trx|sequelize)$")
TEMPLATE = frozenset({"ejs.render", "ejs.compile", "handlebars.compile", "Handlebars.compile", "pug.render",
                      "pug.compile", "nunjucks.renderString", "_.template", "lodash.template", "dot.template",
                      "mustache.render"})
SANITIZERS = frozenset({"Number", "parseInt", "parseFloat", "Boolean", "encodeURIComponent", "shellEscape",
                        "shellQuote.quote", "escape", "path.basename", "sanitizeFilename", "Math.floor"})
GUARD_METHODS = frozenset({"startsWith", "includes", "has", "isPathInside", "relative", "test", "match"})
