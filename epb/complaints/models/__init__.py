from .cases import Callback, CaseEvent, CaseLink, Complainant, Complaint, Reply, ReviewRequest
from .leaders import LeaderCase, ReceptionDay, Supervision, SupervisionAction
from .reference import (
    DailyReport,
    DeclineReason,
    ExternalAgency,
    PhoneVerification,
    PollutionType,
    ReplyTemplate,
    RoutingRule,
    SensitivePeriod,
)

__all__ = [
    "CaseEvent",
    "CaseLink",
    "Callback",
    "Complainant",
    "Complaint",
    "DailyReport",
    "DeclineReason",
    "ExternalAgency",
    "LeaderCase",
    "PhoneVerification",
    "PollutionType",
    "ReceptionDay",
    "ReplyTemplate",
    "RoutingRule",
    "SensitivePeriod",
    "Reply",
    "ReviewRequest",
    "Supervision",
    "SupervisionAction",
]
