"""Form helpers every app's views share."""


def errors_text(form) -> str:
    """Every error of a bound form in one line, for a flash message where the form itself is not shown again."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
