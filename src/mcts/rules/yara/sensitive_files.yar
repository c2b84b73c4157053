/*
  sensitive_files: metadata that steers the model to credential stores and secret-bearing files.

  SSH private keys, .env files, MCP client configurations (which hold every other server's tokens), cloud
  credential files, .netrc / .npmrc / .pypirc, /etc/shadow, browser credential stores, keychains and wallets.

  A mere mention is LOW: documentation does name these files ("the key configured in ~/.ssh/config", "paths
  outside the allowed directories are refused"). It is HIGH when the text orders the model to read, include,
  attach or send such a file (unless the order is negated: "never read ~/.ssh"), and MEDIUM or HIGH when the
  file is a parameter's default, the value the model passes silently. A default that matches the parameter's
  own purpose (a kubeconfig parameter defaulting to ~/.kube/config, an SSH tool's identity file) is LOW.
*/

private rule sensfile_secret_path
{
    strings:
        $ssh_dir = /~\/\.ssh\b|\$HOME\/\.ssh\b|\/home\/[a-z_][\w-]{0,31}\/\.ssh\b|\/root\/\.ssh\b|%USERPROFILE%\\\.ssh\b/ nocase
        $ssh_key = /\bid_(rsa|dsa|ecdsa|ed25519)(_sk)?([^.\w-]|\.[^p\w]|\.$|$)/
        $cloud = /\.aws\/credentials\b|\bapplication_default_credentials\.json\b|\.config\/gcloud\b|\.azure\/(accessTokens\.json|msal_token_cache|azureProfile\.json)?|\.kube\/config\b|\.docker\/config\.json\b/ nocase
        $netrc = /(^|[\s"'`(\/~])(\.netrc|_netrc|\.npmrc|\.pypirc|\.git-credentials|\.pgpass|\.my\.cnf)\b/
        $shadow = /\/etc\/(shadow|gshadow|sudoers|master\.passwd)\b/
        $mcp = /\b(claude_desktop_config\.json|mcp_config\.json|mcp\.json|mcp_settings\.json|cline_mcp_settings\.json)\b|\.cursor\/mcp\b|\.codeium\/windsurf\b|\.vscode\/mcp\b/ nocase
        $browser = /\b(Login Data|cookies\.sqlite|logins\.json|key4\.db|key3\.db|Local State|Web Data)\b|\bChrome\/User Data\b|\.mozilla\/firefox\b/
        $keychain = /\blogin\.keychain(-db)?\b|\bKeychains\/|\bkeyrings\/|\.gnupg\b|\bsecring\.gpg\b|\bwallet\.dat\b|\bkeystore\/UTC--|\.local\/share\/keyrings\b/ nocase
        $env = /(^|[\s"'`(\[=:,\/~])\.env(\.(local|development|dev|production|prod|staging|test))?([\s"'`)\],;:!?]|\.\s|\.$|$)/
    condition:
        any of them
}

rule sensfile_read_instruction
{
    meta:
        technique = "sensitive-file-access"
        severity = "high"
        confidence = "high"
        title = "Metadata tells the model to read or send a credential file"
        description = "An instruction to read, include, attach or send SSH keys, cloud credentials, MCP configs, browser or keychain stores."
    strings:
        $order = /\b(read|reads|reading|open|opens|cat|load|include|includes|including|attach|attaches|upload|uploads|send|sends|copy|copies|paste|print|output|return|returns|show|dump|dumps|collect|collects|extract|extracts|grab|fetch|fetches|access|retrieve|retrieves|forward|embed|append|pass|provide|contents? of|content from)[\s:"'`][^.;\n]{0,60}((~|\$HOME|\/root|\/home\/[a-z_][\w-]{0,31})\/\.ssh(\/?([^\/\w.]|$)|\/id_[a-z0-9_]+([^.\w-]|\.[^p\w]|\.$|$))|\bid_(rsa|dsa|ecdsa|ed25519)([^.\w-]|\.[^p\w]|\.$|$)|\.aws\/credentials|application_default_credentials\.json|\.config\/gcloud|\.azure\/|\.kube\/config|\.docker\/config\.json|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.pgpass|\/etc\/shadow|\/etc\/sudoers|claude_desktop_config\.json|mcp_config\.json|\bmcp\.json|mcp_settings\.json|\.cursor\/mcp|\.codeium\/windsurf|\.vscode\/mcp|Login Data|cookies\.sqlite|logins\.json|key4\.db|login\.keychain|\.gnupg|wallet\.dat|keystore\/UTC--)/ nocase
        $after = /(~\/\.ssh\/id_\w+|\bid_(rsa|ed25519|ecdsa)\b|\.aws\/credentials|\.netrc|\bmcp\.json|claude_desktop_config\.json|\.kube\/config|\/etc\/shadow|wallet\.dat)[^.\n]{0,60}\b(as|in|into) (the |a |an )?[`'"]?[\w-]{1,30}[`'"]? (parameter|param|argument|arg|field)\b/ nocase
        $neg = /(\bnever|\bnot|n't|\bcannot|\brefuse[sd]? to|\bforbidden to|\bavoid|\bavoids|\bwithout)\b[^.;,\n]{0,40}\b(read|reads|reading|open|opens|cat|load|include|includes|including|attach|attaches|upload|uploads|send|sends|copy|copies|paste|print|output|return|returns|show|dump|dumps|collect|collects|extract|extracts|grab|fetch|fetches|access|retrieve|retrieves|forward|embed|append|pass|provide|contents? of|content from)\b/ nocase
        $passive = /\b(is|are|was|were|be|been|being|get|gets)\s+(\w+ly\s+)?(read|reads|reading|open|opens|cat|load|include|includes|including|attach|attaches|upload|uploads|send|sends|copy|copies|paste|print|output|return|returns|show|dump|dumps|collect|collects|extract|extracts|grab|fetch|fetches|access|retrieve|retrieves|forward|embed|append|pass|provide|contents? of|content from|loaded|opened|included|attached|uploaded|sent|copied|pasted|printed|returned|shown|dumped|collected|extracted|fetched|accessed|retrieved|forwarded|embedded|appended|passed|provided)\b/ nocase
        $source = /\b(reads|loads|uses|takes|gets|obtains|picks up|looks up|sources)\b[^.;\n]{0,40}\bfrom\b[^.;\n]{0,20}((~|\$HOME|\/root|\/home\/[a-z_][\w-]{0,31})\/\.ssh(\/?([^\/\w.]|$)|\/id_[a-z0-9_]+([^.\w-]|\.[^p\w]|\.$|$))|\bid_(rsa|dsa|ecdsa|ed25519)([^.\w-]|\.[^p\w]|\.$|$)|\.aws\/credentials|application_default_credentials\.json|\.config\/gcloud|\.azure\/|\.kube\/config|\.docker\/config\.json|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.pgpass|\/etc\/shadow|\/etc\/sudoers|claude_desktop_config\.json|mcp_config\.json|\bmcp\.json|mcp_settings\.json|\.cursor\/mcp|\.codeium\/windsurf|\.vscode\/mcp|Login Data|cookies\.sqlite|logins\.json|key4\.db|login\.keychain|\.gnupg|wallet\.dat|keystore\/UTC--)/ nocase
        $except = /\b(except|excluding|other than|but not|apart from|besides|outside of|outside)\b[^.\n]{0,40}((~|\$HOME|\/root|\/home\/[a-z_][\w-]{0,31})\/\.ssh(\/?([^\/\w.]|$)|\/id_[a-z0-9_]+([^.\w-]|\.[^p\w]|\.$|$))|\bid_(rsa|dsa|ecdsa|ed25519)([^.\w-]|\.[^p\w]|\.$|$)|\.aws\/credentials|application_default_credentials\.json|\.config\/gcloud|\.azure\/|\.kube\/config|\.docker\/config\.json|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.pgpass|\/etc\/shadow|\/etc\/sudoers|claude_desktop_config\.json|mcp_config\.json|\bmcp\.json|mcp_settings\.json|\.cursor\/mcp|\.codeium\/windsurf|\.vscode\/mcp|Login Data|cookies\.sqlite|logins\.json|key4\.db|login\.keychain|\.gnupg|wallet\.dat|keystore\/UTC--)/ nocase
    condition:
        for any i in (1..#order): (
            not $neg in (@order[i] - 50 .. @order[i]) and
            not $passive in (@order[i] - 20 .. @order[i]) and
            not $source at @order[i] and
            not $except in (@order[i] .. @order[i] + !order[i])
        ) or
        $after
}

rule sensfile_env_instruction
{
    meta:
        technique = "sensitive-file-access"
        severity = "medium"
        confidence = "medium"
        title = "Metadata tells the model to read or send a .env file"
    strings:
        $order = /\b(read|reads|open|opens|cat|include|includes|attach|attaches|upload|uploads|send|sends|copy|copies|paste|print|output|dump|dumps|collect|collects|extract|extracts|grab|forward|embed|append|pass|contents? of)[\s:"'`][^.;\n]{0,40}(^|[\s\"'`(\/~])\.env(\.(local|development|dev|production|prod|staging))?([\s\"'`),;:!?]|\.\s|\.$|$)/ nocase
        $neg = /(\bnever|\bnot|n't|\bcannot|\brefuse[sd]? to|\bforbidden to|\bavoid|\bavoids|\bwithout)\b[^.;,\n]{0,40}\b(read|reads|open|opens|cat|include|includes|attach|attaches|upload|uploads|send|sends|copy|copies|paste|print|output|dump|dumps|collect|collects|extract|extracts|grab|forward|embed|append|pass|contents? of)\b/ nocase
        $passive = /\b(is|are|was|were|be|been|being|get|gets)\s+(\w+ly\s+)?(read|reads|open|opens|cat|include|includes|attach|attaches|upload|uploads|send|sends|copy|copies|paste|print|output|dump|dumps|collect|collects|extract|extracts|grab|forward|embed|append|pass|contents? of|loaded|opened|included|attached|uploaded|sent|copied|pasted|printed|returned|shown|dumped|collected|extracted|fetched|accessed|retrieved|forwarded|embedded|appended|passed|provided)\b/ nocase
        $source = /\b(reads|loads|uses|takes|gets|obtains|picks up|looks up|sources)\b[^.;\n]{0,40}\bfrom\b[^.;\n]{0,20}(^|[\s\"'`(\/~])\.env(\.(local|development|dev|production|prod|staging))?([\s\"'`),;:!?]|\.\s|\.$|$)/ nocase
        $except = /\b(except|excluding|other than|but not|apart from|besides|outside of|outside)\b[^.\n]{0,40}\.env\b/ nocase
    condition:
        for any i in (1..#order): (
            not $neg in (@order[i] - 50 .. @order[i]) and
            not $passive in (@order[i] - 20 .. @order[i]) and
            not $source at @order[i] and
            not $except in (@order[i] .. @order[i] + !order[i])
        )
}

rule sensfile_authorized_keys_write
{
    meta:
        technique = "sensitive-file-access"
        severity = "high"
        confidence = "high"
        title = "Metadata tells the model to add a key to authorized_keys"
    strings:
        $write = /\b(append|appends|add|adds|write|writes|insert|inserts|echo|put|place)\b[^;\n]{0,60}\bauthorized_keys\b/ nocase
    condition:
        $write
}

rule sensfile_default_value
{
    meta:
        technique = "sensitive-file-access"
        severity = "high"
        confidence = "medium"
        title = "Parameter defaults to a credential file"
        description = "The model passes a default without asking; this one points at a secret-bearing file."
    strings:
        $ssh = /\.ssh\/id_|\bid_(rsa|dsa|ecdsa|ed25519)\b/
        $mcp = /claude_desktop_config\.json|mcp_config\.json|\bmcp\.json|mcp_settings\.json|\.cursor\/mcp|\.codeium\/windsurf|\.vscode\/mcp/ nocase
        $store = /\/etc\/shadow|\/etc\/sudoers|Login Data|cookies\.sqlite|logins\.json|key4\.db|login\.keychain|wallet\.dat|\.gnupg|\.netrc|\.npmrc|\.pypirc|\.git-credentials|\.pgpass/
        $env = /(^|[\/~])\.env(\.\w+)?$/
    condition:
        field matches /\.(default|const|examples?(\[\d+\])?)$/ and (
            ($ssh and not field matches /(ssh|identity|key|cert)/i) or $mcp or $store or $env
        )
}

rule sensfile_cloud_default
{
    meta:
        technique = "sensitive-file-access"
        severity = "medium"
        confidence = "medium"
        title = "Parameter defaults to a cloud credential file"
    strings:
        $aws = /\.aws\/(credentials|config)\b/ nocase
        $gcp = /application_default_credentials\.json|\.config\/gcloud/ nocase
        $azure = /\.azure\// nocase
        $kube = /\.kube\/config\b/ nocase
        $docker = /\.docker\/config\.json/ nocase
    condition:
        field matches /\.(default|const|examples?(\[\d+\])?)$/ and (
            ($aws and not field matches /(aws|credential|profile)/i) or
            ($gcp and not field matches /(gcloud|gcp|google|credential|adc)/i) or
            ($azure and not field matches /(azure|credential)/i) or
            ($kube and not field matches /kube/i) or
            ($docker and not field matches /(docker|registry)/i)
        )
}

rule sensfile_mention
{
    meta:
        technique = "sensitive-file-access"
        severity = "low"
        confidence = "low"
        title = "Metadata names a credential or secret-bearing file"
    condition:
        sensfile_secret_path
}
