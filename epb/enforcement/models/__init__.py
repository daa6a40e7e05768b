"""Grid enforcement records: plans and tasks, on-site records and findings, cases and measures,
rectification, campaigns, and the S7/S8 registers (representatives, facility grades, risk)."""

from .campaigns import Campaign, CampaignTarget
from .cases import Case, Measure
from .inspections import Evidence, Finding, Inspection
from .plans import InspectionPlan, InspectionTask
from .rectification import Rectification, RectificationSubmission
from .supervision import (
    BehaviourRating,
    Drill,
    EmergencySupply,
    FacilityGrade,
    Representative,
    RepresentativeVisit,
    RiskPlan,
)

__all__ = [
    "BehaviourRating",
    "Campaign",
    "CampaignTarget",
    "Case",
    "Drill",
    "EmergencySupply",
    "Evidence",
    "FacilityGrade",
    "Finding",
    "Inspection",
    "InspectionPlan",
    "InspectionTask",
    "Measure",
    "Rectification",
    "RectificationSubmission",
    "Representative",
    "RepresentativeVisit",
    "RiskPlan",
]
