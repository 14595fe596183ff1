"""Hostile page bodies: every one must render to HTML that cannot run script.

Built from tricks in the hostile-input literature, written for this project: each
dangerous URL form below is tried in each Markdown link form, then raw-HTML attacks
(which raw-HTML-off Markdown must show as text) are added.
"""

from __future__ import annotations

DANGEROUS_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\u200bscript:alert(1)",
    "java\u200cscript:alert(1)",
    "java\u200dscript:alert(1)",
    "\u202ejavascript:alert(1)",
    "\ufeffjavascript:alert(1)",
    "java\u00adscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "jav&#x09;ascript:alert(1)",
    "%6Aavascript:alert(1)",
    "javascript%3Aalert(1)",
    "javascript://%0aalert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html,alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "livescript:alert(1)",
    "file:///etc/passwd",
]

MARKDOWN_FORMS = [
    "[click]({})",
    "[click](<{}>)",
    "![picture]({})",
    '[click]({} "title")',
    "[click][ref]\n\n[ref]: {}",
    "<{}>",
    "[[{}]]",
]

RAW_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror='alert(1)'>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<button formaction=javascript:alert(1)>go</button>",
    "<base href=javascript:alert(1)//>",
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>hover</div>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<img src=`x`onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    "<x onclick=alert(1)>click</x>",
    "<template><script>alert(1)</script></template>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<table><tr><td onclick=alert(1)>cell</td></tr></table>",
    "<p style=background:url(javascript:alert(1))>x</p>",
    "<span style='behavior:url(x.htc)'>x</span>",
]

MARKDOWN_TRICKS = [
    "[x](javascript:alert(1) 'a\" onmouseover=\"alert(1)')",
    '[x](https://example.org "a" onmouseover="alert(1)")',
    '![x" onerror="alert(1)](/media/1)',
    '![x](/media/1 "a" onerror="alert(1)")',
    '[x](https://example.org/" onclick="alert(1))',
    "[[Page|<img src=x onerror=alert(1)>]]",
    "[[<script>alert(1)</script>]]",
    "[[javascript:alert(1)|click]]",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "- [ ] <img src=x onerror=alert(1)>\n- [x] [y](javascript:alert(1))",
    "Note[^1]\n\n[^1]: <script>alert(1)</script> [z](javascript:alert(1))",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "> <img src=x onerror=alert(1)>",
    "# <svg onload=alert(1)>",
    "**<img src=x onerror=alert(1)>**",
    "[x](//evil.example)",
    "![x](//evil.example/track.png)",
    "![x](https://evil.example/track.png)",
    "![x](/\\evil.example/track.png)",
    "[a](javascript:alert(1))[b](javascript:alert(2))",
    "\\<script>alert(1)\\</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[x](\\javascript:alert(1))",
]

PAYLOADS: list[str] = list(
    dict.fromkeys(
        [form.format(url) for url in DANGEROUS_URLS for form in MARKDOWN_FORMS]
        + RAW_HTML
        + MARKDOWN_TRICKS
    )
)
