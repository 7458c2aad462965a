"""Made-up data for development, demonstration and benchmarks; nothing here is imported by the product itself.

- ``places``, ``staff``: the demo's villages, programme names, users and programmes;
- ``registry``, ``groups``, ``mentoring``, ``loans``, ``pasuruan``: one module per domain's demo step, in the
  order ``build.build_demo`` runs them (``manage.py seed_demo``);
- ``clock``: the demo's calendar (every date relative to the day the demo is first built);
- ``scale``: the national-size generator (``manage.py generate_scale_data``, ``make bench``).
"""
