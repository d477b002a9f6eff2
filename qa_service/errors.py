"""Domain errors of the core; each face maps them once (CLI: exit 1, HTTP: JSON detail, WeChat: polite text)."""


class QAError(Exception):
    """Base of every error the core raises on purpose."""

    status = 400


class ReportReadError(QAError):
    """A report file could not be read or does not look like an annual report."""

    status = 422


class IndexMissingError(QAError):
    """The index file is missing or holds no report."""

    status = 503


class QuestionError(QAError):
    """A question that cannot be asked at all (blank, too long)."""

    status = 422


class SettingsError(QAError):
    """A setting has a value the service cannot use."""

    status = 500
