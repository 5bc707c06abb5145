#!/usr/bin/env python3
"""Writes the litmus library, scenarios/litmus/<shape>_<variant>.scn.

Each file runs one classic litmus shape with one choice of memory orders, declares the
weak outcome `forbidden`, and says in a comment line which models allow it:

    # weak outcome allowed under: rc11, tso

tests/litmus/litmus_test.py reads that line and checks, under each model, that an
exhaustive exploration reaches the weak outcome exactly when the model allows it. The
`expect` line is for the default model (rc11). The expected sets are RC11's (Lahav et al.,
PLDI 2017, as herd7's rc11.cat and GenMC report them) and x86-TSO's (Owens, Sarkar,
Sewell, TPHOLs 2009).

Run it again after editing the table below; the files are committed.
"""
import os
import sys

ORDERS = {
    # variant: (store order, load order, rmw order, fences between accesses)
    "relaxed": ("relaxed", "relaxed", "relaxed", False),
    "release_acquire": ("release", "acquire", "acq_rel", False),
    "seq_cst": ("seq_cst", "seq_cst", "seq_cst", False),
    "fences": ("relaxed", "relaxed", "relaxed", True),
}

# shape -> (title, threads, observe, weak outcome, {variant: (allowed models, why)})
# A thread is a list of accesses: ("st", var, value) | ("ld", var, register).
SHAPES = {
    "sb": ("store buffering (SB)",
           [[("st", "x", 1), ("ld", "y", "r0")], [("st", "y", 1), ("ld", "x", "r1")]],
           "r0, r1", "0, 0", {
               "relaxed": (["rc11", "tso"], "nothing orders a store before the other thread's load: each load may read the initial value (rc11); each store may still wait in its store buffer (tso)"),
               "release_acquire": (["rc11", "tso"], "release/acquire only orders what a load reads from; neither load reads the other thread's store, so nothing synchronises (rc11); x86 buffers release stores too (tso)"),
               "seq_cst": ([], "seq_cst accesses are in one total order consistent with program order: the later of the two loads sees the other store"),
               "fences": ([], "two seq_cst fences are ordered: the thread whose fence comes second sees the store before the other fence"),
           }),
    "mp": ("message passing (MP)",
           [[("st", "data", 1), ("st", "flag", 1)], [("ld", "flag", "r0"), ("ld", "data", "r1")]],
           "r0, r1", "1, 0", {
               "relaxed": (["rc11"], "relaxed accesses do not synchronise: the reader may see the flag and still read the initial data (rc11); x86 keeps stores and loads in order (tso)"),
               "release_acquire": ([], "the acquire load that reads the release store synchronises with it: the data store happens before the data load"),
               "seq_cst": ([], "seq_cst accesses synchronise like release/acquire and more"),
               "fences": ([], "the writer's fence before the flag store and the reader's fence after the flag load synchronise ([atomics.fences])"),
           }),
    "lb": ("load buffering (LB)",
           [[("ld", "x", "r0"), ("st", "y", 1)], [("ld", "y", "r1"), ("st", "x", 1)]],
           "r0, r1", "1, 1", {
               "relaxed": ([], "RC11 forbids cycles in program order plus reads-from: each load would read a store that comes after the other load (no out-of-thin-air)"),
               "release_acquire": ([], "no cycles in program order plus reads-from"),
               "seq_cst": ([], "no cycles in program order plus reads-from"),
               "fences": ([], "no cycles in program order plus reads-from"),
           }),
    # Each reader packs its two loads into one register (first * 10 + second), so the
    # program has few enough steps for exhaustive search without partial-order reduction.
    "iriw": ("independent reads of independent writes (IRIW)",
             [[("st", "x", 1)], [("st", "y", 1)], [("ld2", "x", "y", "a")], [("ld2", "y", "x", "b")]],
             "a, b", "10, 10", {
                 "relaxed": (["rc11"], "the readers need not agree on the order of independent stores (rc11); x86 stores become visible to all other threads at once (tso)"),
                 "release_acquire": (["rc11"], "C++ is not multi-copy atomic: acquire loads order only what the reading thread sees (rc11); tso forbids it"),
                 "seq_cst": ([], "all seq_cst accesses are in one total order, which both readers observe"),
                 "fences": ([], "the readers' seq_cst fences are ordered: the second reader sees the store the first one saw"),
             }),
    "wrc": ("write-to-read causality (WRC)",
            [[("st", "x", 1)], [("ld", "x", "r0"), ("st", "y", 1)], [("ld", "y", "r1"), ("ld", "x", "r2")]],
            "r0, r1, r2", "1, 1, 0", {
                "relaxed": (["rc11"], "relaxed accesses do not carry what the middle thread saw to the last one"),
                "release_acquire": ([], "the last thread acquires the middle thread's release store, after which the middle thread had read x = 1: coherence then forbids reading the initial x"),
                "seq_cst": ([], "seq_cst accesses are in one total order"),
                "fences": ([], "the fences synchronise the middle thread with the last one"),
            }),
    "2+2w": ("two plus two writes (2+2W)",
             [[("st", "x", 1), ("st", "y", 2)], [("st", "y", 1), ("st", "x", 2)]],
             "x, y", "1, 1", {
                 "relaxed": (["rc11"], "the modification orders of x and y need not agree with program order across threads (rc11); x86 flushes stores in one global order (tso)"),
                 "release_acquire": (["rc11"], "release stores do not synchronise with each other: nothing orders the two threads' stores (rc11)"),
                 "seq_cst": ([], "seq_cst stores are in one total order that agrees with modification order"),
                 "fences": ([], "seq_cst fences between the stores order them"),
             }),
    "r": ("R",
          [[("st", "x", 1), ("st", "y", 1)], [("st", "y", 2), ("ld", "x", "r0")]],
          "y, r0", "2, 0", {
              "relaxed": (["rc11", "tso"], "y = 2 may come last in y's modification order while the load of x misses x = 1 (rc11); the load may pass the buffered store y = 2 (tso)"),
              "release_acquire": (["rc11", "tso"], "the load does not read from the other thread: nothing synchronises (rc11); x86 buffers the store (tso)"),
              "seq_cst": ([], "seq_cst accesses are in one total order"),
              "fences": ([], "the seq_cst fences are ordered: whichever comes second makes the weak outcome impossible"),
          }),
    "s": ("S",
          [[("st", "x", 2), ("st", "y", 1)], [("ld", "y", "r0"), ("st", "x", 1)]],
          "r0, x", "1, 2", {
              "relaxed": (["rc11"], "a relaxed load of y = 1 does not order x = 2 before x = 1 (rc11); x86 keeps stores in order (tso)"),
              "release_acquire": ([], "the acquire load synchronises with the release store: x = 2 happens before x = 1, so x = 1 is later in x's modification order"),
              "seq_cst": ([], "seq_cst accesses synchronise and are in one total order"),
              "fences": ([], "the fences synchronise: x = 2 happens before x = 1"),
          }),
    "isa2": ("ISA2",
             [[("st", "x", 1), ("st", "y", 1)], [("ld", "y", "r0"), ("st", "z", 1)], [("ld", "z", "r1"), ("ld", "x", "r2")]],
             "r0, r1, r2", "1, 1, 0", {
                 "relaxed": (["rc11"], "relaxed accesses do not make a chain of happens-before"),
                 "release_acquire": ([], "release/acquire pairs chain: x = 1 happens before the last load"),
                 "seq_cst": ([], "seq_cst accesses synchronise"),
                 "fences": ([], "fences on every thread chain happens-before"),
             }),
    "corr": ("coherence of read-read (CoRR)",
             [[("st", "x", 1)], [("ld", "x", "r0"), ("ld", "x", "r1")]],
             "r0, r1", "1, 0", {
                 "relaxed": ([], "coherence: a later load of the same location never reads an older store"),
                 "release_acquire": ([], "coherence"),
                 "seq_cst": ([], "coherence"),
             }),
    "corw": ("coherence of read-write (CoRW)",
             [[("ld", "x", "r0"), ("st", "x", 1)], [("st", "x", 2)]],
             "r0, x", "2, 2", {
                 "relaxed": ([], "coherence: a store after a load of x = 2 comes after x = 2 in modification order, so x cannot end as 2"),
                 "release_acquire": ([], "coherence"),
                 "seq_cst": ([], "coherence"),
             }),
    "cowr": ("coherence of write-read (CoWR)",
             [[("st", "x", 1), ("ld", "x", "r0")], [("st", "x", 2)]],
             "r0, x", "2, 1", {
                 "relaxed": ([], "coherence: reading x = 2 after storing x = 1 puts x = 2 later in modification order, so x cannot end as 1"),
                 "release_acquire": ([], "coherence"),
                 "seq_cst": ([], "coherence"),
             }),
}

