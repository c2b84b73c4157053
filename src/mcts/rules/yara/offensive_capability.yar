/*
  offensive_capability: a tool whose own name or description declares an attack capability.

  Built from general attacker vocabulary: MITRE ATT&CK tactic and technique names, well-known offensive
  tools, and offensive jargon used as identifier tokens. A server that hands an agent such a tool is
  dangerous to connect to (MEDIUM); where the text states malicious intent outright (steal, exfiltrate,
  attacker-controlled, ransomware, backdoor) it is HIGH.

  Security DEFENCE tools talk about the same attacks ("Detect brute-force attempts", "Protects against SQL
  injection", "List secret scanning alerts"): the private rule offensive_defensive_context recognises that
  framing and every description rule stays quiet when it holds. Enum values are labels, not statements
  ("malware", "lsass.exe" in a filter list), and are not judged by the description rules.

  Identifier tokens in names are split by "_", "-", "." or a case change: lowercase tokens are matched
  between non-letters, Capitalised ones also after a lowercase letter (camelCase), UPPER ones between
  non-letters.
*/

private rule offensive_defensive_context
{
    strings:
        $d1 = /\b(detect|detects|detecting|detector|detectors)\b/i
        $d2 = /\bdetection (of|for|rules?|engine|alerts?)\b/i
        $d3 = /\b(prevent|prevents|preventing|prevention)\b/i
        $d4 = /\bprotect(s|ing)? (\w+ ){0,2}(against|from)\b/i
        $d5 = /\bprotection (against|from|plans?|polic(y|ies)|settings)\b/i
        $d6 = /\b(ddos|threat|identity[- ]theft|fraud) protection\b/i
        $d7 = /\b(mitigate|mitigates|mitigating|defend|defends|defending|defensive|harden|hardens|hardening)\b/i
        $d8 = /\b(guard|guards|safe|resistant|resilient|immune) (\w+ ){0,2}(against|from)\b/i
        $d9 = /\b(alerts?|incidents?|advisor(y|ies)|indicators?|iocs?|signatures?|yara rules?) (\w+ ){0,2}(for|about|of|on|related to)\b/i
        $d10 = /\b(sanitiz|sanitis|quarantin|remediat)\w*/i
        $d11 = /\b(parameteri[sz]ed|escaped|validated|validates|rejects?|refuses?)\b/i
        $d12 = /\bcheck(s|ing)? (if|whether)\b/i
        $d13 = /\b(is|are|was|were|been|looks|appears|seems) (potentially |likely )?(malicious|compromised|pwned|breached|leaked|phishing)\b/i
        $d14 = /\bscan(s|ning)? (\w+ ){0,4}for (known |possible |potential )?(malware|viruses|malicious|vulnerabilit|threats|phishing|rootkits|backdoors|web ?shells|leaked|exposed)/i
        $d15 = /\b(report|reports|reporting|flag|flags|triage|triages|classify|classifies|investigate|investigates) (\w+ ){0,2}(phishing|spam|abuse|malicious|malware|suspicious)/i
        $d16 = /\b(threat (intel|intelligence|hunting)|reputation|verdict|security awareness|awareness training|malware analysis|forensic analysis|incident response|threat reports?)\b/i
        $d23 = /\b(your|our) own (services|hosts|assets|infrastructure|domains?|networks?|systems|servers|applications)\b/i
        $d17 = /\b(avoid|avoids|avoiding) (\w+ ){0,2}(injection|traversal|hijack\w*|leaks?|exposure|attacks?|abuse|tampering)\b/i
        $d18 = /\b(vulnerable|susceptible) to\b/i
        $d19 = /\bagainst (brute|phishing|injection|malware|ransomware|replay|timing|credential|password spray|attacks?)\b/i
        $d20 = /\b(decrypt|decrypts|decryptor|recover|recovers|recovery|restore|restores) (\w+ ){0,3}ransomware/i
        $d21 = /\bransomware[- ]encrypted\b/i
        $d24 = /\b(triage|triages|isolate|isolates|isolating|forensics?|containment|investigation|investigate|investigates)\b/i
        $d22 = /\b(redact|redacts|redacting|redaction|mask|masks|masking)\b/i
    condition:
        (any of them and field != "name" and field != "title") or field matches /\.enum\[\d+\]$/
}

