"""Every claim rule, by id. Ids are never reused; a retired rule keeps its id here."""

from __future__ import annotations

from medcode.claims.rules.addon import AddOnWithoutPrimary
from medcode.claims.rules.base import Rule
from medcode.claims.rules.modifier_use import (
    DistinctModifierOnColumnOne,
    DistinctModifierWithoutEdit,
    PreferSpecificXModifier,
    TherapyModifierOnNonTherapyCode,
)
from medcode.claims.rules.mue import UnitsOverMue
from medcode.claims.rules.patient import (
    DiagnosisForOtherSex,
    MaternityDiagnosisMalePatient,
    MaternityDiagnosisOutsideAges,
    NewbornDiagnosisAfterNewbornPeriod,
)
from medcode.claims.rules.ptp import PtpPairNotBypassable, PtpPairWithoutModifier
from medcode.claims.rules.status import MedicareStatusNotPayable
from medcode.claims.rules.therapy import (
    KxBelowThreshold,
    KxModifierNeeded,
    TargetedReviewThreshold,
    TherapyModifierConflict,
    TherapyModifierMissing,
)
from medcode.claims.rules.timed import (
    EightMinuteRule,
    TimedCodeWithoutMinutes,
    TimedUnitsPerCode,
    UntimedCodeMultipleUnits,
)
from medcode.claims.rules.validity import (
    DiagnosisNotBillable,
    HcpcsNotInEffect,
    UnknownModifier,
    UnknownProcedureCode,
)

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        UnknownProcedureCode(),
        HcpcsNotInEffect(),
        DiagnosisNotBillable(),
        UnknownModifier(),
        MedicareStatusNotPayable(),
        PtpPairNotBypassable(),
        PtpPairWithoutModifier(),
        UnitsOverMue(),
        AddOnWithoutPrimary(),
        TherapyModifierMissing(),
        TherapyModifierConflict(),
        KxModifierNeeded(),
        TargetedReviewThreshold(),
        KxBelowThreshold(),
        EightMinuteRule(),
        TimedUnitsPerCode(),
        UntimedCodeMultipleUnits(),
        TimedCodeWithoutMinutes(),
        DistinctModifierWithoutEdit(),
        DistinctModifierOnColumnOne(),
        PreferSpecificXModifier(),
        TherapyModifierOnNonTherapyCode(),
        MaternityDiagnosisMalePatient(),
        MaternityDiagnosisOutsideAges(),
        NewbornDiagnosisAfterNewbornPeriod(),
        DiagnosisForOtherSex(),
    )
}
