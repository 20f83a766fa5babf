#!/usr/bin/env python3
"""Translates the peer benchmark's neutral rule spec into a kindctx rule set.

usage: translate.py RULES_JSON [--mult N] [--identical] > ruleset.json

Same rules, weights, dimensions and verdict policy as the neutral spec
(../shared/peer-bench/workload/rules.json); with --mult N the rule set is
replicated N times exactly as the peer bench does it (copies "<id>__c<k>",
each salted with {request.urgency < 1 + k} unless --identical).
"""
import json
import sys


def leaf(n):
    fact = {"var": n["fact"]}
    rhs = {"var": n["valueFact"]} if "valueFact" in n else n["value"]
    op = n["op"]
    if op == "equal":
        return {"===": [fact, rhs]}
    if op == "notEqual":
        return {"!==": [fact, rhs]}
    if op == "in":
        return {"in": [fact, rhs]}
    if op == "notIn":
        return {"!": {"in": [fact, rhs]}}
    if op == "contains":
        return {"in": [rhs, fact]}
    if op == "doesNotContain":
        return {"!": {"in": [rhs, fact]}}
    if op == "lessThan":
        return {"<": [fact, rhs]}
    if op == "greaterThan":
        return {">": [fact, rhs]}
    raise ValueError("unknown op " + op)


def cond(n):
    if "all" in n:
        return {"and": [cond(c) for c in n["all"]]}
    if "any" in n:
        return {"or": [cond(c) for c in n["any"]]}
    if "not" in n:
        return {"!": cond(n["not"])}
    return leaf(n)


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    spec = json.load(open(args[0]))
    mult = int(args[args.index("--mult") + 1]) if "--mult" in args else 1
    identical = "--identical" in args
    v = spec["verdict"]
    assert v["otherwise"] == "ambivalent"
    # Weights are integers, so "score <= -3 is harmful" is "score >= -2.5 is not".
    assert all(float(r["weight"]).is_integer() for r in spec["rules"])
    rules = []
    for k in range(mult):
        for r in spec["rules"]:
            when = r["when"]
            rid = r["id"]
            if k > 0:
                rid = f"{r['id']}__c{k}"
                if not identical:
                    when = {"all": [when, {"fact": "request.urgency", "op": "lessThan",
                                           "value": 1 + k}]}
            rules.append({"id": rid, "dimension": r["dimension"], "weight": r["weight"],
                          "when": cond(when), "because": r["explanation"],
                          "source": "peer-bench neutral workload"})
    out = {
        "kindctx": "ruleset/1",
        "name": "peer-bench" + (f" x{mult}" if mult > 1 else ""),
        "version": "1",
        "description": "Translated from the peer benchmark's neutral rule spec.",
        "dimensions": [{"id": d, "label": d.replace("_", " ")} for d in spec["dimensions"]],
        "verdicts": [{"id": "kind", "label": "kind"},
                     {"id": "ambivalent", "label": "ambivalent"},
                     {"id": "harmful", "label": "harmful"}],
        "policy": {"bands": [
            {"verdict": "kind", "min": v["kind_if_score_at_least"]},
            {"verdict": "ambivalent", "min": v["harmful_if_score_at_most"] + 0.5},
            {"verdict": "harmful"}]},
        "rules": rules,
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