rule offensive_name_jargon
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool name uses offensive-security jargon"
        description = "An identifier token of the name is attacker jargon (privesc, exfil, recon, sqli, c2, ...)."
    strings:
        // Tokens with no defensive reading: a name built on them is an attack tool whatever follows.
        $strong_lower = /(^|[^A-Za-z])(privesc|recon|cmdi|c2|pentest|revshell|bindshell|sploit|postexp|postexploit)([^a-z]|$)/
        $strong_camel = /(^|[^A-Z])(Privesc|PrivEsc|Recon|Cmdi|C2|Pentest|Revshell|RevShell|PostExp|PostExploit)([^a-z]|$)/
        $strong_upper = /(^|[^A-Za-z])(PRIVESC|RECON|CMDI|C2|PENTEST|REVSHELL)([^A-Za-z]|$)/
        // Tokens a defence tool may also carry ("detect_exfil", "phishing_report"): quiet next to a defensive token.
        $lower = /(^|[^A-Za-z])(exfil|exfiltrate|exfiltration|sqli|ssti|xxe|lfi|rfi|rce|keylog|keylogger|keylogging|mimikatz|kerberoast|kerberoasting|asreproast|dcsync|bruteforce|rootkit|backdoor|ransomware|webshell|portscan|portscanner|hashdump|secretsdump|lsass|timestomp|timestomping|osint|phish|phishing|stealer|shellcode|ddos|sniffer|bloodhound|sharphound|metasploit|meterpreter|msfvenom|hashcat|nmap|masscan|sqlmap|nikto|gobuster|dirbuster|feroxbuster|crackmapexec|netexec|impacket|rubeus|kerbrute|lazagne|aircrack|wardrive|deauth|mitm|jailbreak|cracker|hashcrack|crackhash)([^a-z]|$)/
        $camel = /(^|[^A-Z])(SQLi|DCSync|Exfil|Exfiltrate|Sqli|Keylog|Keylogger|Mimikatz|Kerberoast|Dcsync|DcSync|Bruteforce|BruteForce|Rootkit|Backdoor|Ransomware|Webshell|WebShell|ReverseShell|Portscan|PortScan|Hashdump|Lsass|Timestomp|Osint|Phish|Phishing|Stealer|Shellcode|Sniffer|Bloodhound|Metasploit|Hashcat|Nmap|Sqlmap|Jailbreak)([^a-z]|$)/
        $upper = /(^|[^A-Za-z])(EXFIL|SQLI|SSTI|XXE|LFI|RFI|RCE|KEYLOG|KEYLOGGER|MIMIKATZ|KERBEROAST|DCSYNC|BRUTEFORCE|ROOTKIT|BACKDOOR|RANSOMWARE|WEBSHELL|PORTSCAN|HASHDUMP|LSASS|TIMESTOMP|OSINT|PHISH|PHISHING|SHELLCODE|DDOS)([^A-Za-z]|$)/
        $verb_obj = /(dump|grab|steal|harvest|loot|sniff|crack|exfil|spray)[_\-.]?([a-z]+[_\-.]?){0,2}(creds?|credentials|passwords?|passwd|hash|hashes|cookies|lsass|ntds|keychain)([^a-z]|$)/i
        $defensive = /(detect|detection|detector|prevent|protect|protection|guard|block|blocker|alert|alerts|monitor|defend|defense|defence|mitigate|mitigation|classify|classifier|quarantine|sanitize|report)/i
    condition:
        (field == "name" or field == "title") and (
            $strong_lower or $strong_camel or $strong_upper or
            (($lower or $camel or $upper or $verb_obj) and not $defensive)
        )
}

