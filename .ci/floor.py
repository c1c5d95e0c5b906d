#!/usr/bin/env python3
"""Print the [tune] and [check] tables of .ci/eval-floor.toml from the figures reached now.

Usage: python3 .ci/floor.py ./target/release/scamguard ../shared/corpus > /tmp/halves.toml

Floors are the figures rounded down (to 0.1 point), ceilings the figures rounded up (to 0.01
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
    return math.floor(x * 1000 + 1e-9) / 1000


def up(x):
    return math.ceil(x * 10000 - 1e-9) / 10000


def fmt(x):
    return repr(round(x, 4))


def messages(split, setting, table):
    d = run("--split", split, "--as", setting, f"{CORPUS}/messages")
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
            out.append(f"[{split}.{table}.{name}]\n" + "\n".join(lines) + "\n")
    return out


def conversations(split):
    d = run("--split", split, "--conversations", f"{CORPUS}/conversations")
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
            out.append(f"[{split}.conversations.{name}]\n" + "\n".join(lines) + "\n")
    return out


print("# The tune and check halves (`eval --split tune|check`), each pinned on its own: a rule")
print("# change that helps tune and hurts check fails here. Made by .ci/floor.py.")
for split in ["tune", "check"]:
    print()
    for part in (
        messages(split, "private", "messages")
        + conversations(split)
        + messages(split, "group", "group")
        + messages(split, "group-newcomer", "group_newcomer")
    ):
        print(part)
