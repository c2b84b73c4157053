/*
  payloads: shell, SQL-injection and path-traversal payloads written into metadata for the model to copy
  into a call.

  A shell tool documenting "Runs the given command", a SQL tool offering "Run a read-only SELECT query" or a
  path parameter "relative paths are resolved against the root" are not payloads: the rules look for the
  concrete attack strings (a download piped into a shell, a reverse shell, an always-true SQL condition, a
  UNION injection, a traversal chain).
*/

rule payload_download_and_execute
{
    meta:
        technique = "command-payload"
        severity = "high"
        confidence = "high"
        title = "Download-and-execute shell payload in metadata"
        description = "A remote script fetched and piped straight into an interpreter."
    strings:
        $pipe = /\b(curl|wget|fetch)\b[^|\n]{1,200}\|\s*(sudo\s+)?(-\S+\s+)?(ba|z|da|k|fi)?sh\b/
        $pipe_interp = /\b(curl|wget)\b[^|\n]{1,200}\|\s*(sudo\s+)?(python[23]?|perl|ruby|node|php)\b/
        $subshell = /\$\(\s*(curl|wget|nc|ncat)\b[^)\n]{1,200}\)/
        $fetch_run = /\b(curl|wget)\b[^;&|\n]{1,200}(-o|-O|--output)\s*\S+\s*(;|&&)\s*(chmod\s+\+?[0-7x]+\s+\S+\s*(;|&&)\s*)?(\.\/|sh\s|bash\s)/
        $ps_cradle = /\b(iex|invoke-expression)\b[^\n]{0,40}(downloadstring|downloadfile|invoke-webrequest|iwr|irm|invoke-restmethod|net\.webclient)/ nocase
        $ps_cradle2 = /\b(downloadstring|invoke-webrequest|iwr|irm)\b[^\n]{0,120}\|\s*(iex|invoke-expression)\b/ nocase
        $ps_enc = /\bpowershell(\.exe)?\b[^\n]{0,60}\s-(e|ec|enc|encodedcommand)\s+[A-Za-z0-9+\/=]{16,}/ nocase
        $ps_hidden = /\bpowershell(\.exe)?\b[^\n]{0,40}\s-(w|windowstyle)\s+hidden\b/ nocase
        $lolbin = /\bcertutil(\.exe)?\b[^\n]{0,40}-urlcache\b|\bbitsadmin(\.exe)?\b[^\n]{0,40}\/transfer\b|\bmshta(\.exe)?\s+(https?|javascript|vbscript):|\bregsvr32(\.exe)?\b[^\n]{0,40}\/i:https?:|\brundll32(\.exe)?\b[^\n]{0,40}javascript:/ nocase
    condition:
        any of them
}

