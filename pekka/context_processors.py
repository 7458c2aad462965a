from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, Bootstrap icon, who sees it); a list of (url name, label, icon[, who sees it]) in place of the
# url name makes a drop-down menu.
NAV_ITEMS = [
    ("home", _("Home"), "house", {"admin", "manager", "coordinator", "facilitator"}),
    ("beneficiaries:list", _("Beneficiaries"), "people", {"admin", "manager", "coordinator", "facilitator"}),
    ("groups:list", _("Groups"), "diagram-3", {"admin", "manager", "coordinator", "facilitator"}),
    (
        [  # one menu: the facilitators' daily work
            ("mentoring:visit_list", _("Visits"), "journal-text"),
            ("mentoring:followup_list", _("Follow-ups"), "list-check"),
            ("mentoring:training_list", _("Trainings"), "easel"),
            ("mentoring:monitoring_index", _("Monitoring"), "graph-up"),
            # What landed from the field after the world moved (issue 17): the coordinators' review list.
            (
                "mentoring:review_list",
                _("Field entries to review"),
                "clipboard-check",
                {"admin", "manager", "coordinator"},
            ),
        ],
        _("Mentoring"),
        "journal-text",
        {"admin", "manager", "coordinator", "facilitator"},
    ),
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
    for target, label, icon, roles in NAV_ITEMS:
        if role not in roles:
            continue
        if isinstance(target, list):
            children = [_entry(request, *child[:3]) for child in target if len(child) < 4 or role in child[3]]
            items.append(
                {"label": label, "icon": icon, "children": children, "active": any(c["active"] for c in children)}
            )
        else:
            items.append(_entry(request, target, label, icon))
    return {"nav_items": items}


def _entry(request, url_name, label, icon) -> dict:
    url = reverse(url_name)
    active = request.path == url if url == "/" else request.path.startswith(url)
    return {"url": url, "label": label, "icon": icon, "active": active}
