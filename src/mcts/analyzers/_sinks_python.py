"""Python sink tables: which calls execute, evaluate, open, fetch, query or render, and which calls sanitise.

Names are fully qualified through the module's imports (``from subprocess import run as r`` makes ``r`` read as
``subprocess.run``). Receiver methods (``Path(p).read_text()``, ``cursor.execute(q)``) are matched by method
name, with the receiver's taint or kind deciding.
"""

from __future__ import annotations

import re

from mcts.analyzers._taint import EffectKind

SHELL_ALWAYS = frozenset({
    "os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "asyncio.create_subprocess_shell",
    "commands.getoutput", "pty.spawn",
})
PROCESS = frozenset({
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
    "asyncio.create_subprocess_exec", "os.execv", "os.execvp", "os.execve", "os.execl", "os.execlp", "os.spawnv",
    "os.spawnvp", "os.spawnl", "os.spawnlp", "os.posix_spawn", "os.posix_spawnp", "sh.Command", "pexpect.spawn",
    "pexpect.run",
})
EVAL = frozenset({
    "eval", "exec", "compile", "pickle.loads", "pickle.load", "_pickle.loads", "cPickle.loads", "marshal.loads",
    "dill.loads", "dill.load", "cloudpickle.loads", "jsonpickle.decode", "yaml.unsafe_load", "yaml.unsafe_load_all",
    "runpy.run_path", "runpy.run_module", "importlib.import_module", "__import__", "pandas.read_pickle",
    "shelve.open", "code.interact",
})
YAML_LOAD = frozenset({"yaml.load", "yaml.load_all"})
PATH_FUNCS = frozenset({
    "open", "io.open", "codecs.open", "aiofiles.open", "os.open", "os.remove", "os.unlink", "os.rmdir",
    "os.removedirs", "os.mkdir", "os.makedirs", "os.listdir", "os.scandir", "os.walk", "os.rename", "os.replace",
    "os.chmod", "os.chown", "os.truncate", "os.symlink", "os.link", "shutil.rmtree", "shutil.copy", "shutil.copy2",
    "shutil.copyfile", "shutil.copytree", "shutil.move", "shutil.unpack_archive", "shutil.chown", "tarfile.open",
    "zipfile.ZipFile", "glob.glob", "glob.iglob", "flask.send_file", "starlette.responses.FileResponse",
    "fastapi.responses.FileResponse", "aiofiles.os.remove", "aiofiles.os.listdir", "anyio.open_file",
})
PATH_METHODS = frozenset({
    "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir", "mkdir", "touch", "iterdir",
    "rename", "glob", "rglob", "chmod", "symlink_to", "hardlink_to", "open",
})
PATH_KEYWORDS = frozenset({"file", "path", "src", "dst", "filename", "name", "fp", "top"})
HTTP_FUNCS = frozenset({
    f"{lib}.{verb}" for lib in ("requests", "httpx") for verb in ("get", "post", "put", "patch", "delete", "head",
                                                                   "options", "request", "stream")
} | {
    "urllib.request.urlopen", "urllib.request.Request", "urllib.request.urlretrieve", "urllib2.urlopen",
    "aiohttp.request", "http.client.HTTPConnection", "http.client.HTTPSConnection", "socket.create_connection",
    "urllib3.request",
})
HTTP_CLIENTS = frozenset({
    "httpx.Client", "httpx.AsyncClient", "requests.Session", "requests.session", "aiohttp.ClientSession",
    "urllib3.PoolManager",
})
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "stream",
                          "urlopen"})
SENDING_VERBS = frozenset({"post", "put", "patch", "delete"})
SEND_FUNCS = frozenset({"smtplib.SMTP", "smtplib.SMTP_SSL"})
SEND_METHODS = frozenset({"sendmail", "send_message", "sendall", "sendto"})
SQL_METHODS = frozenset({"execute", "executemany", "executescript", "exec_driver_sql", "mogrify"})
SQL_LOOSE_METHODS = frozenset({"raw", "fetch", "fetchrow", "fetchval", "query", "read_sql", "read_sql_query",
                               "text", "sql"})
SQL_RECEIVER = re.compile(r"(?i)(?:cur|cursor|conn|connection|db|database|session|engine|con|pool|tx|txn)$")
TEMPLATE_FUNCS = frozenset({
    "jinja2.Template", "flask.render_template_string", "mako.template.Template", "django.template.Template",
    "tornado.template.Template", "jinja2.Environment.from_string",
    "string.Template",  # no code, but the caller's template reads every key of the mapping it is given
})
TEMPLATE_METHODS = frozenset({"from_string", "render_template_string"})
SANITIZERS = frozenset({
    "int", "float", "bool", "len", "abs", "round", "hash", "id", "isinstance", "type", "shlex.quote", "pipes.quote",
    "re.escape", "html.escape", "uuid.UUID", "ipaddress.ip_address",
})
PATH_SANITIZERS = frozenset({"os.path.basename", "werkzeug.utils.secure_filename", "secure_filename",
                             "pathvalidate.sanitize_filename"})
GUARD_METHODS = frozenset({"is_relative_to", "relative_to", "startswith", "commonpath", "commonprefix"})
WRITE_MODE = re.compile(r"[wax+]")
DELETE_NAMES = frozenset({"os.remove", "os.unlink", "os.rmdir", "os.removedirs", "shutil.rmtree",
                          "aiofiles.os.remove"})
DELETE_METHODS = frozenset({"unlink", "rmdir"})
WRITE_NAMES = frozenset({"os.mkdir", "os.makedirs", "os.rename", "os.replace", "os.chmod", "os.chown", "os.truncate",
                         "os.symlink", "os.link", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
                         "shutil.move", "shutil.unpack_archive", "shutil.chown"})
WRITE_METHODS = frozenset({"write_text", "write_bytes", "mkdir", "touch", "rename", "chmod", "symlink_to",
                           "hardlink_to"})


def effect_of(name: str, method: str | None) -> EffectKind | None:
    """The side effect of a call by qualified name (or receiver method), regardless of its arguments."""
    if name in SHELL_ALWAYS or name in PROCESS or name in EVAL or name in YAML_LOAD - {"yaml.load"}:
        return EffectKind.EXECUTE if name not in EVAL or name in ("eval", "exec") else None
    if name in DELETE_NAMES or method in DELETE_METHODS:
        return EffectKind.DELETE
    if name in WRITE_NAMES or method in WRITE_METHODS:
        return EffectKind.WRITE
    if name in SEND_FUNCS or method in SEND_METHODS:
        return EffectKind.SEND
    verb = name.rsplit(".", 1)[-1]
    if name in HTTP_FUNCS and verb in SENDING_VERBS:
        return EffectKind.SEND
    return None
