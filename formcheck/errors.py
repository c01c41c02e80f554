"""The one exception type that means "the user's input was wrong"."""


class FormcheckError(Exception):
    """A problem the user can fix (bad file, bad spec, no camera).

    The command line prints the message as a single line on stderr and exits
    with code 2. The message should say what is wrong and how to fix it.
    """
