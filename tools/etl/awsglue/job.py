"""``Job``: ``init`` and ``commit`` with a job bookmark kept in a local JSON file."""

import json
import os


class Job:
    def __init__(self, glue_context):
        self._context = glue_context
        self._name = None
        self._pending = {}
        self._done = {}

    def _state_file(self):
        folder = os.environ.get("AWSGLUE_LOCAL_BOOKMARK_DIR")
        return None if not folder else os.path.join(folder, f"{self._name}.json")

    def init(self, name, args):
        self._name = name
        self._context._job = self
        state = self._state_file()
        if state and os.path.exists(state):
            with open(state, encoding="utf-8") as f:
                self._done = json.load(f)

    def _bookmark_filter(self, ctx, objects):
        if self._state_file() is None:
            return objects
        done = set(self._done.get(ctx, []))
        new = [o for o in objects if o not in done]
        self._pending.setdefault(ctx, []).extend(new)
        return new

    def commit(self):
        state = self._state_file()
        if state is None:
            return
        for ctx, objects in self._pending.items():
            self._done[ctx] = sorted(set(self._done.get(ctx, [])) | set(objects))
        os.makedirs(os.path.dirname(state), exist_ok=True)
        with open(state + ".tmp", "w", encoding="utf-8") as f:
            json.dump(self._done, f, indent=1)
        os.replace(state + ".tmp", state)
        self._pending = {}
