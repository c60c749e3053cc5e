"""One forked child process that runs tasks for this one, for ``batch.run_small``.

A ProcessPoolExecutor costs a one-issue build ~15 ms before its worker even
starts (importing multiprocessing and concurrent.futures, queues, feeder and
manager threads), all of it on the path both halves of the build wait for.
What ``run_small`` needs is much less: one child per PDF, forked now (so it
inherits the read style and fonts and warms up while this process reads),
sent one task, answering once.  A bare ``os.fork`` and two pipes do that.

Protocol: each task is a pickled ``(function, args)``; each answer a pickled
``(True, value)`` or ``(False, exception)``.  ``initializer`` runs first in
the child (signals, warming up); the child always leaves with ``os._exit``,
so it never runs this process's exit handlers or flushes its buffers.  Closing the task pipe (``close``) tells it to leave after the task
at hand; ``close`` then waits for it, as ``ProcessPoolExecutor.shutdown``
did.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable


class WorkerDied(RuntimeError):
    """The child ended without answering (killed, or out of memory)."""


# This process's ends of every worker's pipes.  A child forked later closes
# them all: holding another worker's task pipe open would keep that worker
# from ever seeing its end.
_PARENT_ENDS: set[int] = set()


class ForkedWorker:
    def __init__(self, initializer: Callable[..., None], initargs: tuple = ()):
        _reap()
        task_r, task_w = os.pipe()
        answer_r, answer_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            for fd in (task_w, answer_r, *_PARENT_ENDS):
                try:
                    os.close(fd)
                except OSError:
                    pass
            _serve(task_r, answer_w, initializer, initargs)  # never returns
        os.close(task_r)
        os.close(answer_w)
        _PARENT_ENDS.update((task_w, answer_r))
        self.pid = pid
        self._tasks = os.fdopen(task_w, "wb")
        self._answers = os.fdopen(answer_r, "rb")
        self._sender: threading.Thread | None = None
        self._pending = 0

    def submit(self, fn: Callable, *args) -> None:
        """Send a task; its answer comes from ``result``, in submission order.

        Written from a thread: a large task would otherwise fill the pipe and
        block this process until the child, still warming up, reads it."""
        data = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        previous = self._sender

        def send() -> None:
            if previous is not None:
                previous.join()
            try:
                self._tasks.write(data)
                self._tasks.flush()
            except (OSError, ValueError):
                pass  # the child is gone: result() says so

        self._sender = threading.Thread(target=send, daemon=True)
        self._sender.start()
        self._pending += 1

    def result(self):
        """The next answer: the task's value, or its exception raised here."""
        self._pending -= 1
        try:
            ok, value = pickle.load(self._answers)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise WorkerDied(f"a worker process (pid {self.pid}) stopped without answering") from exc
        if ok:
            return value
        raise value

    def close(self) -> None:
        """No more tasks: wait for the child to finish the one at hand and leave.

        A child that has answered every task has staged all it will; its
        exit (unmapping a PDF writer's memory, ~2 ms) is not waited for: it
        is reaped by the next worker's start, or by init once we exit."""
        if self._sender is not None:
            self._sender.join()
        for stream in (self._tasks, self._answers):  # an unread answer must not block its writer
            _PARENT_ENDS.discard(stream.fileno())
            try:
                stream.close()
            except OSError:
                pass
        _reap(self.pid, wait=self._pending > 0)


_UNREAPED: list[int] = []


def _reap(pid: int | None = None, wait: bool = True) -> None:
    for old in [*_UNREAPED, pid] if pid is not None else list(_UNREAPED):
        try:
            done, _ = os.waitpid(old, 0 if wait and old == pid else os.WNOHANG)
        except ChildProcessError:
            done = old
        if old in _UNREAPED and done:
            _UNREAPED.remove(old)
        elif old == pid and not done:
            _UNREAPED.append(pid)


def _serve(task_r: int, answer_w: int, initializer: Callable[..., None], initargs: tuple) -> None:
    code = 0
    try:
        failed: BaseException | None = None
        try:
            initializer(*initargs)
        except BaseException as exc:  # noqa: BLE001 - every task answers with it
            failed = exc
        with os.fdopen(task_r, "rb") as tasks, os.fdopen(answer_w, "wb") as answers:
            while True:
                try:
                    fn, args = pickle.load(tasks)
                except EOFError:
                    break
                if failed is not None:
                    answer = (False, failed)
                else:
                    try:
                        answer = (True, fn(*args))
                    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
                        answer = (False, exc)
                try:
                    data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as exc:  # noqa: BLE001 - an exception that cannot travel
                    data = pickle.dumps((False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]} ({exc})")))
                answers.write(data)
                answers.flush()
    except BaseException:  # noqa: BLE001 - the parent went away (broken pipe): just leave
        code = 1
    finally:
        os._exit(code)
