from .attachments import Attachment
from .audit import AuditEntry
from .calendar import HolidayOverride
from .clocks import Clock
from .notifications import Notification, NotificationPreference
from .org import Department, OrgUnit
from .users import ApiToken, User

__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Clock",
    "Department",
    "HolidayOverride",
    "Notification",
    "NotificationPreference",
    "OrgUnit",
    "User",
]
