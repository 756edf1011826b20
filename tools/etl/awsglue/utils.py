"""``getResolvedOptions``: ``--name value`` pairs from argv, as Glue passes job arguments."""


class ArgumentError(SystemExit):
    pass


def getResolvedOptions(argv, names):  # noqa: N802 (Glue's name)
    found = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--") and i + 1 < len(argv):
            found[arg[2:]] = argv[i + 1]
            i += 2
        else:
            i += 1
    missing = [n for n in names if n not in found]
    if missing:
        raise ArgumentError("missing job argument(s): " + ", ".join("--" + n for n in missing))
    return {n: found[n] for n in names}