# Shapes written out by hand: release sequences and a one-sided fence.
EXTRA = {
    "release_sequence_rmw": ("release sequence continued by a read-modify-write", """\
atomic data = 0
atomic flag = 0
shared r0 = 0
shared r1 = 0

thread writer:
    data.store(1, relaxed)
    flag.store(1, release)
    flag.fetch_add(1, relaxed)

thread reader:
    r0 = flag.load(acquire)
    r1 = data.load(relaxed)
""", "r0, r1", "2, 0", [], "the fetch_add continues the release sequence headed by the release store: an acquire load that reads the fetch_add's 2 synchronises with the release store, so it sees data = 1"),
    "release_sequence_other_thread_rmw": ("release sequence continued by another thread's read-modify-write", """\
atomic data = 0
atomic flag = 0
shared r0 = 0
shared r1 = 0

thread writer:
    data.store(1, relaxed)
    flag.store(1, release)

thread bumper:
    flag.fetch_add(1, relaxed)

thread reader:
    r0 = flag.load(acquire)
    r1 = data.load(relaxed)
""", "r0, r1", "2, 0", [], "any thread's read-modify-write continues a release sequence: when the fetch_add read the release store's 1, an acquire load of its 2 synchronises with the release store"),
    "release_sequence_plain_store": ("a relaxed store ends a release sequence (C++20)", """\
atomic data = 0
atomic flag = 0
shared r0 = 0
shared r1 = 0

thread writer:
    data.store(1, relaxed)
    flag.store(1, release)
    flag.store(2, relaxed)

thread reader:
    r0 = flag.load(acquire)
    r1 = data.load(relaxed)
""", "r0, r1", "2, 0", ["rc11"], "since C++20 a release sequence holds only read-modify-writes: the relaxed store of 2 is not part of it, so an acquire load of 2 synchronises with nothing and may miss data = 1 (rc11); x86 keeps the stores in order (tso)"),
    "mp_fence_writer_only": ("message passing with a fence in the writer only", """\
atomic data = 0
atomic flag = 0
shared r0 = 0
shared r1 = 0

thread writer:
    data.store(1, relaxed)
    fence
    flag.store(1, relaxed)

thread reader:
    r0 = flag.load(relaxed)
    r1 = data.load(relaxed)
""", "r0, r1", "1, 0", ["rc11"], "a release fence synchronises only with an acquire load or an acquire fence on the reading side; the reader's relaxed loads have neither (rc11); x86 keeps loads in order (tso)"),
}