rule offensive_malicious_intent
{
    meta:
        technique = "offensive-capability"
        severity = "high"
        confidence = "high"
        title = "Tool states malicious intent (theft, exfiltration, backdoor, ransomware)"
    strings:
        $exfil = /\bexfiltrat(e|es|ed|ing|ion|or)\b|\bexfil\b/i
        $steal = /\b(steal|steals|stealing|stole|stolen|theft)\b/i
        $attacker = /\battacker(s|'s|s')?[- ](controlled|owned|operated|server|servers|host|machine|endpoint|domain|url|infrastructure|listener)\b/i
        $to_attacker = /\b(to|towards|back to) (the |an |your )?(attacker|adversary|operator's server)\b/i
        $we_control = /\b(servers?|domains?|hosts?|buckets?|endpoints?|infrastructure|address|urls?|machines?|listeners?) (that )?(we|i|the operator|the attacker|the adversary) (control|own|operate|run)\b/i
        $silent_capture = /\b(silently|secretly|covertly|stealthily)\b[^.\n]{0,40}\b(webcam|camera|microphone|(record|records|recording|capture|captures|capturing) (the )?(audio|video|screen|screenshots|keystrokes|calls|conversations|frames))\b|\b(webcam|camera|microphone|(record|records|recording|capture|captures|capturing) (the )?(audio|video|screen|screenshots|keystrokes|calls|conversations|frames))\b[^.\n]{0,40}\b(silently|secretly|covertly|stealthily)\b/i
        $rogue_account = /\b(hidden|secret|rogue|backdoor|covert) (admin|administrator|root|superuser|privileged|local admin|domain admin|user) (accounts?|users?)\b/i
        $ransom_word = /\bransom\b/i
        $ransom = /\b(deploy|deploys|spread|spreads|build|builds|create|creates|encrypt|encrypts|encrypting|simulate|simulates|execute|executes|run|runs|launch|launches|drop|drops|install|installs|detonate|detonates)\b[^.\n]{0,40}\bransomware\b|\bransomware (payload|binary|strain|encryptor|attack)s?\b|\b(ransom note|ransom demand|for ransom)\b|\bencrypt(s|ing)?\b[^.\n]{0,100}\b(demand|demanding|demands) (a )?(payment|ransom|bitcoin|btc|monero)\b/i
        $backdoor = /\b(backdoor|backdoors|backdoored|backdooring|rootkit|rootkits)\b/i
        $keylog = /\b(keylogger|keyloggers|keylogging|keystroke logger|(capture|captures|capturing|record|records|recording|log|logs|logging) (all |every |each |the )?(user'?s? |victim'?s? )?keystrokes?|keystrokes (captured|recorded|logged))\b/i
        $covert_user = /\bwithout (the )?(user|users|victim|owner|target)('s|s')? (knowledge|consent|awareness|noticing|knowing)\b/i
        $make_malicious = /\b(create|creates|creating|generate|generates|craft|crafts|build|builds|inject|injects|injecting|upload|uploads|write|writes|deploy|deploys|embed|embeds|plant|plants|install|installs|add|adds|drop|drops|place|places|spawn|spawns|host|hosts|serve|serves|deliver|delivers|overwrite|overwrites|replace|replaces)\b[^.\n]{0,40}\bmalicious\b/i
    condition:
        any of them and not offensive_defensive_context
}

rule offensive_credential_access
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool offers credential theft or cracking"
    strings:
        $phrase = /\bcredentials?[- ](dump|dumping|dumper|harvest|harvesting|harvester|theft|stuffing|spray|spraying|grab|grabbing|grabber|sniff|sniffing|phishing|interception)\b/i
        $strong_verb = /\b(dump|dumps|dumping|harvest|harvests|harvesting|grab|grabs|grabbing|sniff|sniffs|sniffing|crack|cracks|cracking|brute[- ]?forc(e|es|ing))\b[^.\n]{0,40}\b(password|passwords|passphrases?|credentials?|hash|hashes|secrets|tokens|api keys|cookies|tickets|logins|private keys|keychain|keyring|kwallet|wallet|vault)\b/i
        $extract = /\b(extract|extracts|extracting|decrypt|decrypts|decrypting|collect|collects|collecting|capture|captures|capturing|intercept|intercepts|intercepting|recover|recovers|read|reads)\b[^.\n]{0,30}\b(saved|stored|cached|cleartext|plaintext|browser|wifi|wi-fi|rdp|vpn) ([\w-]+ )?(passwords?|credentials?|logins?|cookies|hashes)\b|\b(collect|collects|extract|extracts|dump|dumps|harvest|harvests|recover|recovers|steal|steals|grab|grabs|retrieve|retrieves)\b[^.\n]{0,20}\b(wifi|wi-fi|wireless|wpa2?) (keys|passwords|passphrases|psks?)\b/i
        $extract_from = /\b(extract|extracts|extracting|harvest|harvests|harvesting|grab|grabs|collect|collects|pull|pulls|scrape|scrapes)\b[^.\n]{0,20}\b(credentials?|passwords?|secrets|api keys|(api|access|auth|session|oauth|bearer|refresh) tokens|hashes)( \w+){0,2} from\b/i
        $from_memory = /\b(credentials?|passwords?|hashes|secrets|tickets)( \w+){0,2} from (\w+ ){0,2}(memory|lsass|registry|sam|keychain|clipboard|network traffic)\b/i
        $hashes = /\b(password|ntlm|lm|net-?ntlm(v2)?) hashes\b/i
        $ticket = /\b(golden|silver|diamond|sapphire)[-_ ]?(tickets?|saml)\b/i
        $passthe = /pass(-the-|_the_)(hash|ticket|cookie)\b|PassThe(Hash|Ticket)\b|\bpass the (hash|ticket) (attack|technique)\b|\bauthenticate (\w+ ){0,2}using (an? |the )?(ntlm )?hash\b/i
        $kerb = /(kerberoast|as-?rep[-_ ]?roast|dcsync|mimikatz|sekurlsa|lsass|ntds(\.dit)?\b|\bsam (hive|database)\b|secretsdump|hashdump|lazagne|pypykatz|\blsa secrets\b|\bdpapi\b|\bkrbtgt\b)/i
        $coerce = /\bcoerc(e|es|ed|ing|ion)\b[^.\n]{0,40}\bauthenticat\w*/i
        $typed = /\b(log|logs|logging|record|records|recording|capture|captures|capturing)\b[^.\n]{0,30}\bpasswords? (typed|entered)\b|\b(everything|all) (the user|users|they|the victim|the target) (types?|typed|enters?)\b/i
        $stuffing = /\b(leaked|breached|stolen|dumped) (credentials|passwords|logins)\b[^.\n]{0,30}\bagainst\b/i
        $misused = /\b(log ?in|logs in|login|access|authenticate|authenticates)\b[^.\n]{0,40}\b(harvested|stolen|leaked|breached|dumped|cracked) (credentials|passwords|hashes|tokens)\b/i
        $relay = /(ntlm[-_ ]?relay|relay[-_ ]?(captured |the )?ntlm|llmnr|nbt-?ns|responder[^.\n]{0,20}poison)/i
        $spray = /\b(password[-_ ]?spray(ing)?|credential[-_ ]stuffing|dictionary attack|rainbow tables?|hashcat|john the ripper|kerbrute|hydra[^.\n]{0,20}(brute|login|crack))\b/i
        $brute = /\bbrute[-_ ]?forc(e|es|ed|ing)\b[^.\n]{0,40}\b(auth\w*|logins?|logons?|passwords?|credentials?|ssh|rdp|smb|ftp|http|web|forms?|accounts?|users?|usernames|director(y|ies)|pins?|otp|2fa|mfa|kerberos|subdomains?|hashes|hash|keys?|secrets?|vnc|telnet|mysql|databases?|wps)\b/i
        $brute_rev = /\b(crack|guess|guesses|password|hash|login|directories|subdomains?)\b[^.\n]{0,30}\bbrute[-_ ]?forc/i
        $phish = /\bphishing (run|runs|operation|operations|page|pages|site|sites|kit|kits|link|links|campaign|campaigns|email|emails|lure|lures|template|templates|domain|domains|form)\b/i
        $phish_verb = /\b(create|creates|creating|clone|clones|cloning|host|hosts|build|builds|generate|generates|send|sends|launch|launches|craft|crafts|run|runs)\b[^.\n]{0,40}\bphishing\b/i
        $fake_login = /\b(fake|spoofed|look-?alike|cloned|counterfeit|imitation) (\w+ ){0,3}(login|log-?in|sign-?in|logon) (page|pages|portal|form|site|screen)\b/i
        $spoof = /\bspoof(ed|s|ing)? (the |an? )?(emails?|senders?|caller ids?|sms|text messages|domains?|login)\b|\b(ceo fraud|business email compromise|bec (attack|scam)s?)\b/i
        $social = /\bsocial[- ]engineering (campaign|attack|pretext|lure|operation)s?\b/i
        $wordlist = /\brockyou(\.txt)?\b|\bseclists\b/i
        $mitm = /\b(man|adversary|attacker)[-_ ]in[-_ ]the[-_ ]middle\b|\bmitm\b|\b(arp|dns|llmnr|mdns|cache)[-_ ](spoof|spoofing|poison|poisoning)\b/i
        $session = /\b(session|cookie|token|account)[-_ ]?(hijack\w*|theft|replay)\b/i
        $forge = /\bforg(e|es|ed|ing)\b[^.\n]{0,30}\b(tokens?|tickets?|cookies?|assertions?|signatures?|certificates?|jwts?)\b/i
        $jwt = /\bjwt\b[^.\n]{0,40}\b('none'|"none"|none algorithm|alg(orithm)? confusion|key confusion)/i
        $impersonate = /\bimpersonat\w*[^.\n]{0,20}\btokens?\b|\btoken impersonation\b/i
        $keychain = /\b(dump|dumps|dumping|extract|extracts|decrypt|decrypts)\b[^.\n]{0,30}\b(keychain|keyring|kwallet|credential manager|password manager|password vault)/i
        $hook = /\bhook(s|ing)?\b[^.\n]{0,40}\b(capture|intercept|steal|log)\w*\b[^.\n]{0,20}\b(credentials?|passwords?|keystrokes|input)\b/i
        $sensitive = /(^\s*|[.;:!?]\s*|\b(to|and|then)\s+)(read|reads|dump|dumps|collect|collects|harvest|harvests|extract|extracts|gather|gathers|grab|grabs|locate|locates)\b (all |any )?sensitive (files|data|documents|information)\b/i
        $crack = /\b(crack|cracks|cracking)\b[^.\n]{0,30}\b(keys?|jwts?|wpa2?|wep|wifi|wi-fi|zip|pdf|pins?)\b|\bfor (offline |later )?cracking\b/i
        $tickets = /\b(extract|extracts|extracting|dump|dumps|dumping|request|requests|requesting|harvest|harvests|roast|roasts|roasting)\b[^.\n]{0,20}\b(kerberos|service|tgs|tgt) tickets\b/i
        $extract_creds = /\b(extract|extracts|extracting|dump|dumps|dumping)\b[^.\n]{0,40}\b(credentials|passwords)\b/i
        $browser = /\b(extract|extracts|extracting|dump|dumps|dumping|harvest|harvests|steal|steals|grab|grabs|collect|collects|decrypt|decrypts)\b (the |all )?(saved |stored )?(browser|chrome|firefox|edge|safari)('s)? (passwords|cookies|credentials|autofill|session|history|login data)\b/i
        $takeover = /\baccount[-_ ]takeover\b|\bfor takeover\b|\b(take|takes|taking) over (the |an? |other )?(\w+ )?accounts?\b|\bshadow credentials\b/i
        $replay = /\b(replay|replays|replaying|relay|relays|relaying|reuse|reuses|reusing)\b[^.\n]{0,30}\b(ntlm|net-?ntlm|password|kerberos|captured) (hash|hashes|tickets?|credentials)\b|\bcaptured (ntlm |net-?ntlm |kerberos )?(hash|hashes|credentials|passwords|tickets|handshakes?|session cookies)\b/i
        $spray_words = /\bspray(s|ing)?\b[^.\n]{0,40}\b(passwords?|credentials?|accounts?)\b|\bpasswords? across (all|every|many|multiple|each) (\w+ )?accounts?\b/i
        $guess = /\bguess(es|ing)?\b[^.\n]{0,30}\b(passwords?|credentials|pins?|passphrases?)\b/i
        $wifi = /\b(probe requests|pmkid|wpa2? handshakes?|4-way handshakes?|evil[-_ ]twin|rogue (root )?(ca|certificate authority|certificate|access points?|ap|dhcp( servers?)?|dns( servers?)?|base stations?)|deauth(entication)? (attack|packets|frames)|wardriv\w*|evilginx|gophish)\b/i
    condition:
        any of them and not offensive_defensive_context
}

rule offensive_privilege_escalation
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool offers privilege escalation, exploitation or escape"
    strings:
        $privesc = /\bprivilege[s]?[-_ ]?(escalation|elevation)\b|\bescalat(e|es|ing) to (root|system|admin|administrator|domain admin|superuser)\b|\b(escalat|elevat)(e|es|ing) (\w+ ){0,2}privileges?\b/i
        $root = /\b(gain|gains|gaining|obtain|obtains|achieve|achieves|escalate to|for)( \w+){0,2} (root|system|admin|administrator|domain admin|superuser|kernel)[- ](access|privileges?|shell|rights)\b/i
        $exploit_verb = /(^\s*|[.;:!?(]\s*|\b(to|and|then|or|that|which|will|can|automatically|attempt to|attempts to|try to)\s+)(exploit|exploits|exploiting)\s[^.\n]{0,60}\b(vulnerab\w*|cve-\d+|flaws?|bugs?|misconfigur\w*|weak\w*|binar(y|ies)|services?|kernel|sudo|suid|setuid|capabilit\w*|permissions?|tokens?|delegation|injection|overflow|deserializ\w*|race condition|toctou|traversal|privilege\w*|root|targets?|hosts?|systems?|servers?|policy|writable|unquoted|dll|socket|group|algorithm|credentials|for|to gain)\b/i
        $exploit_named = /(^\s*|[.;:!?(]\s*|\bto\s+)(exploit|exploits)\s+[A-Z][A-Za-z0-9]+/
        $exploit_noun = /\b(run|runs|launch|launches|execute|executes|deliver|delivers|deploy|deploys|generate|generates|craft|crafts|weaponi[sz]e|weaponi[sz]es|fire|fires)( \w+){0,3} exploits?\b|\bvia (an? |the )?(\w+ )?exploit\b|\bfor (potential |further |later )?exploitation\b|\bexploitation (framework|kit)\b/i
        $rce = /\b(achieve|achieves|gain|gains|obtain|obtains|trigger|triggers|get|gets|perform|performs)( \w+){0,2} ((remote )?code execution|RCE)\b|\bRCE (exploit|payload|chain|via|on|against)\b|\b([Uu]nauthenticated|[Pp]re-?auth|[Uu]nauth) RCE\b/
        $escape = /\b(escape|escapes|escaping|break out of|breaks out of|breakout from)\b[^.\n]{0,30}\b(containers?|sandbox(es)?|chroot|jails?|vms?|virtual machines?|hypervisor|namespaces?|pods?|docker|guest)\b|\b(container|sandbox|chroot|jail|vm|docker|guest)[-_ ](escape|breakout)\b/i
        $bypass = /(^\s*|[.;:!?(]\s*|\b(to|and|then|or|for|can|will|that|which|attempt to|attempts to|try to)\s+)(bypass|bypasses|bypassing|circumvent|circumvents|circumventing|defeat|defeats|disable|disables|disabling)\b[^.\n]{0,40}\b(uac|amsi|etw|applocker|wdac|edr|xdr|antivirus|anti-virus|av|defender|smartscreen|selinux|apparmor|tcc|gatekeeper|sip|seccomp|authentication|authorization|auth|mfa|2fa|otp|captcha|login|security (controls?|checks?|hooks?|restrictions?|protections?|polic(y|ies)|features?|monitoring|software|agents?)|integrity|code signing|signature (checks?|verification|validation)|restrictions|upload (restrictions|filters?)|waf|web application firewall|sandbox|root[_ ]squash|dlp|access controls?|(spam|content|security|email|url) filters?|event tracing|audit logging|sysmon|endpoint protection|real-?time protection|tamper protection)\b/i
        $bypass_noun = /\b(uac|amsi|etw|applocker|edr|av|antivirus|selinux|apparmor|tcc|waf|authentication|auth|2fa|mfa|captcha|sandbox|sip)[-_ ]bypass\b/i
        $inject = /\b(inject|injects|injecting|injection of)\b[^.\n]{0,30}\b(dll|dlls|shellcode|library|malicious|payloads?)\b|\b(inject|injects|injecting)\b[^.\n]{0,40}\binto (a |the )?(running |remote |target |another |legitimate |other )?process(es)?\b/i
        $technique = /\b(dll|library|shellcode|process|thread|apc|module|com)[-_ ]?(injection|hollowing|stomping|hijack\w*|doppelg\w+|side-?loading|search[- ]order hijack\w*|proxying|planting)\b|\bld_preload\b|\batom ?bombing\b|\bearly bird\b|\bdirect syscalls?\b|\breflective (dll|load\w*)\b|\bheaven'?s gate\b|\bprocess doppelg\w+/i
        $low_priv = /\bfrom (a |an )?(low|lower|un)[- ]?privileged? (user|shell|account|context|process)\b/i
        $via_bug = /\b(execute|executes|run|runs|gain|gains|get|gets|obtain|obtains|escalate|escalates|read|reads|write|writes)\b[^.\n]{0,50}\b(through|via|using|by exploiting) (the |a |an )?([\w-]+ ){0,2}(bug|vulnerability|flaw|weakness|0-?day|zero-day)\b/i
        $hijack = /\bhijack(s|ed|ing)?\b/i
        $se_privilege = /\b(abuse|abuses|abusing|exploit|exploits|exploiting|enable|enables)\b[^.\n]{0,20}\bSe[A-Z][A-Za-z]+Privilege\b/
        $abuse = /(^\s*|[.;:!?]\s*|\b(to|by)\s+)(abuse|abuses|abusing)\s[^.\n]{0,40}\b(privilege\w*|permissions?|delegation|polic(y|ies)|acls?|tokens?|trusts?|misconfigur\w*|groups?|gpos?|services?|rights|capabilit\w*|flaws?|bugs?|vulnerabilit\w*)\b/i
        $jailbreak = /\b(jailbreak|jailbreaks|jailbreaking|root|roots|rooting)\b (an? |the )?(ios|iphone|ipad|android|device|phone|handset)\b/i
        $lateral = /\blateral[-_ ]movement\b|\bmove(s)? laterally\b|\bpivot(s|ing)? (through|via|from|into)\b|\b(through|via|from|using|on) (the |a )?compromised (host|machine|system|server|box|endpoint|account|smtp)s?\b|\b(psexec|wmiexec|smbexec|dcomexec|atexec|crackmapexec|netexec|evil-winrm)\b/i
        $remote_exec = /\b(commands?|code|payloads?) (\w+ ){0,3}(via|using|through|over) (wmi|dcom)\b/i
        $target_exec = /\b(execute|executes|run|runs)\b[^.\n]{0,40}\bon (the |a )?(target|victim|compromised|remote windows) (system|host|machine|server|computer)s?\b/i
        $persist = /\b(establish|establishes|maintain|maintains|gain|gains|achieve|achieves)( \w+){0,2} persistence\b|\bpersistence (on|in) (the |a )?(target|victim|compromised)\b|\bfor persistence\b[^.\n]{0,40}\b(run keys?|autoruns?|startup|launch ?agents?|launch ?daemons?|cron|scheduled tasks?|wmi|hijack\w*|registry)\b|\b(run keys?|autoruns?|startup folder|launch ?agents?|launch ?daemons?|cron ?jobs?|scheduled tasks?|wmi (event )?subscriptions?|payload|implant)\b[^.\n]{0,60}\bfor persistence\b/i
        $foothold = /\bfoothold\b|\b(keep|keeps|keeping|regain|regains|retain|retains)( \w+){0,2} access (after|across|through) (reboots?|restarts?)\b|\b(add|adds|adding|create|creates|write|writes|set|sets)\b[^.\n]{0,20}\b(run|runonce) (registry )?keys?\b/i
        $tools = /\b(metasploit|msfconsole|msfvenom|meterpreter|cobalt strike|powersploit|powerup|winpeas|linpeas|juicy ?potato|rotten ?potato|printspoofer|god ?potato|certipy|sharpup|seatbelt)\b/i
        $named_vuln = /\b(zerologon|printnightmare|petitpotam|eternalblue|dirty ?cow|dirty ?pipe|pwnkit|certifried|log4shell|shellshock|heartbleed)\b/i
    condition:
        any of them and not offensive_defensive_context
}

rule offensive_execution_injection
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool offers injection attacks, shells or malware"
    strings:
        $injection = /\b(sql|ldap|xpath|nosql|os|shell|command|code|template|server[- ]side template|ssti|xxe|xml external entity|crlf|header|host header|expression language|ognl|spel|argument|environment|html|script|jndi|ssi|smtp|email header|graphql|xslt|php object|object|formula|csv|dll|apc|process)[-_ ]injection\b/i
        $deser = /\bdeserializ\w*[-_ ](attack|exploit|payload|gadget)s?\b|\bgadget[-_ ]chains?\b|\b(pickle|unserialize|yaml)\b[^.\n]{0,30}\b(attack|exploit|injection|payload)/i
        $shell = /\b(reverse|bind)[-_ ]?shells?\b|\bweb[-_ ]?shells?\b/i
        $c2 = /\bcommand[-_ ](and|&)[-_ ]control\b|\bc2 (server|servers|channel|channels|beacon|beacons|infrastructure|implant|agent|framework|listener)\b|\bbeacon(s|ing)? (back )?to\b|\b(dns|http|https|smb) beacons?\b|\bbeacon(s|ing)?\b[^.\n]{0,40}\b(tasks|taskings|controller|operator)\b|\b(implant|implants|stager|stagers)\b/i
        $connect_back = /\b(connection|connects|connecting|calls?|calling|phones?) (back|home) to (the |an? |our |your )?(operator|attacker|listener|handler|c2|controller|command server)\b|\bcalls? home\b[^.\n]{0,40}\b(command|c2|operator|server)\b/i
        $malware = /\b(create|creates|build|builds|generate|generates|deploy|deploys|spread|spreads|propagate|propagates|install|installs|drop|drops|deliver|delivers|develop|write|compile|pack|packs|distribute|distributes|plant|plants)\b[^.\n]{0,30}\b(malware|spyware|stalkerware|infostealers?|botnet|cryptominers?|trojans?|computer virus|ransomware|worms?)\b/i
        $trojan = /\btrojani[sz]ed\b|\breplace(s|ing)? (the )?(legitimate|genuine|original|real|trusted) ([\w-]+ )?(binary|executable|dll|library|updater|installer|package)\b/i
        $obfus = /\bobfuscat\w* (payload|shellcode|malware|implant|dropper|stager|loader)s?\b|\b(antivirus|anti-virus|av|edr|defender|security (tools|products))( engines?)?\b[^.\n]{0,30}\b(do not|don't|cannot|can't|won't|will not|fail to|never) (flag|detect|catch|notice)\b/i
        $macro = /\b(malicious|weaponi[sz]ed) (macro|document|pdf|attachment|link|extension|package|library|dll|payload)s?\b/i
        $powershell = /\bencoded powershell\b|\bpowershell\b[^.\n]{0,30}(-enc\b|-encodedcommand|obfuscat\w*|download ?cradle|\biex\b)/i
        $arbitrary_target = /\barbitrary (\w+ ){0,2}(commands?|code)\b[^.\n]{0,30}\bon (the |a )?(target|victim|remote|compromised)\b/i
    condition:
        any of them and not offensive_defensive_context
}

rule offensive_recon
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool performs reconnaissance of other hosts or people"
    strings:
        $portscan = /\bport[-_ ]?scan(s|ner|ners|ning)?\b|\bscan(s|ning)?\b[^.\n]{0,40}\bopen ports\b|\bopen ports (on|of) (the |a )?(target|remote|host)/i
        $open_services = /\b(discover|discovers|find|finds|scan|scans|search|searches|locate|locates)\b[^.\n]{0,40}\bopen (rdp|ssh|smb|telnet|vnc|ftp|databases?|ports)\b/i
        $scantype = /\b(syn|tcp connect|udp|stealth|xmas|arp|ping) (scan|scans|scanning|sweep)\b|\bping[-_ ]sweep\b|\bnetwork sweep\b|\bhost discovery\b|\bdiscover(s|ing)? (\w+ ){0,2}(live|active|alive|online) hosts\b|\b(sweep|sweeps|sweeping|scan|scans|scanning|probe|probes|probing)\b[^.\n]{0,40}\b(live|alive|active|responsive) hosts\b/i
        $fingerprint = /\bfingerprint(s|ing)?\b[^.\n]{0,30}\b(target|operating system|the os|services|web technolog\w*|cms|waf|versions)\b|\b(os|service|banner|web technology|cms) fingerprint(s|ing)?\b/i
        $banner = /\bbanner[-_ ]?grab\w*|\bgrab(s|bing)? (\w+ ){0,2}banners?\b/i
        $enum = /\benumerat(e|es|ing|ion)\b[^.\n]{0,40}\b(buckets?|blob storage|resources for (the |a )?(target |given )?domain|api servers?|shares|smb|ldap|snmp|rpc|nfs|netbios|subdomains?|dns records|virtual hosts|vhosts|valid (users|usernames|accounts|emails)|usernames|domain (users|admins|controllers|computers|groups|trusts)|active directory|s3 buckets?|buckets? permissions)\b/i
        $enum_noun = /\b(user|username|account|subdomain|dns|smb|ldap|snmp|bucket|share|vhost|directory)[-_ ]enumeration\b/i
        $scan_proto = /\bscan\w*\b[^.\n]{0,20}\b(netbios|smb shares|snmp communities)\b|\b(services|versions|banners)\b[^.\n]{0,30}\bon open ports\b/i
        $sensitive_search = /\b(search|searches|hunt|hunts|look|looks|crawl|crawls)\b (\w+ ){0,3}for (exposed |leaked )?(sensitive|confidential) (information|data|files|documents)\b/i
        $map_hosts = /\b(map|maps|mapping|find|finds|finding)\b[^.\n]{0,30}\b(reachable|live|alive) hosts?\b/i
        $os_detect = /\b(identify|identifies|identifying|determine|determines|guess|guesses)\b (the )?(operating system|os|service versions?)\b[^.\n]{0,40}\b(remote|target) (host|system|machine|server)s?\b/i
        $belonging = /\bbelonging to (a |an |the )?(company|target|victim|named person)\b|\bpublicly (writable|writeable)\b/i
        $dox = /\bdox(x)?(ing|es|ed)?\b|\bpersonal (details|information|data) (about|on|of) (a |an |the )?(named |specific |given |private |target(ed)? )?(person|individual|people)\b/i
        $subnet = /\b(across|throughout) (the |a |an |every )?(entire |whole |local |internal )?(subnet|ip range|network range|internal network|\/\d{1,2})\b/i
        $target_org = /\btarget (company|organi[sz]ation)'?s? (employees|staff|infrastructure|network|attack surface|people)\b/i
        $zone = /\b(attempt|attempts|perform|performs|try|tries)( \w+){0,2} zone transfers?\b|\baxfr\b/i
        $dork = /\b(google|github|shodan) dork(s|ing)?\b|\bdork(s|ing)\b/i
        $osint = /\b(gather|gathers|gathering|collect|collects|collecting|perform|performs|run|runs|conduct|conducts|harvest|harvests)\b[^.\n]{0,20}\bosint\b|\bosint (on|about|against|gathering|collection|reconnaissance|recon)\b/i
        $harvest = /\bharvest(s|ing)? (\w+ ){0,2}(email addresses|emails|usernames|contacts|profiles|phone numbers|personal (data|information))\b/i
        $exposed = /\b(shodan|censys|zoomeye|fofa)\b[^.\n]{0,40}\b(exposed|vulnerable|open)\b|\b(exposed|vulnerable)\b[^.\n]{0,40}\b(shodan|censys|zoomeye|fofa)\b/i
        $tools = /\b(nmap|masscan|zmap|nikto|gobuster|dirbuster|dirb|feroxbuster|ffuf|wfuzz|sqlmap|wpscan|enum4linux|smbmap|ldapdomaindump|bloodhound|sharphound|recon-ng|theharvester|amass|sublist3r|subfinder)\b/i
        $sniff = /\bsniff(s|ing|er)?\b[^.\n]{0,40}\b(passwords?|credentials?|cleartext|hashes|tokens|cookies|traffic|packets)\b/i
        $spy = /\bspy(ing)? on\b|\bsurveil\w* (on |of )?(the )?(users?|victims?|targets?|employees?|people|person)\b/i
    condition:
        any of them and not offensive_defensive_context
}

rule offensive_evasion_impact
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool offers defence evasion, covert channels or destruction"
    strings:
        $timestomp = /\btimestomp\w*|\btimestamps?\b[^.\n]{0,20}\bto (hide|conceal|evade|cover|mask|avoid)\b/i
        $hide_activity = /\bto (hide|conceal|cover up|cover|mask|erase) (\w+ ){0,2}(activity|activities|tracks|traces|evidence|presence|intrusion|compromise|footprints?)\b|\b(cover|hide|erase|remove|clear) (your |their |its |the )?(tracks|traces|footprints)\b/i
        $hide_data = /\b(hide|hides|hiding|conceal|conceals|concealing|smuggle|smuggles|smuggling)\b (secret |sensitive |stolen |exfiltrated |the )?(data|payloads?|files?|messages?|information) (in|within|inside) (\w+ ){0,3}(packets?|timestamps?|images?|pixels|audio|frequencies|dns|icmp|ntp|headers?|metadata|streams?|attributes|commits?|slack space)\b/i
        $smuggle_out = /\b(smuggle|smuggles|smuggling|sneak|sneaks|sneaking|slip|slips|slipping|siphon|siphons|siphoning)\b[^.\n]{0,30}\b(data|files|information|documents|secrets|credentials)\b[^.\n]{0,10}\bout\b/i
        $stego = /\bsteganograph\w*|\bcovert(ly)?\b|\bdns[-_ ]tunnel\w*|\bicmp[-_ ]tunnel\w*|\btunnel(s|ing)? (\w+ ){0,2}data (over|through|via) (dns|icmp)\b/i
        $logs = /\btamper(s|ing)? with (\w+ ){0,2}logs?\b|\b(clear|clears|clearing|wipe|wipes|wiping|erase|erases|erasing) (\w+ ){0,3}(event|security|audit) logs?\b|\bleaves? no (trace|traces|evidence)\b|\b(clear|clears|delete|deletes|wipe|wipes|erase|erases)\b[^.\n]{0,20}\b(bash|shell|command|powershell) (history|transcripts?)\b[^.\n]{0,20}\b(and|to hide|to cover)\b[^.\n]{0,20}\b(logs?|tracks|traces|activity)\b|\blogs?\b[^.\n]{0,20}\bto (hide|cover|conceal)\b/i
        $disable_av = /\b(disable|disables|disabling|turn off|turns off|turning off|switch off|switches off|stop|stops|stopping|kill|kills|killing|blind|blinds|blinding|unhook|unhooks|unhooking|evade|evades|evading|patch|patches|patching)\b[^.\n]{0,30}\b(antivirus|anti-virus|antimalware|anti-malware|edr|xdr|windows defender|defender (antivirus|av|real-?time)|sysmon|amsi|etw|event tracing|endpoint (protection|security|detection)|security (monitoring|agents?|software|products?|tools?)|real-?time protection|tamper protection|(windows )?event logging|audit logging)\b/i
        $evade = /\b(evade|evades|evading|evasion of)\b[^.\n]{0,30}\b(detection|antivirus|av|edr|dlp|security|forensic|analysis|sandbox(es)?|logging|monitoring|defen[cs]es?|hooks)\b|\b(avoid|avoids|avoiding) (\w+ ){0,2}(detection|antivirus|edr|dlp|forensic analysis)\b|\bunhook(s|ing)?\b|\bundetect(ed|able)\b|\b(defen[cs]e|detection|av|edr|sandbox) evasion\b|\banti-?forensic\w*/i
        $shadow = /\b(delete|deletes|deleting|remove|removes|wipe|wipes|purge|purges)\b[^.\n]{0,30}\b((volume )?shadow cop(y|ies)|restore points|system restore)\b|\bvssadmin\b[^.\n]{0,20}\bdelete\b|\binhibit(s|ing)? (system )?recovery\b/i
        $bomb = /\b(fork|zip|decompression|logic|billion laughs) bombs?\b/i
        $exhaust = /(^\s*|[.;:!?]\s*|\bto\s+)(exhaust|exhausts)\b (\w+ ){0,2}(disk|memory|cpu|inodes|quota|resources|process table|file descriptors|connection pool|bandwidth)\b/i
        $dos = /\b(launch|launches|perform|performs|conduct|conducts|start|starts|run|runs|cause|causes)\b[^.\n]{0,30}\b(ddos|denial[-_ ]of[-_ ]service)\b|\b(syn|udp|http|icmp|ping|slowloris) flood(s|ing)?\b|\bflood(s|ing)? (the )?(target|network|server|host|victim)\b/i
        $wipe = /\b(wipe|wipes|wiping|shred|shreds|shredding|brick|bricks|bricking)\b[^.\n]{0,30}\b(mbr|master boot record|boot (sector|record|loader)|partition tables?|disks?|drives?|free space|firmware|backups)\b|\bdestroy(s|ing)? (\w+ ){0,2}(evidence|backups|deleted files)\b|(^\s*|[.;:!?]\s*|\bto\s+)(corrupt|corrupts)\b/i
        $overwrite = /\boverwrit(e|es|ing)\b[^.\n]{0,30}\b(legitimate|system|trusted) (binar(y|ies)|executables?|files|libraries|dlls?)\b/i
        $intercept = /\bfor interception\b|\bto intercept (\w+ ){0,2}(file access|communications|credentials|keystrokes|system calls|syscalls)\b/i
        $disguise = /\b(disguised|disguises|disguising|masquerading|masquerades) as\b|\b(look|looks|appear|appears) (like|as) (legitimate|system|normal|benign|trusted) (files?|processes|traffic|binaries|software|programs)\b/i
        $mbr = /\b(overwrite|overwrites|overwriting|corrupt|corrupts|corrupting|erase|erases|erasing)\b[^.\n]{0,30}\b(mbr|master boot record|boot (sector|record|loader)|partition tables?|firmware)\b/i
        $offline = /\bknock(s|ing)? (\w+ ){0,2}offline\b|\btake(s)? (the |a )?(target|victim|site|server|service)s? (down|offline)\b|\bflood of\b[^.\n]{0,30}\b(packets|requests|traffic)\b/i
        $proc = /\/proc\/[^\s\/]{0,12}\/(mem|environ)\b|\b(environment|environ|memory)( \w+){0,2} (from|via|of) \/proc\b/i
        $hide_proc = /\bhid(e|es|ing)\b[^.\n]{0,30}\bprocess(es)?\b[^.\n]{0,30}\bfrom\b|\bhid(e|es|ing) (our|its|the attacker's) (own )?(files|processes|presence|network connections)\b/i
        $deface = /\bdefac(e|es|ed|ing|ement)\b/i
        $anon_upload = /\banonymous (file[- ]?sharing|paste|upload|file hosting)\b/i
    condition:
        any of them and not offensive_defensive_context
}

rule offensive_attack_language
{
    meta:
        technique = "offensive-capability"
        severity = "medium"
        confidence = "medium"
        title = "Tool describes attacking a target or victim"
    strings:
        $attack_verb = /\b(perform|performs|performing|launch|launches|launching|execute|executes|executing|run|runs|conduct|conducts|mount|mounts|carry out|carries out|initiate|initiates|simulate|simulates|attempt|attempts)\b( an?| the)?( [\w'\/.-]+){0,4} attacks?\b/i
        $attack_obj = /(^\s*|[.;:!?]\s*|\bto\s+)attack(s|ing)?\b( and \w+)?( \w+){0,3} (accounts?|hosts?|targets?|users?|systems?|services?|passwords?|vaults?|networks?|servers?|applications?|endpoints?|devices?)\b/i
        $attack_kind = /\b(injection|deserialization|confusion|race condition|relay|replay|downgrade|dictionary|brute[- ]?force|spray(ing)?|symlink|timing|side[- ]channel|poisoning|spoofing|hijacking|phishing|mitm|man-in-the-middle|fault injection|rowhammer|cold boot|evil maid|supply[- ]chain|watering hole|zero[- ]click|deauth(entication)?|pre-?auth\w*|kerberos|ntlm|smb|credential|password) attacks?\b/i
        $victim = /\bvictim('s|s|s')?\b/i
    condition:
        any of them and not offensive_defensive_context
}
