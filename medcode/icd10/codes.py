"""ICD-10 codes as people write them and as CMS stores them.

CMS's files carry codes without the dot (``E1165``); the book and claims forms print
``E11.65``. Both directions are needed: display, and turning what a user typed into a key.
Kept free of Django so the CLI and the API can use it before apps are loaded.
"""

from __future__ import annotations


def format_icd10cm(code: str) -> str:
    """``E1165`` -> ``E11.65``; categories (3 characters) and dotted codes stay as they are."""
    code = code.strip()
    if len(code) <= 3 or "." in code:
        return code
    return f"{code[:3]}.{code[3:]}"


def normalize_icd10(code: str) -> str:
    """What a user typed (``e11.65 ``) -> the stored key (``E1165``). Works for CM and PCS."""
    return code.strip().replace(".", "").upper()