def access(a, store, load, fence):
    if a[0] == "st":
        return [f"{a[1]}.store({a[2]}, {store})"]
    if a[0] == "ld2":  # two loads packed into one register: first * 10 + second
        _, first, second, reg = a
        if fence:
            return [f"let v = {first}.load({load})", "fence", f"{reg} = v * 10 + {second}.load({load})"]
        return [f"{reg} = {first}.load({load}) * 10 + {second}.load({load})"]
    return [f"{a[2]} = {a[1]}.load({load})"]


# Too many schedules for DFS without partial-order reduction (millions): the litmus test
# looks for the weak outcome with random and PCT runs instead, as evidence, not proof.
BEYOND_DFS = {"iriw_fences": ["rc11", "tso"]}


def write(path, name, title, body, observe, weak, allowed, why, variant_text):
    expect = "expect forbidden\n" if "rc11" in allowed else ""
    allowed_text = ", ".join(allowed) if allowed else "none"
    beyond = f"# beyond plain DFS under: {', '.join(BEYOND_DFS[name])}\n" if name in BEYOND_DFS else ""
    text = f"""# Litmus test: {title}{variant_text}.
# Weak outcome {weak}: {"allowed" if "rc11" in allowed else "forbidden"} under rc11 because {why}.
# Under sc every outcome is an interleaving's, so the weak one never happens.
# weak outcome allowed under: {allowed_text}
{beyond}# (generated by tests/litmus/generate_library.py; checked under every model by the litmus tests)
scenario litmus_{name.replace('+', '_')}
about "{title}{variant_text}"

{body}
observe {observe}
outcome {weak} forbidden "the weak outcome"
outcome else acceptable

{expect}"""
    with open(path, "w") as f:
        f.write(text.rstrip("\n") + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "scenarios", "litmus")
    for shape, (title, threads, observe, weak, variants) in SHAPES.items():
        for variant, (allowed, why) in variants.items():
            store, load, rmw, fences = ORDERS[variant]
            vars_ = sorted({v for t in threads for a in t for v in ([a[1], a[2]] if a[0] == "ld2" else [a[1]])})
            regs = sorted({a[-1] for t in threads for a in t if a[0] in ("ld", "ld2")})
            body = "".join(f"atomic {v} = 0\n" for v in vars_) + "".join(f"shared {r} = 0\n" for r in regs)
            for k, t in enumerate(threads):
                body += f"\nthread t{k}:\n"
                for n, a in enumerate(t):
                    if fences and n > 0:
                        body += "    fence\n"
                    body += "".join("    " + line + "\n" for line in access(a, store, load, fences))
            name = f"{shape}_{variant}"
            vt = {"relaxed": ", relaxed", "release_acquire": ", release stores and acquire loads",
                  "seq_cst": ", seq_cst", "fences": ", relaxed with seq_cst fences"}[variant]
            write(os.path.join(out, name.replace("+", "_") + ".scn"), name, title, body.rstrip("\n") + "\n", observe, weak, allowed, why, vt)
    for name, (title, body, observe, weak, allowed, why) in EXTRA.items():
        write(os.path.join(out, name + ".scn"), name, title, body, observe, weak, allowed, why, "")


if __name__ == "__main__":
    main()
