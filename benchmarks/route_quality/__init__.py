"""Route-quality benchmarks: standard VRP sets against best-known solutions (issue 4).

Readers (:mod:`.instance`), distance conventions (:mod:`.conventions`), an
independent re-costing checker (:mod:`.recost`), the sets (:mod:`.sets`), the
runner (:mod:`.runner`), the Markdown report (:mod:`.report`), plots
(:mod:`.plots`) and a Montpellier food-hub instance generator
(:mod:`.generator`).  Command line: ``python -m benchmarks.route_quality SET``
or ``foodhub bench SET``.
"""
