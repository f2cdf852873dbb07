"""Run one build step in a forked child process and get its result or its exception back.

The site build renders with Pelican in a child so that the memory Pelican
holds (every page's content and context, about 150 MB at 10,000 posts) is
returned when the child exits, before pagefind's indexer, the other big
consumer, starts. The build forks before it starts any thread.
"""

import multiprocessing
import pickle


class StepFailed(Exception):
    """A child step failed in a way that cannot cross the process boundary; str() says what and where."""


class ChildStep:
    """`function(*args)` in a forked process; `wait()` returns its result or raises its exception."""

    def __init__(self, function, *args):
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        # Not a daemon: Pelican starts worker processes of its own (the social
        # cards'), which a daemonic process may not; stop() ends it instead.
        self._process = context.Process(target=_run_and_report, args=(sender, function, args))
        self._process.start()
        sender.close()

    def wait(self):
        try:
            status, value = self._receiver.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            self._process.join()
            status, value = "error", StepFailed(
                f"a build process ended without a result (exit code {self._process.exitcode})")
        self._process.join()
        if status == "error":
            raise value
        return value

    def stop(self):
        """End the child if it still runs (another step failed first)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _run_and_report(sender, function, args):
    try:
        outcome = ("ok", function(*args))
    except BaseException as error:  # noqa: BLE001  every failure is the parent's to report
        outcome = ("error", _portable(error))
    sender.send(outcome)
    sender.close()


def _portable(error):
    """`error` itself if it survives pickling with its type, else a StepFailed naming file, line and cause."""
    try:
        if type(pickle.loads(pickle.dumps(error))) is type(error):
            return error
    except Exception:  # noqa: BLE001  e.g. an exception whose __init__ needs more than its message
        pass
    return StepFailed(described(error))


def described(error):
    """'file:line: Type: message' for an error that knows where it happened (a template's), else 'Type: message'."""
    filename, lineno = getattr(error, "filename", None), getattr(error, "lineno", None)
    where = f"{filename}:{lineno}: " if filename and lineno else ""
    return f"{where}{type(error).__name__}: {error}"
