"""Acting on wiki pages through the real forms."""

from __future__ import annotations

from tests.conftest import csrf_token_from


def edit_form(client, child: str, page: str) -> tuple[str, dict]:
    """The edit page's HTML and its prefilled fields."""
    import re

    html = client.get(f"/c/{child}/wiki/{page}/edit").get_data(as_text=True)
    base = re.search(r'id="base_revision" name="base_revision" type="hidden" value="(\d+)"', html)
    return html, {"csrf_token": csrf_token_from(html), "base_revision": base.group(1)}


def save_page(client, child: str, page: str, body: str, *, title=None, summary="", base=None):
    """Open the editor, then post an edit (from `base`, or from what the editor offered)."""
    _, fields = edit_form(client, child, page)
    data = {
        "csrf_token": fields["csrf_token"],
        "title": title or page.replace("-", " ").capitalize(),
        "body": body,
        "summary": summary,
        "base_revision": str(base if base is not None else fields["base_revision"]),
        "save": "1",
    }
    return client.post(f"/c/{child}/wiki/{page}/edit", data=data)


def post_button(client, url: str, page_url: str, **extra):
    """Press a POST button (delete, restore, share) found on `page_url`."""
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **extra})
