"""The code systems medcode answers for, and how CPT and HCPCS Level II codes are written.

One home for what the look-up, search, the CLI's choices and the search index all need to
agree on; it sits at the bottom of the layers (beside the releases) so any app may read it.
"""

from __future__ import annotations

import re

#: Every code system, in the order a code that could be several is tried.
SYSTEMS = ("HCPCS", "CPT", "ICD-10-CM", "ICD-10-PCS", "MODIFIER")

#: A CPT code: four digits and a digit or letter (99213, 0001A, 0075T, 1010F, 0001U).
CPT_CODE = re.compile(r"^\d{4}[0-9A-Z]$")
#: A HCPCS Level II code: a letter A-V and four digits (G0283, J3490).
HCPCS_CODE = re.compile(r"^[A-V]\d{4}$")
