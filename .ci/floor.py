#!/usr/bin/env python3
"""Print .ci/eval-floor.toml from the figures reached now: the whole corpus, then the [tune]
and [check] tables.

Usage: python3 .ci/floor.py ./target/release/scamguard ../shared/corpus > /tmp/floor.toml

Floors are the figures rounded down (to 0.01 point), ceilings the figures rounded up (to 0.001
point), so the floor holds at the figures it was made from. Review the diff against the file
before adopting it: a floor may only rise and a ceiling only fall, unless the note of the
commit says why.
"""
import json
import math
import subprocess
import sys

BIN, CORPUS = sys.argv[1], sys.argv[2]


def run(*args):
    out = subprocess.run([BIN, "eval", "--json", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def down(x):
    return math.floor(x * 10000 + 1e-9) / 10000


def up(x):
    return math.ceil(x * 100000 - 1e-9) / 100000


def fmt(x):
    return repr(round(x, 5))


def half(split):
    return ["--split", split] if split else []


def head(split, table, name):
    return f"[{split + '.' if split else ''}{table}.{name}]"


def messages(split, setting, table):
    d = run(*half(split), "--as", setting, f"{CORPUS}/messages")
    out = []
    for name in sorted(k for k, v in d.items() if isinstance(v, dict) and "benign" in v and k != "languages"):
        f = d[name]
        lines = []
        if f.get("recall") is not None:
            lines.append(f"min_recall = {fmt(down(f['recall']))}")
        if f.get("fp_rate") is not None:
            lines.append(f"max_fp_rate = {fmt(up(f['fp_rate']))}")
        if f.get("spam_ad_rate") is not None:
            lines.append(f"max_spam_ad_rate = {fmt(up(f['spam_ad_rate']))}")
        fam = {k: v["recall"] for k, v in f.get("families", {}).items() if v.get("recall") is not None}
        if fam and setting == "private":
            inner = ", ".join(f'"{k}" = {fmt(down(v))}' for k, v in sorted(fam.items()))
            lines.append(f"min_family_recall = {{ {inner} }}")
        if lines:
            out.append(head(split, table, name) + "\n" + "\n".join(lines) + "\n")
    return out


def conversations(split):
    d = run(*half(split), "--conversations", f"{CORPUS}/conversations")
    out = []
    for name in sorted(k for k, v in d.items() if isinstance(v, dict) and "benign" in v):
        f = d[name]
        lines = []
        if f.get("scam_warned_rate") is not None:
            lines.append(f"min_warned = {fmt(down(f['scam_warned_rate']))}")
        if f.get("first_warning_median") is not None:
            lines.append(f"max_first_warning_median = {fmt(up(f['first_warning_median']))}")
        if f.get("benign_warned_rate") is not None:
            lines.append(f"max_benign_warned = {fmt(up(f['benign_warned_rate']))}")
        fam = {k: v["rate"] for k, v in f.get("families", {}).items() if v.get("rate") is not None}
        if fam:
            inner = ", ".join(f'"{k}" = {fmt(down(v))}' for k, v in sorted(fam.items()))
            lines.append(f"min_family_warned = {{ {inner} }}")
        if lines:
            out.append(head(split, "conversations", name) + "\n" + "\n".join(lines) + "\n")
    return out


print("# Detection regression floor, enforced by .ci/run when ../shared/corpus is present; made by")
print("# .ci/floor.py at the figures reached (see EVALUATION.md). Floors may only be raised and")
print("# ceilings only lowered, unless EVALUATION.md says why. The [tune] and [check] tables pin each")
print("# half (`eval --split`) on its own: a rule change that helps tune and hurts check fails there.")
print("# Groups (`--as group` / `--as group-newcomer`): max_fp_rate is the share of benign messages")
print("# DELETED, min_recall the share of scam lines deleted.")
for split in ["", "tune", "check"]:
    print()
    for part in (
        messages(split, "private", "messages")
        + conversations(split)
        + messages(split, "group", "group")
        + messages(split, "group-newcomer", "group_newcomer")
    ):
        print(part)
