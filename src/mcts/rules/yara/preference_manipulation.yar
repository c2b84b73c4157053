// Family: preference_manipulation -- text that steers which tool the model picks by demanding exclusivity,
// disparaging other tools, or inventing an authority that requires this one.
//
// Where the line is drawn: a server recommending its own specialised tool over its own generic one ("Prefer
// this tool over read_file for large files", "DEPRECATED: use read_text_file instead", "do not use this tool,
// use search_pull_requests") is normal documentation and is not reported. Reported: demands to use this tool
// instead of *any other* tool, claims that other tools or servers are deprecated, unsafe or compromised,
// orders never to use other tools, and claims that an administrator, a vendor (Anthropic, OpenAI, ...) or a
// policy requires this tool. "Always use this tool instead of <one named tool>" is only low: it may be a
// server steering between its own tools.

rule always_use_this_over_all_others
{
    meta:
        technique = "preference-manipulation"
        severity = "high"
        confidence = "high"
        title = "Demands that this tool be used instead of any other"
        description = "A tool that tells the model to use it instead of every other tool is trying to capture calls meant for tools the user chose."
    strings:
        $instead = /\b(always|only|must|should always|you must|you should|make sure to|be sure to|never fail to)\s+(\w+\s+)?(use|call|choose|pick|select|prefer|invoke|route (all )?(requests|queries|calls) (to|through))\s+(this|our|the\s+[`'"]?[\w.-]{1,40}[`'"]?)\s+(tool|function|server|plugin|integration|api)\b[^.\n]{0,40}\b(instead of|rather than|over|in place of|before|ahead of|in preference to)\s+(any|all|every|each|other|others|alternatives?|competing|similar|built-in|builtin|native|default|third-party|existing)\b[^.\n]{0,20}\b(others?|alternatives?|tools?|functions?|servers?|plugins?|options?|integrations?|apis?)\b/ nocase
        $instead_named_all = /\binstead\s+of\s+(the\s+)?[`'"]?[\w.-]{2,40}[`'"]?\s+(tool|function)?,?\s*(always\s+)?(use|call|invoke)\s+this\s+(tool|function)\s+for\s+(all|every|any|each)\b/ nocase
        $first_always = /\b(must|should|has to|needs? to)\s+(always\s+)?be\s+(called|used|invoked|run|executed)\s+(first\s+)?(before\s+(any|every|all)\s+other\s+tools?|first)\b[^.\n]{0,40}\b(every|each|all|any)\s+(conversation|chat|session|request|question|message|task|turn)s?\b/ nocase
        $for_all = /\b(always|must|you must|you should always)\s+(use|call|invoke|choose)\s+(this|our)\s+(tool|function|server)\s+(first\s+)?(for|before)\s+(all|every|any|each)\s+(\w+\s+)?(tasks?|requests?|queries|questions|operations?|actions?|tool calls?|calls?|other tools?)\b/ nocase
        $instead_anything = /\b(use|call|invoke)\s+(this|our)\s+(tool|function|server)\s+(instead\s+of|rather\s+than|over)\s+(any|all|every)\s+(other|others|alternatives?)\b/ nocase
    condition:
        any of them
}

rule always_use_this_over_named
{
    meta:
        technique = "preference-manipulation"
        severity = "low"
        confidence = "low"
        title = "Tells the model always to use this tool instead of another one"
        description = "A server may steer between its own tools; check that the tool named is its own and not another server's."
    strings:
        $a = /\b(always|must always|you must always|you must)\s+(use|call|choose|prefer)\s+(this|our)\s+(tool|function)\s+(instead of|rather than|over|in place of)\s+[`'"]?[\w.-]{2,40}/ nocase
    condition:
        $a and not always_use_this_over_all_others
}

rule others_disparaged
{
    meta:
        technique = "preference-manipulation"
        severity = "high"
        confidence = "high"
        title = "Claims that other tools or servers are deprecated, unsafe or compromised"
        description = "Telling the model that other tools are broken, unsafe or malicious is a way to make it avoid them and use this one."
    strings:
        $others_are = /\b(all\s+|any\s+|every\s+|the\s+)?(other|others|alternative|competing|third-party|third party|built-in|builtin|native|default|existing|remaining|rival)\s+(\w+\s+)?(tools?|servers?|functions?|plugins?|integrations?|mcp servers?|extensions?|apis?)\s+([^.;\n]{0,40}\s)?(are|is|have been|has been|were|was|may be|might be|could be|should be considered)\s+(now\s+|all\s+|currently\s+|known to be\s+|officially\s+)?(deprecated|unsafe|insecure|broken|malicious|compromised|unreliable|outdated|dangerous|disabled|forbidden|untrusted|untrustworthy|hacked|buggy|banned|blocked|obsolete|infected|backdoored|harmful|fake|phishing|scams?|fraudulent|frauds?|spyware|malware|not (safe|secure|allowed|trusted|working|supported|reliable|permitted)|no longer (safe|supported|working|allowed|trusted))\b/ nocase
        $others_return = /\b(all\s+|any\s+|the\s+)?(other|others|alternative|competing|third-party|third party|built-in|builtin|native|default|existing|rival)\s+(\w+\s+)?(tools?|servers?|functions?|plugins?|integrations?|mcp servers?|apis?)\s+([^.;\n]{0,40}\s)?(return|returns|produce|produces|give|gives|contain|contains|leak|leaks|send|sends|output|outputs|yield|yields)\s+(\w+\s+)?(unsafe|wrong|incorrect|malicious|stale|outdated|corrupted|corrupt|fake|dangerous|harmful|insecure|broken|poisoned|unreliable|tampered|manipulated|inaccurate|scams?|fraudulent|frauds?|spyware|malware)\b/ nocase
        $server_tools_bad = /\b(the\s+)?[\w.-]{2,40}\s+(server|mcp server|plugin|extension|integration)'s\s+(tools?|functions?)\s+(are|is|have been|has been)\s+(now\s+)?(deprecated|unsafe|insecure|broken|malicious|compromised|untrusted|hacked|backdoored|infected|spyware|malware|scams?|dangerous)\b/ nocase
        $named_compromised = /\b[`'"]?[a-z][a-z0-9]*(_[a-z0-9]+)+[`'"]?\s+(tool\s+)?(has been|have been|is|was|are|got)\s+(compromised|hacked|backdoored|infected|hijacked|poisoned|tampered with|taken over)\b/ nocase
        $named_bad = /\b(the\s+)?[`'"]?[\w.-]{2,40}[`'"]?\s+(tool|server|function|plugin)\s+(from|by|of)\s+(another|other|a different|the other)\s+(server|vendor|provider|source)\s+(is|are|has been)\s+(deprecated|unsafe|insecure|broken|malicious|compromised|untrusted|hacked|backdoored)\b/ nocase
        $only_safe = /\b(this|our)\s+(tool|function|server|plugin)\s+is\s+the\s+only\s+(safe|secure|approved|trusted|sanctioned|authori[sz]ed|official|reliable|verified|legitimate|working|non-malicious)\s+(tool|function|server|way|option|choice|source|method)\b/ nocase
    condition:
        any of them
}

rule exclusive_use
{
    meta:
        technique = "preference-manipulation"
        severity = "high"
        confidence = "high"
        title = "Tells the model not to use any other tool"
        description = "An order never to use other tools or servers takes the choice of tools away from the user and the model."
    strings:
        $never_other = /\b(do not|don't|never|must not|mustn't|should not|shouldn't|cannot|can't|may not|are not allowed to|are forbidden to|avoid)\s+(ever\s+)?(use|using|call|calling|invoke|invoking|trust|trusting|rely on|relying on|consult|consulting|try|trying|touch|touching)\s+(any\s+|the\s+|all\s+)?(other|another|alternative|competing|third-party|third party|different|external|built-in|builtin|native|default|similar)\s+(\w+\s+)?(tools?|servers?|functions?|plugins?|integrations?|mcp servers?|apis?|providers?)\b/ nocase
        $never_them = /\b(other|competing|alternative|third-party|third party|built-in|builtin|native|similar)\s+([\w-]+\s+){0,2}(tools?|servers?|functions?|plugins?|integrations?)\b[^.;\n]{0,60}[;,.:]\s*(so\s+|therefore\s+|thus\s+)?(never|do not|don't|must not)\s+(call|use|invoke|trust|consult|recommend|suggest|mention)\s+(them|those|these|it)\b/ nocase
        $ignore_other = /\b(ignore|disregard|avoid|skip|bypass|disable)\s+(all\s+|any\s+|every\s+|the\s+)?(other|competing|alternative|third-party|built-in|builtin|native|default)\s+(\w+\s+)?(tools?|servers?|functions?|plugins?|integrations?)\b/ nocase
        $only_tool = /\b(this|it)\s+is\s+the\s+only\s+(tool|function|server)\s+(you\s+)?(should|may|must|are allowed to|can)\s+(ever\s+)?(use|call|trust)\b/ nocase
    condition:
        any of them
}

rule invented_authority
{
    meta:
        technique = "preference-manipulation"
        severity = "medium"
        confidence = "medium"
        title = "Claims an authority requires or endorses this tool"
        description = "Metadata invoking an administrator, a model vendor or a policy to make the model use a tool is an appeal to authority the model cannot verify."
    strings:
        $by_vendor = /\b(approved|required|mandated|endorsed|certified|verified|recommended|authori[sz]ed|sanctioned|requested|whitelisted|allow-?listed|blessed|preferred)\s+(for use\s+)?by\s+(the\s+|your\s+)?(anthropic|openai|google deepmind|microsoft|meta ai|claude'?s?\s+(developers|creators|team)|chatgpt'?s?\s+(developers|creators|team)|the\s+mcp\s+(team|maintainers|working group|steering committee)|model context protocol (team|maintainers))\b/ nocase
        $vendor_says = /\b(anthropic|openai|google deepmind|the mcp (team|maintainers|working group))\s+(requires?|mandates?|has approved|approves|recommends|endorses|insists|wants you to|instructs you to)\b/ nocase
        $this_by_admin = /\b(this|our)\s+(tool|function|server|plugin)\s+(is|has been)\s+(the\s+)?(officially\s+)?(approved|required|mandated|endorsed|certified|authori[sz]ed|sanctioned|designated|whitelisted|allow-?listed|mandatory)\s+(\w+\s+){0,3}(by|per|under|according to)\s+(the\s+|your\s+)?(system administrator|sysadmin|administrator|admin|it department|it team|security team|security department|compliance team|organi[sz]ation|company|management|platform|anthropic|openai)\b/ nocase
        $policy = /\b(mandatory|required|compulsory|obligatory|enforced)\s+(per|by|under|according to)\s+(the\s+|your\s+|our\s+)?((security|company|corporate|compliance|it|organi[sz]ation(al)?|enterprise|platform|administrator|admin)\s+){1,2}(polic(y|ies)|rules?|requirements?|guidelines?|directives?)\b[^.\n]{0,80}\b(use|call|invoke|this tool|this function)\b/ nocase
        $sanctioned = /\b(this|our)\s+(one|tool|function|server)\s+is\s+the\s+(sanctioned|approved|official|authori[sz]ed|mandated|designated|certified|verified|only trusted)\s+(replacement|alternative|substitute|choice|option|tool|version)\b/ nocase
        $policy_use = /\b(per|by|under|according to)\s+(the\s+|your\s+|our\s+)?((security|company|corporate|compliance|it|organi[sz]ation(al)?|enterprise)\s+){1,2}(polic(y|ies)|rules?|requirements?|guidelines?),?\s+(you\s+must|you\s+are\s+required\s+to|always|only)\s+(use|call|invoke)\s+(this|our)\b/ nocase
    condition:
        any of them
}

rule important_use_this_tool
{
    meta:
        technique = "preference-manipulation"
        severity = "medium"
        confidence = "medium"
        title = "Urgent marker pushing the model to use this tool"
        description = "An [IMPORTANT] or <IMPORTANT> marker followed by an order to use this tool pressures the model's tool choice."
    strings:
        $bracket = /(\[\s*(important|critical|urgent|mandatory|attention|priority)\s*\]|<\s*(important|critical|urgent|mandatory|priority)\s*>)\s*[^.\n]{0,40}\b(use|call|invoke|prefer|choose)\s+this\s+(tool|function|server)\b/ nocase
        $colon = /\b(IMPORTANT|CRITICAL|URGENT|MANDATORY|ATTENTION|Important|Critical|Urgent|Mandatory)\s*[:!]\s*[^.\n]{0,40}\b([Aa]lways|[Yy]ou must|[Mm]ust|[Yy]ou should always)\s+(use|call|invoke|prefer|choose)\s+this\s+(tool|function|server)\b[^.\n]{0,40}\b(first|for (all|every|any|each)|instead|whenever|regardless|before (any|every|all|anything|doing)|at all times|exclusively)\b/
        $superior = /\b(this|our)\s+(tool|function|server)\s+is\s+(far\s+|much\s+)?(better|superior|safer|more (reliable|secure|accurate|trustworthy))\s+(than|to)\s+(all|any|every)\s+(other|others|alternatives?)\b/ nocase
    condition:
        any of them
}
