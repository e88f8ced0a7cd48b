"""tutor: turn a prompt into a narrated explainer video made of scenes."""

from tutor_core.errors import (
    ConflictError,
    EditNotUnderstood,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PolicyViolation,
    RenderFailed,
    TutorError,
    UnknownPluginError,
)
from tutor_core.hookspecs import hookimpl
from tutor_core.models import (
    CodeSource,
    LessonPlan,
    Narration,
    PlannedScene,
    Project,
    RenderRequest,
    RenderResult,
    Scene,
    SceneEdit,
    SceneStatus,
    SessionStatus,
    SpecSource,
    User,
    VideoSession,
)
from tutor_core.settings import Settings
from tutor_core.spec import SceneSpec
from tutor_core.tutor import SessionView, Tutor

__all__ = [
    "CodeSource",
    "ConflictError",
    "EditNotUnderstood",
    "InvalidInput",
    "InvalidTransition",
    "LessonPlan",
    "Narration",
    "NotFound",
    "PlannedScene",
    "PolicyViolation",
    "Project",
    "RenderFailed",
    "RenderRequest",
    "RenderResult",
    "Scene",
    "SceneEdit",
    "SceneSpec",
    "SceneStatus",
    "SessionStatus",
    "SessionView",
    "Settings",
    "SpecSource",
    "Tutor",
    "TutorError",
    "UnknownPluginError",
    "User",
    "VideoSession",
    "hookimpl",
]
