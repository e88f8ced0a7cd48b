"""The offline lesson agent (default agent `lesson`)."""

from tutor_core.agents.lesson.agent import LessonAgent, build_plan, write_scene
from tutor_core.agents.lesson.edits import edit_scene, split_clauses
from tutor_core.agents.lesson.mathtext import choose_ranges, find_expression, to_python
from tutor_core.agents.lesson.pacing import MAX_STILL, longest_still, pace, still_stretches
from tutor_core.agents.lesson.phrases import subject_of, topic_phrase
from tutor_core.agents.lesson.repair import complexity, repair_spec
from tutor_core.agents.lesson.text import parse_scene_count
from tutor_core.agents.lesson.topics import TOPICS, match_topic

__all__ = [
    "MAX_STILL",
    "TOPICS",
    "LessonAgent",
    "build_plan",
    "choose_ranges",
    "complexity",
    "edit_scene",
    "find_expression",
    "longest_still",
    "match_topic",
    "pace",
    "parse_scene_count",
    "repair_spec",
    "split_clauses",
    "still_stretches",
    "subject_of",
    "to_python",
    "topic_phrase",
    "write_scene",
]
