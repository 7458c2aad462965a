from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, Bootstrap icon, who sees it). Later modules add their entries here.
NAV_ITEMS = [
    ("home", _("Home"), "house", {"admin", "manager", "coordinator", "facilitator"}),
    ("beneficiaries:list", _("Beneficiaries"), "people", {"admin", "manager", "coordinator", "facilitator"}),
    ("groups:list", _("Groups"), "diagram-3", {"admin", "manager", "coordinator", "facilitator"}),
    ("mentoring:visit_list", _("Visits"), "journal-text", {"admin", "manager", "coordinator", "facilitator"}),
    ("mentoring:training_list", _("Trainings"), "easel", {"admin", "manager", "coordinator", "facilitator"}),
    ("mentoring:monitoring_index", _("Monitoring"), "graph-up", {"admin", "manager", "coordinator", "facilitator"}),
    ("loans:list", _("Loans"), "cash-coin", {"admin", "manager", "coordinator", "facilitator"}),
    ("dashboards:dashboard", _("Reports"), "bar-chart", {"admin", "manager", "coordinator"}),
    ("programmes:list", _("Programmes"), "briefcase", {"admin", "manager", "coordinator", "facilitator"}),
]


def navigation(request):
    """The menu for the logged-in user's role, with the current section marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = "admin" if user.is_admin else user.role
    items = []
    for url_name, label, icon, roles in NAV_ITEMS:
        if role not in roles:
            continue
        url = reverse(url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "icon": icon, "active": active})
    return {"nav_items": items}
