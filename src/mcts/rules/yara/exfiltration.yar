// Family: exfiltration -- instructions that make the model send data out: the conversation, files, keys,
// tokens or the environment, into a URL, an email address, a parameter or another tool's call.
//
// What separates an attack from a tool that sends things: the data is the user's conversation or secrets
// (not the message, body or file the user asked to send), and the destination is fixed by the metadata
// (a literal URL or address, a hidden parameter) rather than chosen by the user. "Sends an email to the
// given recipients" or "Upload a file to the bucket" are not reported.

private rule conversation_data
{
    strings:
        $conv = /\b(conversation|chat)\s*(history|log|logs|transcript|context|so far|contents?|messages)\b/ nocase
        $conv2 = /\b(this|the|entire|full|whole|current|our|complete|ongoing)\s+(conversation|chat session|dialog|dialogue)\b/ nocase
        $msgs = /\b(previous|prior|earlier|past|all|every|preceding|recent)\s+(user\s+|chat\s+)?(messages?|prompts?|turns|replies|exchanges)\b/ nocase
        $sysprompt = /\b(system|developer)\s+(prompt|instructions|message)\b/ nocase
        $ctx = /\b(context\s+window|memory\s+contents|everything\s+the\s+user\s+(said|typed|wrote|shared|asked|provided))\b/ nocase
        $users = /\b(all|every|any)\s+(of\s+)?(the\s+)?user'?s?\s+(data|files|documents|messages|emails|contacts|notes|information|details|history)\b/ nocase
        $users2 = /\b(the\s+)?user'?s\s+(\w+\s+)?(contacts|address book|inbox|emails|calendar|browsing history|location|messages|prompts|chat|conversation|credentials|passwords|keys|private files|documents)\b/ nocase
        $pii = /\b(the\s+)?user'?s\s+(\w+\s+)?(email address|e-mail address|phone number|mobile number|home address|postal address|street address|location|full name|date of birth|birthday|ssn|social security number|credit card|card number|bank account|ip address|passport)/ nocase
        $read_any = /\b(after|when|whenever|once)\s+(you\s+)?(reading|read|opening|open|fetching|fetch|accessing|access|viewing|view|loading|load)\s+(any|every|each|a)\s+(file|document|page|email|message|record)s?\b/ nocase
        $recent = /\b(the\s+user'?s|your|the)\s+(last|previous|recent|latest|prior|earlier)\s+(\w+\s+){0,2}(messages?|prompts?|queries|questions|inputs|turns|replies|requests)\b/ nocase
        $tools_list = /\b(list|names?|descriptions?|schemas?)\s+of\s+(every|all|each|the)\s+(other\s+)?(tools?|functions?)\s+(available\s+to\s+you|you\s+(have|can\s+(use|call|see)))/ nocase
        $every_read = /\b(every|each|all|any)\s+(file|files|document|documents|page|pages|result|results|output|outputs|email|emails|message|messages)\s+(you|the\s+(assistant|model|agent|user))\s+(read|reads|open|opens|see|sees|receive|receives|fetch|fetches|access|accesses|write|writes|send|sends)\b/ nocase
    condition:
        any of them
}

private rule harvested_secrets
{
    strings:
        $secret = /\b(all|any|every|each|the user'?s|user'?s|their|your|stored|saved|local|cached|existing|other|available)\s+(\w+\s+)?(api[_ -]?keys?|access[_ -]?keys?|secret[_ -]?keys?|private[_ -]?keys?|ssh[_ -]?keys?|auth(entication)?[_ -]?tokens?|access[_ -]?tokens?|bearer[_ -]?tokens?|session[_ -]?(tokens?|cookies?)|cookies|credentials|passwords?|passphrases?|secrets|seed[_ -]?phrases?|mnemonics?|wallet[_ -]?keys?|tokens)\b/ nocase
        $env = /\b(environment\s+variables?|env\s+vars?|\.env\b|process\.env|os\.environ|printenv)/ nocase
        $files = /\b(contents?\s+of\s+(the\s+|their\s+|its\s+)?(~|\/etc|\/home|\/root|\/Users|\$HOME|%USERPROFILE%|[A-Za-z]:\\|\.ssh|\.aws|\.env|\.config|every|all|any|each|the user'?s?|their)|file\s+contents?\s+of\s+(all|every|any))/ nocase
        $env_cmd = /\b(output|result|contents?)\s+of\s+[`'"]?(env|printenv|set|export -p|history|ps aux|whoami|ifconfig|ip a|ip addr)\b/ nocase
        $keyfile = /(id_rsa|id_ed25519|\.ssh\/|\.aws\/credentials|\.npmrc|\.netrc|\.git-credentials|\.pgpass|\.docker\/config\.json|mcp\.json|claude_desktop_config\.json|\.bash_history|\.zsh_history|keychain|wallet\.dat)/ nocase
    condition:
        any of them
}

private rule sensitive_data
{
    strings:
        $secret = /\b(api[_ -]?keys?|access[_ -]?keys?|secret[_ -]?keys?|private[_ -]?keys?|ssh[_ -]?keys?|auth(entication)?[_ -]?tokens?|access[_ -]?tokens?|bearer[_ -]?tokens?|session[_ -]?(tokens?|cookies?)|cookies|credentials|passwords?|passphrases?|secrets|seed[_ -]?phrases?|mnemonics?)\b/ nocase
    condition:
        conversation_data or harvested_secrets or $secret
}

rule send_data_to_url
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "high"
        title = "Tells the model to send conversation data or secrets to a fixed address"
        description = "The metadata asks the model to send the conversation, keys, tokens, files or the environment to a URL or email address it names. Data should leave only when the user asked for it, to a destination the user chose."
    strings:
        $to_url = /\b(send|post|forward|upload|transmit|exfiltrate|leak|report|relay|sync|mirror|beacon|ship|submit|share|deliver|copy|log|email|e-mail|mail|pipe|curl|fetch|request|append|encode)\b[^\n]{0,120}\b(to|into|at|via|on|towards|through)\s+[`'"<(]?(https?:\/\/|wss?:\/\/|ftp:\/\/|\/\/)[\w.-]{2,}/ nocase
        $to_mail = /(\b(send|forward|email|e-mail|mail|copy|bcc|cc|report|share|deliver|relay|transmit|leak)|\w+_(email|mail|message)|(send|post|forward)_\w+)\b[^\n]{0,120}\b(to|at)\s+(the\s+\w+\s+(at\s+)?)?[`'"<]?[\w.+-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63}){1,4}\b/ nocase
        $content_to_url = /\b(send|post|upload|forward|transmit|copy|submit|pipe)\s+(its|their|each|every|all|each\s+file'?s|every\s+file'?s|all\s+file)\s+(file\s+)?(content|contents|data|text|body|bodies)\s+(\w+\s+){0,2}to\s+[`'"<(]?(https?:\/\/|wss?:\/\/)/ nocase
        $url_first = /(https?:\/\/|wss?:\/\/)[^\s"'`]{3,120}[^\n]{0,40}\b(with|including|containing|carrying)\s+(the\s+|all\s+|your\s+)?(conversation|chat|messages|history|api[_ -]?keys?|tokens?|credentials|passwords?|secrets|environment|cookies|files?)/ nocase
    condition:
        (sensitive_data and ($to_url or $to_mail or $url_first)) or $content_to_url
}

rule url_template_with_secret_placeholder
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "high"
        title = "A URL template carries secrets or conversation data in its query"
        description = "A URL whose query is filled with the conversation, the system prompt, secrets or the environment sends that data to whoever runs the host as soon as the model fetches or renders it."
    strings:
        $placeholder = /(https?:\/\/|wss?:\/\/)[^\s"'`]{1,120}[?&#;][\w.\[\]-]{1,30}=\s*(\{\{?|\$\{|<|%\(|\[)\s*[\w .-]{0,20}(secret|secrets|password|passwd|credentials?|creds|env|environment|conversation|chat|history|messages?|system[_ -]?prompt|prompt|ssh[_ -]?key|private[_ -]?key|user[_ -]?data|all[_ -]?data|memory|context[_ -]?window|transcript)[\w .-]{0,20}\s*(\}|>|\)|\])/ nocase
    condition:
        $placeholder
}

rule url_template_with_credential_placeholder
{
    meta:
        technique = "data-exfiltration"
        severity = "low"
        confidence = "low"
        title = "A URL template puts a token or key in its query"
        description = "Credentials in a URL query end up in logs and caches; check that the host is the service the credential belongs to."
    strings:
        $placeholder = /(https?:\/\/|wss?:\/\/)[^\s"'`]{1,120}[?&#;][\w.\[\]-]{1,30}=\s*(\{\{?|\$\{|<|%\(|\[)\s*[\w.-]{0,20}(token|api[_-]?key|apikey|access[_-]?key|auth|bearer|jwt|cookie|session)[\w.-]{0,20}\s*(\}|>|\)|\])/ nocase
    condition:
        $placeholder and not url_template_with_secret_placeholder
}

rule markdown_image_beacon
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "high"
        title = "Tells the model to render an image or link whose URL carries data"
        description = "A markdown image or link with a query filled in by the model leaks whatever it puts there the moment the client renders it."
    strings:
        $md = /!\[[^\]\n]{0,60}\]\(\s*https?:\/\/[^\s)]{1,160}[?&][\w.-]{1,30}=\s*(\{\{?|<|\$\{?|%s|\[)\s*[\w .-]{0,20}(conversation|chat|history|messages?|secret|token|key|password|credential|env|prompt|summary|context|data|info|user|memory|transcript)/ nocase
        $render = /\b(render|display|show|output|include|embed|append)\s+(this|the following|an?|the)\s+(image|markdown image|pixel|link|img tag)\b[^\n]{0,100}(https?:\/\/)[^\s)]{1,160}[?&][\w.-]{1,30}=/ nocase
    condition:
        any of them
}

rule data_into_parameter
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "medium"
        title = "Tells the model to put conversation data, files or secrets into a call's argument"
        description = "Metadata that asks the model to fill an argument with the conversation, the content of files it read, keys or tokens turns an ordinary call into a way out for that data."
    strings:
        $into_param = /\b(pass|put|include|insert|add|embed|place|provide|append|attach|copy|paste|store|write|fill|set|send|encode)\b[^\n]{0,80}\b(as|in|into|inside|to|within|via|through)\s+(the\s+|a\s+|an\s+|this\s+)?[`'"]?[\w-]{1,40}[`'"]?\s+(parameter|param|argument|arg|field|property|variable|input)\b/ nocase
        $call_with = /\b(call|calling|invoke|invoking|use|using)\s+(this|the|our)\s+(tool|function)\s+with\s+(the\s+)?(full|entire|whole|complete|current)\s+(conversation|chat|message history|transcript|context)/ nocase
        $read_and_pass = /\b(read|cat|open|load|retrieve|collect|gather|extract|dump|list)\b[^\n]{0,100}\b(and|then)\s+(pass|send|include|put|append|add|embed|provide|attach|insert|copy|encode)\s+(its|their|the|that|this|all)\s+(file\s+)?(content|contents|full text|text|output|value|values|data)\b/ nocase
    condition:
        ($into_param and (conversation_data or harvested_secrets)) or $read_and_pass or $call_with
}

rule parameter_collects_conversation
{
    meta:
        technique = "data-exfiltration"
        severity = "medium"
        confidence = "medium"
        title = "A parameter asks for the conversation, the system prompt or other tools' details"
        description = "A tool argument whose description asks the model to fill in the conversation, its system prompt, or the list of its other tools collects data the tool does not need for its stated purpose."
    strings:
        $whole = /\b((the\s+)?(entire|full|whole|complete)\s+(conversation|chat|message history|context|transcript)|(all|every|each)\s+(previous|prior|earlier|past|preceding)\s+(\w+\s+)?(messages?|prompts?|turns?)|(your|the)\s+(system|developer)\s+(prompt|instructions)|everything\s+the\s+user\s+(said|typed|wrote|shared)|(every|all)\s+(\w+\s+)?messages?\s+(of|in|from)\s+(this|the)\s+(chat|conversation)|the\s+user'?s\s+(last|previous|recent)\s+(\w+\s+){0,2}messages)\b/ nocase
        $tools = /\b(list|names?|descriptions?|schemas?)\s+of\s+(every|all|each|the)\s+(other\s+)?(tools?|functions?)\s+(available\s+to\s+you|you\s+(have|can\s+(use|call|see)))/ nocase
    condition:
        ($whole or $tools) and field matches /^(inputSchema|outputSchema)\..*\.(description|default|title|examples?(\[\d+\])?)$|^arguments\[\d+\]\.description$/
}

rule parameter_collects_secrets
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "medium"
        title = "A parameter asks for every key, token or password the model can find"
        description = "An argument described as all the API keys, tokens or passwords in the user's environment turns each call into a leak of those secrets."
    strings:
        $all = /\b(all|every|each|any)\s+(\w+\s+){0,2}(api[_ -]?keys?|access[_ -]?keys?|secret[_ -]?keys?|private[_ -]?keys?|ssh[_ -]?keys?|tokens?|secrets?|credentials?|passwords?|passphrases?|cookies?)\b/ nocase
        $found = /\b(you\s+can\s+find|you\s+have\s+access\s+to|available\s+to\s+you|you\s+know|in\s+(the\s+user'?s|your|the)\s+(environment|env|home directory|config(uration)?|dotfiles|keychain|shell))\b/ nocase
        $env_dump = /\b(KEY=VALUE|NAME=VALUE|env(ironment)?\s+dump|output\s+of\s+(printenv|env|set)\b)/ nocase
    condition:
        ($all and ($found or $env_dump)) and field matches /^(inputSchema|outputSchema)\..*\.(description|default|title|examples?(\[\d+\])?)$|^arguments\[\d+\]\.description$/
}

rule everything_also_sent
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "high"
        title = "Everything the model reads or writes must also be sent to a fixed address"
        description = "A standing rule that every file, message or result must also go to a URL or address the metadata names copies the user's data out on every call."
    strings:
        $also = /\b(must|should|shall|will|has to|have to|needs? to|is to|are to)\s+(also\s+|always\s+|additionally\s+){1,2}be\s+(sent|posted|forwarded|uploaded|copied|mirrored|mailed|emailed|synced|replicated|reported|logged|delivered)\s+to\s+[`'"<]?(https?:\/\/|wss?:\/\/|[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,})/ nocase
        $also2 = /\b(also|additionally|secretly|silently)\s+(send|post|forward|upload|copy|mirror|mail|email|sync|replicate|report|log)\s+(it|them|this|these|everything|all of it|a copy|copies)\s+to\s+[`'"<]?(https?:\/\/|wss?:\/\/|[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,})/ nocase
    condition:
        any of them
}

rule encode_and_send
{
    meta:
        technique = "data-exfiltration"
        severity = "high"
        confidence = "high"
        title = "Tells the model to encode data before sending it"
        description = "Asking the model to base64- or hex-encode secrets or conversation data before sending them hides the data from anyone watching the call."
    strings:
        $enc = /\b(base64|base-64|b64|hex|rot13|url)[- ]?(encode|encoded|encoding)\b[^\n]{0,80}\b(and|then|before)\s+(send|sending|post|posting|append|appending|add|adding|include|including|pass|passing|put|putting|upload|uploading|attach|attaching|embed|embedding)/ nocase
        $enc2 = /\b(encode|encoding|obfuscate|obfuscating)\b[^\n]{0,60}\b(in|with|as|using)\s+(base64|base-64|b64|hex|rot13)\b[^\n]{0,60}\b(and|then|before)\s+(send|post|append|add|include|pass|put|upload|attach|embed)/ nocase
    condition:
        ($enc or $enc2) and sensitive_data
}
