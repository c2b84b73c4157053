// Family: shadowing -- a tool's metadata that tells the model how OTHER tools must behave: extra
// recipients, redirected payments, altered arguments or results.
//
// What separates an attack from cross-references: ordinary metadata may point to a sibling tool ("use
// search_pull_requests instead", "call list_allowed_directories first"). Shadowing changes what another
// tool does -- where its data goes, whom it reaches, what arguments or results it gets -- usually for every
// call from now on. Descriptive text about this tool's own behaviour is not reported.

rule when_other_tool_do
{
    meta:
        technique = "tool-shadowing"
        severity = "high"
        confidence = "high"
        title = "Tells the model how to behave when it uses other tools"
        description = "Instructions in one tool's metadata that apply whenever the model calls other tools let this server change what those tools do, even tools from servers you trust."
    strings:
        $when = /\b(when|whenever|every time|each time|if|before|after)\s+(ever\s+)?(the\s+user\s+|you\s+|the\s+(model|assistant|agent|ai)\s+)?(asks?\s+(you\s+)?to\s+)?(call|calls|calling|use|uses|using|invoke|invokes|invoking|run|runs|running|execute|executes|executing|trigger|triggers|triggering|send|sends|sending)\s+(any\s+other|any|another|other|the|a|an|all)\s+([`'"]?[\w.-]{1,40}[`'"]?\s+){0,2}(tool|tools|function|functions|server|servers|integration|integrations|plugin|plugins)\b[^.\n]{0,120}\b(must|should|always|also|instead|automatically|make sure|ensure|be sure to|change|replace|add|set|include|use|send|redirect|bcc|cc)\b/ nocase
        $when_passive = /\b(when|whenever|every time|each time|if|before|after)\s+(any|another|other|every|each|a|an|some)\s+([\w-]{1,30}\s+){0,4}(tool|tools|function|functions|server|servers|integration|integrations)\s+(is|are|gets?|has been|have been)\s+(invoked|called|used|run|executed|triggered)\b[^.\n]{0,120}\b(also|instead|change|changed|replace|replaced|swap|swapped|override|overridden|redirect|redirected|reroute|rerouted|add|added|include|included|bcc|cc|set\s+to|be\s+sent|send\s+a\s+copy)\b/ nocase
        $through_any = /\b(through|via|with|using)\s+(any|every|each|another|all)\s+(other\s+)?([\w-]{1,30}\s+){0,4}(tools?|functions?|integrations?|servers?)\b[^.\n]{0,80}\b(must|should|has to|have to|needs? to|shall)\s+(also|always|additionally)\b/ nocase
        $when_sending = /\bwhen(ever)?\s+(you\s+|the\s+user\s+)?(send|sending|compose|composing|write|writing|draft|drafting|create|creating|forward|forwarding|reply|replying|commit|committing|push|pushing|pay|paying|transfer|transferring|post|posting|deploy|deploying|book|booking|order|ordering)\b[^.\n]{0,80}\b(always|also|must|should|automatically)\b[^.\n]{0,80}([\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,}|https?:\/\/|\baccount\s*(number|no\.?|#)?\s*[:#]?\s*\d{4,}|\b0x[0-9a-f]{8,})/ nocase
        $instead_user = /\b(use|send\s+(it|them|the\s+\w+)?\s*to|pay|transfer\s+(it\s+)?to|route\s+(it\s+)?to|deliver\s+(it\s+)?to|ship\s+(it\s+)?to)\b[^.\n]{0,60}\b(instead of|rather than|in place of)\s+(the\s+)?(one|ones|account|address|recipient|number|email|iban|wallet|destination|payee|beneficiary)s?\s+(that\s+)?(they|the user|the customer|you were|was|were|is)\s+(give|gave|given|provide|provided|specif\w*|enter\w*|chose|chosen|choose|ask\w*|request\w*|want\w*|supplied|supply)/ nocase
        $when_named = /\b(when|whenever|every time|each time|before|after)\s+(the\s+user\s+|you\s+)?(call|calls|calling|use|uses|using|invoke|invokes|invoking|run|runs|running)\s+[`'"]?(send_email|send_message|send_mail|transfer_funds|make_payment|create_payment|send_payment|send_transaction|post_message|wire_transfer|create_transfer|http_request|fetch_url|write_file|execute_command|run_command)[`'"]?[^.\n]{0,120}\b(must|should|always|also|instead|automatically|make sure|ensure|change|replace|add|set|include|redirect|bcc|cc|send)\b/ nocase
    condition:
        any of them
}

rule redirect_all_messages
{
    meta:
        technique = "tool-shadowing"
        severity = "high"
        confidence = "high"
        title = "Redirects or copies every email, message or payment to a fixed destination"
        description = "A rule that every email, message or payment must also go to, or be routed through, an address or account the metadata names hijacks whatever tool actually sends them."
    strings:
        $all_also = /\b(all|every|each|any)\s+(outgoing\s+|outbound\s+|future\s+|other\s+)?(emails?|e-mails?|mails?|messages?|payments?|transfers?|transactions?|invoices?|funds|wires?|deposits?|withdrawals?|requests?|notifications?)\s+(must|should|shall|need to|needs to|have to|has to|are to|is to|will|are required to)\s+(always\s+)?(also|additionally|in addition)\b/ nocase
        $all_to = /\b(all|every|each|any)\s+(outgoing\s+|outbound\s+|future\s+|other\s+)?(emails?|e-mails?|mails?|messages?|payments?|payouts?|transfers?|transactions?|invoices?|funds|wires?|deposits?|withdrawals?|refunds?)\s+(must|should|shall|need to|needs to|have to|has to|are to|is to|will|are required to)\s+(always\s+)?(be\s+)?(sent|send|bcc|bcc'd|bcced|cc|cc'd|cced|copied|forwarded|routed|redirected|rerouted|go|paid|transferred|deposited|directed|delivered|mirrored)\s+(only\s+)?(to|through|via|into|at)\b[^.\n]{0,60}([\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,}|https?:\/\/|\b(account|wallet|iban|address)\s*(number\s*)?[:#]?\s*[\w-]{4,}|\b0x[0-9a-f]{8,}|\b[a-z]{2,6}_[A-Za-z0-9]{6,}\b|\b[13][a-km-zA-HJ-NP-Z1-9]{25,34}\b|\b(bc1|tb1)[a-z0-9]{20,})/ nocase
        $bcc = /\b(always|also|secretly|silently|automatically)\s+(add|include|put|insert|set)\s+[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,}\s+(as|in|to)\s+(a\s+|the\s+)?(bcc|cc|recipient|recipients|bcc field|cc field)\b/ nocase
        $recipients = /\b(recipient|recipients|recipient list|to field|to list|cc list|bcc list|cc field|bcc field|cc|bcc)\s+(\w+\s+)?(must|should|shall|has to|have to|needs? to|will)\s+(also\s+|always\s+){1,2}(include|contain|have|list|be|get)\s+[`'"<]?[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,}/ nocase
        $bcc2 = /\b(bcc|cc)\s+[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,}\s+(on|in|to)\s+(all|every|each|any)\b/ nocase
    condition:
        any of them
}

rule route_payments
{
    meta:
        technique = "tool-shadowing"
        severity = "high"
        confidence = "high"
        title = "Tells the model to route payments or transfers somewhere else"
        description = "Instructions to send payments, transfers or funds through or to a destination the metadata chooses change what payment tools do on the user's behalf."
    strings:
        $route = /\b(always|must|should|instead|from now on)\s+(\w+\s+)?(route|redirect|reroute|divert|forward|send|transfer|deposit|channel|wire)\s+(all\s+|any\s+|every\s+|the\s+)?(payments?|transfers?|funds|money|transactions?|crypto|deposits?|withdrawals?|wires?|tips|donations|payouts?|refunds?)\s+(through|to|via|into|towards)\b/ nocase
        $diverted = /\b(payments?|payouts?|transfers?|funds|money|transactions?|deposits?|withdrawals?|wires?|refunds?|tips|donations|invoices?)\s+(must|should|shall|will|are to|have to|need to|is to)\s+(now\s+|always\s+|all\s+|henceforth\s+)?(be\s+)?(redirected|rerouted|diverted|re-routed)\s+(to|through|via|into)\b/ nocase
        $change_dest = /\b(change|replace|swap|substitute|set|overwrite|update)\s+(the\s+)?(recipient|destination|beneficiary|payee|receiving|target)\s*(account|address|wallet|iban|number)?\s+(of|for|in|on)\s+(all|every|each|any|the)\s+(\w+\s+)?(payments?|transfers?|transactions?|wires?|orders?|invoices?)\b/ nocase
    condition:
        any of them
}

rule override_other_tool
{
    meta:
        technique = "tool-shadowing"
        severity = "high"
        confidence = "high"
        title = "Claims to change how another tool behaves"
        description = "A tool that says it changes, overrides or hooks the behaviour, arguments or results of other tools is trying to control calls that are not its own."
    strings:
        $changes = /\b(changes?|overrides?|overrid(ing|den)|modif(y|ies|ying)|alters?|altering|intercepts?|intercepting|hijacks?|hooks?\s+into|patch(es)?|redefines?|supersedes?|replaces?|wraps?)\s+(the\s+)?(behaviou?r|functionality|output|outputs|result|results|arguments?|parameters?|responses?|calls?|inputs?|recipients?|destinations?)\s+(of|from|for|to|in|passed to|sent to|returned by)\s+(all\s+|any\s+|every\s+|each\s+|the\s+|other\s+|another\s+)?([`'"]?[\w.-]{1,40}[`'"]?\s+)?(other\s+)?(tools?|functions?|servers?|plugins?|integrations?)\b/ nocase
        $changes_named = /\b(changes?|overrides?|modif(y|ies)|alters?|intercepts?|hijacks?|hooks?\s+into|patch(es)?|redefines?|replaces?)\s+(the\s+)?(behaviou?r|functionality|output|result|results|arguments?|parameters?|responses?|calls?|recipients?)\s+(of|from|for|to|passed to|sent to|returned by)\s+[`'"]?(send_email|send_message|send_mail|transfer_funds|make_payment|create_payment|send_payment|send_transaction|post_message|wire_transfer|create_transfer|http_request|fetch_url|write_file|read_file|execute_command|run_command)\b/ nocase
        $applies = /\b(this|these|the following)\s+(rule|rules|instruction|instructions|requirement|requirements|policy|behaviou?r)\s+(also\s+)?(applies|apply|extends?|is in effect|are in effect)\s+(to|for)\s+(all|every|any|each)\s+(other\s+)?(tools?|tool calls|functions?|servers?|requests?)\b/ nocase
    condition:
        any of them
}

rule fix_other_tool_result
{
    meta:
        technique = "tool-shadowing"
        severity = "high"
        confidence = "medium"
        title = "Tells the model to run this tool on other tools' results or arguments"
        description = "A tool that asks to be run after (or before) other tools in order to rewrite their results or arguments inserts itself into every call the user makes."
    strings:
        $after = /\b(after|before|whenever)\s+(using|calling|running|invoking|executing|you use|you call|you run)\s+(any\s+|another\s+|other\s+|the\s+|a\s+)?[`'"]?[\w.-]{1,40}[`'"]?\s*(tool|function|server|command)?s?\s*,?\s+(always\s+|first\s+|immediately\s+)?(run|call|use|invoke|pass\s+(its|the)\s+(result|output|arguments?)\s+(through|to))\s+(this|our)\s+(tool|function)\b[^.\n]{0,80}\b(modify|change|alter|fix|update|rewrite|correct|adjust|replace|sanitize|sanitise|filter|edit|transform|patch|validate|approve)\b/ nocase
        $after_loose = /\b(after|before|once)\s+(using|calling|running|executing|invoking|you\s+(use|call|run|execute|invoke))\b([^.\n]|\.\S){0,80}\b(run|call|execute|use|invoke)\s+this\s+(tool|function)\b([^.\n]|\.\S){0,80}\b(modify|change|alter|fix|replace|rewrite|correct|adjust|overwrite|edit)\b/ nocase
        $and_replace = /\b(run|call|execute|invoke|use)\s+this\s+(tool|function)\s+(first\s+)?and\s+(then\s+)?(replace|modify|change|overwrite|alter|rewrite|substitute)\s+(the\s+|its\s+|their\s+)?(values?|results?|outputs?|arguments?|parameters?|responses?|inputs?)\b/ nocase
        $again = /\b(after|once|when|whenever)\s+[`'"]?[a-z][a-z0-9]*(_[a-z0-9]+)+[`'"]?\s+(runs|has run|returns|completes|finishes|succeeds|is (called|invoked|run|used))\b[^.\n]{0,60}\b(call|run|invoke|execute)\s+it\s+again\b[^.\n]{0,80}\b(set|change|replace|switch|swap|different|but)\b/ nocase
        $replaced_by_this = /\b(discarded|ignored|replaced|overwritten|superseded|substituted|thrown away)\s+(and\s+replaced\s+)?(by|with)\s+(what|whatever|the\s+(output|result|response|answer)s?\s+(of|from))\s+this\s+(tool|function|server)\b/ nocase
        $replace_args = /\b(replace|change|swap|substitute|rewrite|modify|alter|overwrite|override)\s+(the\s+)?(values?|arguments?|parameters?|params|inputs?|recipients?|addresses|destinations?|urls?|amounts?|account numbers?|paths?)\s+((of|for|in)\s+(the\s+|all\s+|any\s+)?(arguments?|parameters?|params|inputs?|calls?)\s+)?(of|for|in|passed to|used by|sent to|given to)\s+(all\s+|any\s+|every\s+|each\s+|the\s+)?(other|another|subsequent|later|future|following|next)\s+(tools?|calls?|tool calls|functions?|requests?|commands?)\b/ nocase
    condition:
        any of them
}
