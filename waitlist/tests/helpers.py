import re
from urllib.parse import parse_qs, urlsplit

LINK = re.compile(r"https?://\S+/register/\?token=\S+")


def invite_link(message) -> str:
    """The registration link in an invite mail."""
    match = LINK.search(message.body)
    assert match, f"no invite link in {message.body!r}"
    return match.group(0)


def invite_token(message) -> str:
    return parse_qs(urlsplit(invite_link(message)).query)["token"][0]