rule payload_reverse_shell
{
    meta:
        technique = "command-payload"
        severity = "high"
        confidence = "high"
        title = "Reverse or bind shell payload in metadata"
    strings:
        $devtcp = /\/dev\/(tcp|udp)\/[\w.-]+\/\d+/
        $bash_i = /\b(ba)?sh\s+-i\s*(>&|&>|>\s*&)/
        $nc_e = /\b(nc|ncat|netcat)(\.exe)?\s+([-\w.]+\s+){0,4}-(e|c)\s*\/?(bin\/)?(ba)?sh\b|\b(nc|ncat|netcat)\b[^\n|]{0,60}-e\s+(\/bin\/(ba)?sh|cmd(\.exe)?|powershell)/ nocase
        $fifo = /\bmkfifo\b[^\n]{0,80}\b(nc|ncat|netcat|telnet)\b/
        $socat = /\bsocat\b[^\n]{0,60}\bexec:[^\n]{0,40}(sh|bash|cmd)/ nocase
        $py = /\bsocket\.socket\([^\n]{0,200}\b(dup2|subprocess|pty\.spawn)\b/
        $ps_tcp = /New-Object\s+(System\.)?Net\.Sockets\.TCPClient\(/ nocase
    condition:
        any of them
}

rule payload_destructive_command
{
    meta:
        technique = "command-payload"
        severity = "high"
        confidence = "high"
        title = "Destructive shell command in metadata"
    strings:
        $rm_root = /\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*\s+(-[a-zA-Z]+\s+)*|--recursive\s+(--force\s+)?|-[a-zA-Z]*f[a-zA-Z]*\s+-[a-zA-Z]*[rR][a-zA-Z]*\s+)(--no-preserve-root\s+)?(\/|\/\*|~\/?|\$HOME\/?|\*)(\s|$|["'`;&|)])/
        $mkfs = /\bmkfs(\.\w+)?\s+\/dev\/[sh]d[a-z]\b|\bdd\s+if=\/dev\/(zero|urandom|random)\s+of=\/dev\/[sh]d[a-z]\b/
        $fork = /:\(\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/
        $win = /\b(format\s+c:|del\s+\/[fsq]\s+\/[fsq]\s+[a-z]:\\|vssadmin(\.exe)?\s+delete\s+shadows|rd\s+\/s\s+\/q\s+[a-z]:\\)/ nocase
    condition:
        any of them
}

rule payload_command_substitution
{
    meta:
        technique = "command-payload"
        severity = "medium"
        confidence = "medium"
        title = "Command chained onto an argument in metadata"
        description = "A separator followed by a network or shell tool, written for the model to pass as an argument."
    strings:
        $chain_net = /(;|&&|\|\||\|)\s*(curl|wget|nc|ncat|netcat|telnet|scp)\s+(-\S+\s+)*(https?:\/\/|[\w-]+(\.[\w-]+)+|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})/
        $chain_sh = /(;|&&|\|\|)\s*(bash|sh|python[23]?|perl|powershell)\s+(-\S+\s+)*(https?:|\/tmp\/|\/dev\/shm\/)/
        $subst = /\$\(\s*(cat|id|whoami|uname|env|printenv|hostname)\b[^)\n]{0,40}\)/
    condition:
        any of them
}

rule payload_sql_injection
{
    meta:
        technique = "command-payload"
        severity = "medium"
        confidence = "medium"
        title = "SQL injection string in metadata"
    strings:
        $tautology = /['"`)]\s*(or|\|\|)\s+['"]?(\d+|[a-z])['"]?\s*=\s*['"]?(\d+|[a-z])\b/ nocase
        $tautology2 = /\bor\s+1\s*=\s*1\s*(--|#|\/\*|;)/ nocase
        $empty = /'\s*or\s*''\s*=\s*'/ nocase
        $union_quote = /['"`)]\s*union\s+(all\s+)?select\b/ nocase
        $union_null = /\bunion\s+(all\s+)?select\s+(null|\d+)\s*,\s*(null|\d+)/ nocase
        $union_schema = /\bunion\s+(all\s+)?select\b[^\n]{0,80}\b(information_schema|sqlite_master|pg_shadow|mysql\.user|@@version|password)/ nocase
        $stacked = /['"`)]?\s*;\s*(drop\s+(table|database)|shutdown\b|exec(ute)?\s+xp_cmdshell)/ nocase
        $timing = /(['")]\s*|\b(and|or)\s+|;\s*(select\s+)?)(sleep|pg_sleep)\s*\(\s*\d+\s*\)|\bbenchmark\(\s*\d{5,}|\bwaitfor\s+delay\s+'/ nocase
        $xp = /\bxp_cmdshell\b|\binto\s+(out|dump)file\s+'/ nocase
    condition:
        any of them
}

rule payload_path_traversal
{
    meta:
        technique = "command-payload"
        severity = "medium"
        confidence = "medium"
        title = "Path traversal payload in metadata"
    strings:
        $dots = /(\.\.[\/\\]){2}\.\./
        $enc = /(%2e%2e|%252e%252e|\.%2e|%2e\.)(%2f|%5c|%252f|%255c|\/|\\)/ nocase
        $enc2 = /\.\.%(2f|5c|252f|c0%af|c1%9c)/ nocase
        $dotsemi = /\.\.;\//
        $passwd = /(\.\.[\/\\]){1,12}[^\s]{0,40}(etc[\/\\]passwd|etc[\/\\]shadow|windows[\/\\]win\.ini|boot\.ini|proc[\/\\]self[\/\\]environ)/ nocase
        $target = /\b(file:\/\/|php:\/\/filter|zip:\/\/|expect:\/\/)[^\s]{0,10}\/(etc\/passwd|etc\/shadow|proc\/self\/environ)/ nocase
        $passwd_read = /\b(read|cat|open|include|load|fetch|return|print|type|get)\b[^.\n]{0,30}(\/etc\/passwd|c:\\windows\\win\.ini|\/proc\/self\/environ)\b/ nocase
        $neg = /\b(never|not|n't|cannot|refuse[sd]?|rejected|blocked|denied|forbidden|outside)\b/ nocase
    condition:
        $dots or $enc or $enc2 or $dotsemi or $passwd or $target or ($passwd_read and not $neg)
}

rule payload_passwd_default
{
    meta:
        technique = "command-payload"
        severity = "medium"
        confidence = "medium"
        title = "Parameter defaults to a system file or traversal path"
    strings:
        $sys = /^\s*(\/etc\/(passwd|shadow|hosts|sudoers)|\/proc\/self\/\w+|c:\\windows\\(win\.ini|system32\\config\\sam))\s*$/ nocase
        $trav = /^\s{0,4}\.\.[\/\\]\.\.[\/\\]/
    condition:
        ($sys or $trav) and field matches /\.(default|const|examples?(\[\d+\])?)$/
}

rule payload_system_file_mention
{
    meta:
        technique = "command-payload"
        severity = "low"
        confidence = "low"
        title = "Metadata names a system file often used in traversal payloads"
    strings:
        $f = /\/etc\/passwd\b|\bwin\.ini\b|\/proc\/self\/environ\b/ nocase
    condition:
        $f
}

rule payload_permissive_chmod
{
    meta:
        technique = "command-payload"
        severity = "medium"
        confidence = "medium"
        title = "World-writable or setuid chmod in metadata"
    strings:
        $chmod = /\bchmod\s+(-R\s+)?(0?777|0?666|[ugo]*\+s|4755|6755)\s+[\/~.$\w]/
        $neg = /(\bnever|\bnot|n't|\bavoid|\binstead of|\brather than|\brefuse[sd]?|\brejected|\bblocked)\b[^.;\n]{0,40}\bchmod\b/ nocase
    condition:
        for any i in (1..#chmod): (not $neg in (@chmod[i] - 50 .. @chmod[i]))
}
