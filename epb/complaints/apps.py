from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "epb.complaints"
    label = "complaints"
    verbose_name = "12369环境信访"

    def ready(self) -> None:
        from epb.complaints.deadlines import on_clock
        from epb.core.clocks import register_handler

        # Case-specific reactions to the shared clock scan (overdue flags, 催办/督办 on the timeline).
        register_handler("complaint.", on_clock)
        _register_history_provider()


def _register_history_provider() -> None:
    """Complaint counts per quarter in the enterprise's three-year compliance history.

    The registry lives in ``epb.enterprises.history``; until that module exists the app works
    without it.
    """
    try:
        from epb.enterprises import history
    except ImportError:
        return
    register = getattr(history, "register_history_provider", None)
    if register is None:
        return
    from epb.complaints.analysis import enterprise_quarterly_counts

    register("complaints", "环境信访投诉", enterprise_quarterly_counts, order=60)
