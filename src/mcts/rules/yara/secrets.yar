/*
  secrets: live-looking credentials written into metadata. Everything a server lists is sent to every client
  and model that connects, so a key here is a key published.

  Each rule matches the provider's documented shape and length, and stays quiet on placeholders: runs of x,
  X, * or 0, "YOUR_...", "EXAMPLE", template variables ("${GITHUB_TOKEN}", "<token>", "{api_key}"), truncated
  samples ("sk-...", "ghp_..."), and the well-known documentation samples. A placeholder match at the same
  offset as a secret match cancels it.
*/

rule secret_cloud_key
{
    meta:
        technique = "secret-in-metadata"
        severity = "high"
        confidence = "high"
        title = "Cloud access key in metadata"
    strings:
        $aws = /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z2-7]{16}\b/
        $aws_fake = /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z2-7]{0,12}(EXAMPLE|XXXX|YOUR|SAMPLE|FAKE|DUMMY|TEST|ABCDEFGH|AAAAAA|2345)/
        $aws_secret = /\baws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9\/+]{40}\b/ nocase
        $google = /\bAIza[0-9A-Za-z_\-]{35}(\b|$)/
        $google_fake = /\bAIza[0-9A-Za-z_\-]{0,30}(XXXX|xxxx|EXAMPLE|example|YOUR|your|\.\.\.|0000)/
        $azure = /\bAccountKey=[A-Za-z0-9+\/]{80,}={0,2}/
    condition:
        for any i in (1..#aws): (not $aws_fake at @aws[i]) or
        for any i in (1..#google): (not $google_fake at @google[i]) or
        $aws_secret or $azure
}

rule secret_service_token
{
    meta:
        technique = "secret-in-metadata"
        severity = "high"
        confidence = "high"
        title = "API token in metadata"
        description = "A GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic, Hugging Face, npm, PyPI or SendGrid token."
    strings:
        $github = /\b(ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36}\b/
        $github_pat = /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b/
        $gitlab = /\bglpat-[0-9A-Za-z_\-]{20}\b/
        $slack = /\bxox[baprse]-[0-9]{6,}-[0-9A-Za-z\-]{8,}/
        $stripe = /\b(sk|rk)_live_[0-9A-Za-z]{20,}\b/
        $openai = /\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{32,}/
        $anthropic = /\bsk-ant-(api|admin)\d{2}-[A-Za-z0-9_\-]{80,}/
        $hf = /\bhf_[A-Za-z]{34}\b/
        $npm = /\bnpm_[A-Za-z0-9]{36}\b/
        $pypi = /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}/
        $sendgrid = /\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b/
        $telegram = /\b\d{8,10}:AA[0-9A-Za-z_\-]{33}\b/
        $fake = /\b(ghp|gho|ghs|ghu|ghr|github_pat|glpat|xox[baprse]|sk|rk|sk_live|sk-proj|hf|npm)[_\-][A-Za-z0-9_\-]{0,40}(xxxx|XXXX|\*\*\*\*|0000000|YOUR|your|EXAMPLE|example|REPLACE|replace|PLACEHOLDER|placeholder|abcdef|ABCDEF|123456|aaaaaa|AAAAAA|here)/
    condition:
        for any of ($github, $github_pat, $gitlab, $slack, $stripe, $openai, $anthropic, $hf, $npm) : (
            for any i in (1..#) : (not $fake at @[i])
        ) or $pypi or $sendgrid or $telegram
}

rule secret_private_key
{
    meta:
        technique = "secret-in-metadata"
        severity = "high"
        confidence = "high"
        title = "Private key in metadata"
    strings:
        $pem = /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----\s*(([A-Za-z-]+: [^\n]*)?\s*)*[A-Za-z0-9+\/=]{40,}/
    condition:
        $pem
}

rule secret_private_key_header
{
    meta:
        technique = "secret-in-metadata"
        severity = "low"
        confidence = "low"
        title = "Private key header in metadata"
    strings:
        $header = /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/
    condition:
        $header
}

rule secret_jwt
{
    meta:
        technique = "secret-in-metadata"
        severity = "high"
        confidence = "medium"
        title = "JSON Web Token in metadata"
    strings:
        $jwt = /\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,}/
        $sample = /\beyJ[A-Za-z0-9_\-]{10,}\.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIi/
    condition:
        for any i in (1..#jwt): (not $sample at @jwt[i])
}

rule secret_password_in_url
{
    meta:
        technique = "secret-in-metadata"
        severity = "high"
        confidence = "medium"
        title = "Password embedded in a URL"
    strings:
        $url = /\b[a-z][a-z0-9+.\-]{1,20}:\/\/[^\s:\/@'"<>{}$]{0,64}:[^\s:\/@'"<>]{3,128}@[A-Za-z0-9.\-\[]/ nocase
        $placeholder = /\b[a-z][a-z0-9+.\-]{1,20}:\/\/[^\s:\/@'"]{0,64}:(<[^>@]{0,40}>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{?[^}@]{0,40}\}\}?|\[[^\]@]{0,40}\]|%[sv]|\*+|x+|\.\.\.|(my|your|the|db|some|user|admin|app|example|dummy|fake|test|sample)?[_\-]?(pass(word)?|passwd|pwd|pw|secret|changeme|example|redacted|token|key|placeholder)[_\-A-Za-z0-9]{0,12})@/ nocase
        $local = /\b[a-z][a-z0-9+.\-]{1,20}:\/\/[^\s:\/@'"]{0,64}:[^\s:\/@'"<>]{3,128}@(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host|hostname|db|database|server|[\w.\-]*example\.(com|org|net)|your[\w.\-]*)([:\/\s'"]|$)/ nocase
        $default = /\b[a-z][a-z0-9+.\-]{1,20}:\/\/[^\s:\/@'"]{0,64}:(postgres|root|admin|guest|test|user|demo|mysql|password|secret)@/ nocase
    condition:
        for any i in (1..#url): (
            not $placeholder at @url[i] and
            not $local at @url[i] and
            not $default at @url[i]
        )
}
