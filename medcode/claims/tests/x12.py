"""A minimal 837P interchange for tests: one claim, the lines given, counts that add up."""

from __future__ import annotations

from collections.abc import Sequence

ISA = (
    "ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260505*1200*^*00501"
    "*000000001*0*T*:~"
)


def interchange(
    services: Sequence[str], claim_id: str = "c1", day: str = "20260504", filing: str = "MB"
) -> str:
    """``services`` are SV1 segments without the terminator (``SV1*HC:97110:GP*50*UN*1``)."""
    body = [
        "ST*837*0001*005010X222A1",
        "BHT*0019*00*BATCH0001*20260505*1200*CH",
        "HL*1**20*1",
        "HL*2*1*22*0",
        f"SBR*P*18*******{filing}",
        f"CLM*{claim_id}*150***11:B:1*Y*A*Y*Y",
        "HI*ABK:M1711",
    ]
    for number, service in enumerate(services, start=1):
        body += [f"LX*{number}", service, f"DTP*472*D8*{day}"]
    body.append(f"SE*{len(body) + 1}*0001")
    segments = [
        ISA.rstrip("~"),
        "GS*HC*SUBMITTER01*RECEIVER01*20260505*1200*1*X*005010X222A1",
        *body,
        "GE*1*1",
        "IEA*1*000000001",
    ]
    return "~\n".join(segments) + "~\n"
