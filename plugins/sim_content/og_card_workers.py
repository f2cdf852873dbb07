"""Worker processes that place social cards while Pelican renders pages.

Drawing and encoding a card takes a few milliseconds of CPU, which at 2,000
articles is as long as Pelican's whole render; on the build's other cores it
costs no wall time. Workers are spawned (not forked), because the live
preview runs threads, and they import only the card module. One fewer worker
than the machine has cores, so Pelican keeps one; at least one.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def worker_count():
    return max(1, (os.cpu_count() or 1) - 1)


class CardWorkers:
    """A pool placing card jobs (see og_cards.place_cards); `wait()` sums what they drew and shuts the pool down."""

    def __init__(self, cache_dir, output_path):
        self.cache_dir = str(cache_dir)
        self.output_path = str(output_path)
        self._pool = ProcessPoolExecutor(max_workers=worker_count(),
                                         mp_context=multiprocessing.get_context("spawn"))
        self._futures = []

    def submit(self, jobs):
        from .og_cards import place_cards  # the worker imports it by name

        self._futures.append((self._pool.submit(place_cards, self.cache_dir, self.output_path, jobs), jobs))

    def wait(self):
        """Place the batches no worker has started here, from the last back, while the workers
        finish theirs: a cold build draws cards for longer than Pelican renders, and this
        core would otherwise sit idle. Return how many cards were drawn in all."""
        from .og_cards import place_cards

        drawn = 0
        try:
            for future, jobs in reversed(self._futures):
                if future.cancel():
                    drawn += place_cards(self.cache_dir, self.output_path, jobs)
            return drawn + sum(future.result() for future, _ in self._futures if not future.cancelled())
        finally:
            self._pool.shutdown(cancel_futures=True)
