"""Planning: turn a plain-English request into a valid spec.

``plan_offline`` is the rule-based planner used when no LLM is configured.
"""

from .offline import plan_offline
from .result import PlanResult, Question

__all__ = ["PlanResult", "Question", "plan_offline"]
