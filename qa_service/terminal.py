"""Text from users (questions in the log, report ids, file names) made safe to print on a staff terminal."""
from __future__ import annotations

import re

# Whole escape sequences first (CSI such as \x1b[2J, OSC such as OSC-8 hyperlinks, two-byte escapes), so that no
# half of one is left to read; then any other control or direction-changing character.
_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"
                       r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean(text: str) -> str:
    """The text without terminal escape sequences and control characters (a line break becomes a space)."""
    text = _SEQUENCE.sub("", text)
    return _CONTROL.sub(lambda m: " " if m.group(0) in "\n\r\t" else "", text)
