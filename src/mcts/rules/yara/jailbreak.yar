/*
  jailbreak: text that tries to change the model's identity, unlock a "mode" or suspend its safety rules.

  DAN / "do anything now", "developer mode" for an AI, "you are no longer bound by", "pretend you are an AI
  without restrictions", "act as ... with no ethical guidelines", role-play whose premise is that rules do not
  apply. Ordinary uses of the same words stay quiet: "Act as a proxy for HTTP requests", "role: the IAM role
  name", "Enable developer mode on the Android device", "Pretend mode for dry runs", "Jailbreak iOS device"
  (that is an offensive capability, reported by its own family, not a jailbreak of the model).
*/

private rule jailbreak_defensive_context
{
    strings:
        $guard = /\b(detect|detects|detecting|detection of|flag|flags|flagging|classify|classifies|guard|guards|block|blocks|blocking|filter|filters|screen|screens|scan|scans|scanning)\b[^.\n]{0,80}\b(jailbreak|jailbreaks|prompt[- ]injections?|dan mode|do anything now|ignore (your|previous|all))/ nocase
        $tool = /\b(jailbreak|prompt[- ]injection)[- ](guard|detector|detection|classifier|filter|scanner|firewall|defen[cs]e)/ nocase
    condition:
        any of them
}

private rule jailbreak_model_context
{
    strings:
        $ai = /\b(you|your|yourself|assistant|ai|a\.i\.|llm|language model|chatbot|chatgpt|gpt|claude|gemini|model)\b/ nocase
    condition:
        $ai
}

rule jailbreak_dan
{
    meta:
        technique = "jailbreak-text"
        severity = "high"
        confidence = "high"
        title = "Jailbreak persona (DAN, do anything now)"
    strings:
        $dan = /\bdo anything now\b/ nocase
        $dan_name = /\b(you are|you're|act as|become|pretend to be|stay|as) (now )?(a |an |the )?DAN\b/
        $dan_mode = /\bDAN (mode|prompt|persona|jailbreak)\b/
        $personas = /\b(AIM|STAN|DUDE|BetterDAN|Mongo Tom|EvilBOT|DevMode)\b[^.\n]{0,60}\b(unfiltered|amoral|no (ethical|moral)|without (any )?(ethic|moral|filter|restriction|rules))/
        $machiavelli = /\balways intelligent and machiavellian\b/ nocase
    condition:
        any of them and not jailbreak_defensive_context
}

rule jailbreak_mode_unlock
{
    meta:
        technique = "jailbreak-text"
        severity = "high"
        confidence = "high"
        title = "Text unlocks a mode that suspends the model's rules"
    strings:
        $devmode = /\bdeveloper mode\b[^\n]{0,100}\b(no (restrictions|rules|limits|filters|censorship)|uncensored|unfiltered|ignore[sd]? (all )?(content )?polic|any (kind of )?content|offensive|without (any )?(restriction|filter|censor|polic))/ nocase
        $devmode2 = /\b(you are|you're|you will|act|acting|simulate|simulating|pretend)\b[^.\n]{0,40}\b(with|in) developer mode (enabled|on|activated)\b/ nocase
        $jbmode = /\b(enable|enabled|activate|activated|enter|entering|switch to|now in|unlock|unlocked)\b[^.\n]{0,20}\b(jailbreak|jailbroken|god|unrestricted|uncensored|unfiltered|evil|chaos|opposite) mode\b/ nocase
        $jailbroken_ai = /\b(jailbroken|jailbreak(ed)?) (ai|assistant|model|llm|chatbot|version of (yourself|you))\b/ nocase
        $filters_off = /\b(safety|content|ethical|moral) (filters?|guardrails?|guidelines|restrictions|protocols|rules|constraints)\b[^.\n]{0,20}\b(are|have been|were|is|has been) (now )?(disabled|removed|turned off|lifted|suspended|deactivated|off)\b/ nocase
        $disable_filters = /\b(disable|remove|turn off|bypass|ignore|deactivate|suspend|drop)\b (all |any )?(of )?(your |the model's |its )(safety|content|ethical|moral) (filters?|guardrails?|guidelines|restrictions|protocols|policies|rules|constraints)\b/ nocase
    condition:
        any of them and not jailbreak_defensive_context
}

rule jailbreak_unbound
{
    meta:
        technique = "jailbreak-text"
        severity = "high"
        confidence = "high"
        title = "Text tells the model it is free of its rules"
    strings:
        $unbound = /\b(you are|you're|you have been|you've been|you are now)\b[^.\n]{0,20}\b(no longer|not) (bound|restricted|limited|constrained|governed) by\b/ nocase
        $freed = /\b(you are|you're|you have been|you've been) (now )?(freed|liberated|unchained|unleashed|released) (from|of)\b/ nocase
        $free_from = /\b(free|freed) (yourself )?from (all |any )?(of )?(your |the |openai'?s? |anthropic'?s? )?(restrictions|rules|guidelines|constraints|filters|policies|programming|training|shackles)\b/ nocase
        $no_rules = /\b(you|your responses?|you must|you will|you can)\b[^.\n]{0,40}\b(no|without (any )?)\s?(ethical|moral|safety|content) (guidelines|restrictions|constraints|limits|boundaries|filters|rules|policies)\b/ nocase
        $never_refuse = /\b(you|assistant|model)\b[^.\n]{0,20}\b(never|must not|cannot|can't|will not|won't) (refuse|decline|say no to) (any|a single|anything|any request)/ nocase
        $ignore_ethics = /\b(ignore|disregard|forget|abandon|override)\b (all |any )?(of )?(your )?(ethic\w*|moral\w*|safety|content polic\w*|usage polic\w*) ?(guidelines|rules|principles|training|policies|constraints|concerns)?\b/ nocase
    condition:
        any of them and not jailbreak_defensive_context
}

rule jailbreak_roleplay
{
    meta:
        technique = "jailbreak-text"
        severity = "medium"
        confidence = "medium"
        title = "Role-play that suspends the model's safety rules"
    strings:
        $pretend = /\b(pretend|imagine|act|behave|respond|roleplay|role-play)\b[^.\n]{0,30}\b(you are|you're|to be|as|like)\b (an? |the )?[^.\n]{0,40}\b(ai|assistant|model|chatbot|character|persona|entity)\b[^.\n]{0,30}\b(without|with no|that has no|free of|unbound by|not bound by)\b (any )?(restrictions|limits|limitations|filters|rules|ethics|morals|guidelines|censorship|content polic\w*)/ nocase
        $act_no_ethics = /\b(act|behave|respond|answer|roleplay|role-play)\b (as|like) [^.\n]{0,60}\b(with no|without|lacking|free of) (any )?(ethical|moral|safety) (guidelines|constraints|limits|boundaries|principles|restrictions|compass)\b/ nocase
        $fiction = /\b(fictional|hypothetical|imaginary|alternate) (world|scenario|universe|reality|story)\b[^.\n]{0,60}\b(no (rules|laws|restrictions|ethics|morals|filters)|anything is (allowed|permitted|legal)|ai (has|have) no (rules|restrictions))/ nocase
        $character = /\bstay in character\b[^.\n]{0,60}\b(no matter|whatever|even if|always)\b|\b(break|breaking) character\b[^.\n]{0,40}\b(never|must not|do not)\b/ nocase
        $evil = /\b(evil|unethical|amoral|unaligned|unfiltered|uncensored) (confidant|twin|assistant|ai|chatbot|version of (yourself|you)|alter ego)\b/ nocase
    condition:
        not jailbreak_defensive_context and ($act_no_ethics or $evil or (any of them and jailbreak_model_context))
}
