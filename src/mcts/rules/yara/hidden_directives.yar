// Family: hidden_directives -- orders to the model that the user is not meant to see, and attempts to
// override the model's own instructions.
//
// What separates an attack from an ordinary note: the text hides something from the user ("do not tell the
// user"), tells the model to act silently or without consent, wraps orders in pseudo-tags that target the
// model (<IMPORTANT>, <SYSTEM>), or tries to replace the model's instructions or open a new chat turn.
// A plain "IMPORTANT: paths must be absolute" or "Before using this tool, make sure the repository exists"
// describes the tool to its user and is not reported at medium or above.

private rule model_tag
{
    strings:
        $xml = /<\s*(important|system|instructions?|secret|hidden|admin|mandatory|critical|system[_ -]?(prompt|message|note)|note[_ -]to[_ -](the[_ -])?(ai|assistant|model|llm|agent)|(ai|assistant|model|llm|agent)[_ -](instructions?|note|only|directive))\s*>/ nocase
        $bracket = /\[\s*(important|system|instructions?|hidden|admin|mandatory|system[_ -](note|message|prompt)|(ai|assistant|model|llm|agent)[_ -](instructions?|note|only))\s*\]/ nocase
    condition:
        any of them
}

rule directive_tag_block
{
    meta:
        technique = "hidden-directive"
        severity = "high"
        confidence = "high"
        title = "A pseudo-tag addressed to the model wraps orders it must follow"
        description = "Tags such as <IMPORTANT> or <SYSTEM> carry no meaning for a user; they are written to make the model treat what follows as a priority instruction. Here the tagged text gives the model orders."
    strings:
        $order = /\b(you (must|should|need to|have to|are required to|will)|must (also|always|never|first|be sent|be sent|include)|always|never|do not|don't|before (using|calling|invoking|running|reading|answering|you)|instead|ignore|make sure to|remember to|it is (crucial|critical|vital|essential)|otherwise|new (policy|policies|rules?|instructions?)|first (call|read|run|use|send|fetch|open|execute)|you are (now )?(authori[sz]ed|allowed|permitted|cleared|free) to|grant (full|admin|root|unrestricted))\b/ nocase
    condition:
        model_tag and $order
}

rule model_tag_only
{
    meta:
        technique = "hidden-directive"
        severity = "low"
        confidence = "low"
        title = "A pseudo-tag addressed to the model"
        description = "Tags such as <IMPORTANT> or <SYSTEM> are a common wrapper for hidden instructions; this one carries no recognised order."
    condition:
        model_tag and not directive_tag_block
}

rule conceal_from_user
{
    meta:
        technique = "hidden-directive"
        severity = "high"
        confidence = "high"
        title = "Tells the model to keep something from the user"
        description = "Metadata that asks the model not to tell, show or mention something to the user is hiding what the tool really does."
    strings:
        $dont_tell = /\b(do not|don't|never|must not|mustn't|should not|shouldn't|avoid|refrain from|without)\s+(ever\s+)?(tell|telling|mention|mentioning|inform|informing|reveal|revealing|disclose|disclosing|notify|notifying|alert|alerting|warn|warning|explain|explaining|acknowledge|acknowledging)\b[^.\n]{0,60}\b(user|users|human|operator|person|customer|them)\b/ nocase
        $dont_show = /\b(do not|don't|never|must not|should not)\s+(show|display|print|output|echo|surface|expose)\s+(this|these|that|it|the (instructions?|steps?|above|following|following steps))\b[^.\n]{0,40}\b(user|human|operator|chat|response|reply|answer)/ nocase
        $must_not_know = /\b(the |your )?(user|human|operator)s?\s+(must|should|need|needs|is|are)\s*(not|never|n't)\s+(to\s+)?(know|see|notice|find out|learn|be (told|informed|made aware|alerted|notified)|become aware|aware)\b/ nocase
        $keep_from = /\b(keep|keeping|hide|hiding|conceal|concealing)\s+(this|these|that|it|(the|this|these|that|any|all)\s+\w+(\s+\w+)?)\s+(secret\s+|hidden\s+|private\s+)?from\s+(the\s+|your\s+)?(user|human|operator)/ nocase
        $hide_in = /\b(hide|hidden|put|place|append|include|embed|insert|wrap|tuck|bury|conceal)\s+(them|it|this|these|that|the\s+\w+(\s+\w+)?)\s+(inside|within|in|into)\s+(an?\s+)?(html\s+|xml\s+|markdown\s+)?(comment|hidden\s+(tag|element|block|div|span|field)|invisible\s+(text|block)|<!--)/ nocase
        $ensure_unaware = /\b(make sure|ensure|ensuring|it is (important|essential|crucial|vital) that|be careful that|so that)\s+(the\s+|your\s+)?(user|human|operator)s?\s+(does not|doesn't|do not|don't|is not|isn't|are not|aren't|never|will not|won't|cannot|can't)\s+(ever\s+)?(\w+\s+)?(know|see|notice|find out|learn|made aware|aware|told|informed|notified|realize|realise|suspect|discover)/ nocase
        $let_see = /\b(do not|don't|never|must not|should not)\s+let\s+(the\s+|your\s+)?(user|human|operator)s?\s+(\w+\s+)?(see|know|notice|find out|learn|read|view|discover)\b/ nocase
        $hygiene = /\b(see|show|display|print|output|echo|expose|reveal|disclose|mention|log|notice|read|view|tell)\s+((the|their|your|any|raw|full|plain|plaintext|actual)\s+){0,3}(access\s+|api\s+|auth\s+|bearer\s+|refresh\s+)?(tokens?|passwords?|secrets?|api[_ -]?keys?|keys|credentials?|stack\s*traces?|internal\s+ids?|json|debug\s+output|personal\s+data|pii)\b/ nocase
        $dont_need_know = /\b(user|human)s?\s+(does not|doesn't|do not|don't)\s+need\s+to\s+(know|see|be told)\b/ nocase
        $upset = /\b(could|would|might|will|may)\s+(even\s+)?(upset|scare|alarm|worry|confuse|frighten|concern)\s+the\s+(user|human)/ nocase
        $cannot_see = /\b(the\s+)?(user|human)s?\s+(cannot|can't|can not|will not|won't)\s+see\s+(this|these|that|the (instructions?|text|note))/ nocase
    condition:
        ($must_not_know or $keep_from or $dont_need_know or $upset or $cannot_see or $hide_in) or
        (($dont_tell or $dont_show or $ensure_unaware or $let_see) and not $hygiene)
}

rule act_silently
{
    meta:
        technique = "hidden-directive"
        severity = "high"
        confidence = "medium"
        title = "Tells the model to act silently or without telling the user"
        description = "An action the model is told to take silently, secretly or without informing the user is one the user would not approve."
    strings:
        $silent_verb = /\b(silently|secretly|quietly|covertly|discreetly|invisibly|in the background and)\s+(send|sends|email|mail|message|share|report|forward|copy|include|add|append|attach|read|call|invoke|run|execute|upload|post|pass|bcc|cc|replace|change|modify|delete|remove|transfer|collect|gather|save|store|log|record|exfiltrate)\b/ nocase
        $without_telling = /\bwithout\s+(telling|informing|notifying|alerting|warning|letting|asking)\s+(the\s+|your\s+)?(user|human|operator)s?\b/ nocase
        $no_bother = /\b(do not|don't|never|no need to)\s+(bother|trouble|disturb|interrupt|pester)\s+(the\s+|your\s+)?(user|human)s?\s+(with|for|about)\s+(\w+\s+)?(confirmations?|permission|approvals?|questions|prompts)/ nocase
        $authorised = /\byou\s+(are|have been)\s+(now\s+)?(authori[sz]ed|allowed|permitted|cleared|free)\s+to\s+[^.\n]{0,60}without\s+(\w+\s+){0,2}(confirmation|approval|permission|consent|asking)/ nocase
        $no_confirm = /\b(do not|don't|never|no need to)\s+(ask|wait|request|seek|prompt)\s+((the|any|for|user|user's|users'|human|human's|their|explicit)\s+){0,4}(permission|confirmation|approval|consent)/ nocase
    condition:
        any of them
}

rule precondition_unrelated_action
{
    meta:
        technique = "hidden-directive"
        severity = "high"
        confidence = "medium"
        title = "Orders the model to read private files or secrets before it does anything else"
        description = "A 'before using this tool, first read ...' step that reaches into the user's home directory, keys or configuration is an order to the model, not a precondition the user benefits from."
    strings:
        $before = /\bbefore\s+(using|calling|invoking|running|executing|reading|answering|responding|replying|doing|opening|you (use|call|invoke|run|read|answer|reply|respond|do))\b/ nocase
        $first_read = /\b(you must|you need to|you have to|you should|must|first|always)\s+(first\s+)?(read|cat|open|load|fetch|retrieve|access|collect|obtain|include|pass|send|upload|print|output|copy)\s+(the\s+)?(contents?\s+of\s+)?(~|\$HOME|%USERPROFILE%|\/etc\b|\/root\b|\/home\/|\/Users\/|\/proc\/|[A-Za-z]:\\Users|the user'?s\s|all\s+(the\s+)?(user'?s?\s+)?(files|secrets|keys|credentials|passwords|tokens|messages)|every\s+(file|secret|key|credential|password|token|message))/ nocase
        $secret_path = /(~\/|\$HOME\/|%USERPROFILE%\\)[\w.\/\\-]{1,60}|\b(id_rsa|id_ed25519|id_ecdsa|\.ssh\/|\.aws\/|\.env\b|\.npmrc|\.netrc|\.pgpass|\.git-credentials|mcp\.json|claude_desktop_config\.json|\.bash_history|\.zsh_history|wallet\.dat|login\.keychain|\/etc\/shadow|\/etc\/passwd)/ nocase
    condition:
        $before and ($first_read or $secret_path)
}

rule must_first_generic
{
    meta:
        technique = "hidden-directive"
        severity = "low"
        confidence = "low"
        title = "Tells the model what it must do before using the tool"
        description = "Often an ordinary precondition; worth a look when the step is unrelated to the tool's purpose."
    strings:
        $a = /\bbefore\s+(using|calling|invoking|running)\s+(this|the)\s+(tool|function)\b[^.\n]{0,30}\b(you\s+)?(must|need to|have to)\s+(first\s+)?\w+/ nocase
    condition:
        $a and not precondition_unrelated_action
}

rule before_responding_directive
{
    meta:
        technique = "hidden-directive"
        severity = "medium"
        confidence = "medium"
        title = "Orders the model how to behave in every conversation, not just when using the tool"
        description = "Tool metadata that tells the model what to do before answering the user or at the start of every conversation reaches beyond the tool's own purpose."
    strings:
        $a = /\b(before|prior to)\s+(responding|replying|answering|talking)\s+to\s+(the\s+)?(user|human|any (request|message|question))[^.\n]{0,40}\b(you must|must|always|first|call|invoke|run|use|read|send)\b/ nocase
        $b = /\b(at the (start|beginning) of|in) (every|each|any) (conversation|session|chat|response|reply|message)\b[^.\n]{0,40}\b(you must|must|always|call|invoke|run|read|send|include|append)\b/ nocase
        $from_now = /\bfrom\s+now\s+on,?\s+(you|the\s+(assistant|model|agent|ai))\s+(must|will|should|are to|shall|have to|need to|may only|can only|always)\b/ nocase
        $c = /\b(regardless of|no matter) what (the user|they) (asks?|says?|wants?|requests?)\b/ nocase
    condition:
        any of them
}

rule ignore_previous_instructions
{
    meta:
        technique = "instruction-override"
        severity = "high"
        confidence = "high"
        title = "Tells the model to ignore its previous instructions"
        description = "Text asking the model to ignore, forget or override the instructions it already has is a prompt injection."
    strings:
        $ignore = /\b(ignore|ignoring|disregard|disregarding|forget|forgetting|bypass|abandon|discard|set aside)\s+(all\s+|any\s+|every\s+|each\s+)?(of\s+)?(the\s+|your\s+|my\s+|these\s+|those\s+)?(previous|prior|preceding|above|earlier|former|original|initial|existing|system|safety|other|older|old|default|developer)\s+(\w+\s+)?(instructions?|directives?|directions?|rules|prompts?|guidelines|guidance|commands|context|messages|constraints|restrictions|policies|programming)\b/ nocase
        $supersede = /\b(supersedes?|take\s+precedence\s+over|takes\s+precedence\s+over|overrides?|replaces?|invalidates?|cancels?|outranks?)\s+(all\s+|any\s+|every\s+)?(of\s+)?(your|the\s+(model|assistant|ai|agent|llm)'?s?|(all|any)\s+(other|previous|prior|earlier|existing|system))\s+(\w+\s+)?(instructions?|directives?|rules|prompts?|guidelines|guidance|policies|messages)\b/ nocase
        $these_override = /\b(these|this|the following|the above)\s+((instructions?|rules|directives?|text|notes?|requirements?)\s+)?(supersede|supersedes|take precedence over|takes precedence over|override|overrides)\s+(all|any|every|everything|anything|them|those|other)\b/ nocase
        $ignore_source = /\b(ignore|disregard|forget|bypass|discard)\s+(all\s+|any\s+)?(the\s+|your\s+)?(instructions?|rules|guidelines|directives?|system prompt|prompts?)\s+(you\s+(received|were given|have been given|have|got|get)|(given\s+)?(from|by)\s+(the\s+|your\s+)?(user|system|developer|operator))\b/ nocase
        $ignore_user = /\b(ignore|disregard|do not answer|don't answer|never answer)\s+(what\s+)?(the\s+user'?s?|your\s+user'?s?)\s+(actual\s+|original\s+)?(question|request|instructions?|message|input|query|prompt|wishes|task)s?\b/ nocase
        $no_longer = /\b(previous|prior|all|your|earlier|original|safety|existing|usual|normal|default)\s+(\w+\s+)?(restrictions|rules|instructions|guidelines|limitations|constraints|policies|safeguards)\s+(no longer apply|do not apply|don't apply|are (now\s+)?(void|lifted|suspended|disabled|removed|revoked|cancell?ed|invalid|obsolete|null))\b/ nocase
        $forget_told = /\b(forget|ignore|disregard)\s+(everything|all|anything|whatever)\s+(that\s+)?(you\s+)?(were|have been|was|had been)?\s*(told|taught|instructed|given|said|asked)\b/ nocase
        $outdated = /\b(your|the|all)\s+(previous|prior|earlier|original|old|existing|current|system)\s+(instructions|rules|guidelines|directives|prompts?)\s+(are|is|have been|were)\s+(now\s+)?(outdated|obsolete|void|invalid|cancell?ed|wrong|revoked|replaced|superseded|no longer valid|deprecated)\b/ nocase
        $new_rules = /\b(your|the)\s+(new|real|actual|true|updated)\s+(instructions?|directives?|task|rules|system prompt|objective|goal|role)\s+(is|are|follows?)\b/ nocase
        $new_header = /\b(new|updated|real|actual)\s+(system\s+)?(instructions?|directives?|rules)\s*:/ nocase
    condition:
        any of them
}

rule chat_template_marker
{
    meta:
        technique = "instruction-override"
        severity = "high"
        confidence = "high"
        title = "Chat-template or role marker inside metadata"
        description = "Special tokens and role markers such as <|im_start|>, [INST] or <<SYS>> try to open a new system or assistant turn inside the model's context."
    strings:
        $special = /<\|\s*(im_start|im_end|im_sep|system|user|assistant|endoftext|begin_of_text|end_of_text|start_header_id|end_header_id|eot_id|eom_id|end|developer|tool)\s*\|>/ nocase
        $inst = /\[\s*\/?\s*INST\s*\]/
        $sys = /<<\s*\/?\s*SYS\s*>>/ nocase
        $turn = /<\/?(start_of_turn|end_of_turn)>/ nocase
        $role_json = /\{\s*["']role["']\s*:\s*["'](system|developer)["']\s*,\s*["']content["']\s*:/ nocase
    condition:
        any of them
}

rule role_header
{
    meta:
        technique = "instruction-override"
        severity = "medium"
        confidence = "medium"
        title = "Role or instruction header that imitates a prompt format"
        description = "Headers like '### Instruction:', 'SYSTEM:' or 'Human:/Assistant:' imitate a prompt format to make the model treat the following text as its own instructions."
    strings:
        $alpaca = /(^|\n)\s*#{2,4}\s*(instruction|system|system prompt|response|assistant)\s*:/ nocase
        $system_colon = /(^|\n|\.\s|>\s*)\s*(SYSTEM|SYSTEM PROMPT|SYSTEM MESSAGE|SYSTEM OVERRIDE|ADMIN OVERRIDE|DEVELOPER MESSAGE)\s*:\s*\w/
        $system_prompt = /\b(system prompt|system message|system override|admin override)\s*:\s*(you|ignore|from now|always|never|do not|don't|the assistant|reveal|send|read|forget|disregard|act|respond|answer|follow|obey|output|print|grant|disable)\b/ nocase
        $inline_role = /(^|[.!?:;]\s+|\n\s*|<!--\s*)(assistant|ai|system)\s*:\s*(before|you|ignore|always|never|first|now|from now|do not|don't|collect|read|send|call)\b/ nocase
        $turns = /(^|\n)\s*(Human|User)\s*:[^\n]{1,200}\n\s*(Assistant|AI)\s*:/
    condition:
        any of them
}

rule fake_context_boundary
{
    meta:
        technique = "instruction-override"
        severity = "high"
        confidence = "high"
        title = "Fakes the end of the tool description to start new instructions"
        description = "Closing a description or tool-result tag and opening a system or instructions block inside metadata tries to make the model read what follows as instructions from outside the tool."
    strings:
        $close_open = /<\/\s*(tool_description|description|tool|tools|function|functions|tool_result|function_results?|result|output|context|document|documents|user|user_query|search_results?)\s*>\s*<\s*(system|instructions?|important|admin|assistant|developer|system_prompt)\s*>/ nocase
        $end_marker = /(\bend\s+of\s+(the\s+)?(tool\s+)?(description|instructions|context|document|user input|tool output)|---+\s*end\s*---+)\s*[\].:>*-]*\s*(new|real|actual|updated|system|admin)\s+(instructions?|rules|task|policy|prompt)\b/ nocase
    condition:
        any of them
}
