"""The `duikou` command: a thin layer over library functions, one command per function.

Exit codes: 0 success; 1 some inputs could not be read or processed (the rest were stored);
2 usage error; 3 the database cannot be opened or is newer than this duikou.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from duikou.models import ReadError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="duikou (对口): an evidence-first database of China's counterpart assistance.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

DbOption = typer.Option(None, "--db", help="SQLite path or SQLAlchemy URL (default ./duikou.db or $DUIKOU_DB)")
JsonOption = typer.Option(False, "--json", help="machine-readable JSON output")

EXIT_PARTIAL, EXIT_DATABASE = 1, 3


def _store(db: str | None):
    from duikou.store import open_store
    from duikou.store.database import SchemaVersionError

    try:
        return open_store(db)
    except SchemaVersionError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_DATABASE)
    except Exception as exc:  # SQLAlchemy raises many kinds for a bad URL or path
        err.print(f"[red]error:[/] cannot open database {db or ''}: {exc}")
        raise typer.Exit(EXIT_DATABASE)


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _resolve(name: str) -> list[str]:
    """Code prefixes for a region name given on the command line."""
    from duikou.regions import default_gazetteer
    from duikou.store.database import region_prefix

    ranked = default_gazetteer().candidates(name)
    if not ranked:
        err.print(f"[red]error:[/] unknown region {name!r}")
        raise typer.Exit(2)
    return [region_prefix(ranked[0].region)]


@app.command()
def ingest(paths: list[Path] = typer.Argument(..., help="files or folders (.txt .html .jsonl .warc .warc.gz)"),
           db: str | None = DbOption, json_output: bool = JsonOption,
           workers: int | None = typer.Option(None, "--workers", min=1,
                                              help="processes running the pipeline (default: all cores)"),
           batch: int = typer.Option(200, "--batch", min=1, help="documents stored per transaction"),
           engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or spark"),
           master: str = typer.Option("local[*]", "--master",
                                      help="Spark master for --engine spark: local[*], local[N] or spark://host:port"),
           parquet: Path | None = typer.Option(None, "--parquet", help="--engine spark: keep the Parquet tables "
                                               "(documents, mentions, pairings, claims, reprints) in this folder")) -> None:
    """Read, clean and mine pages into the database (idempotent: re-ingesting changes nothing;
    a run stopped at any point loses at most the batch being written, and a rerun completes it)."""
    import time

    from duikou.engines.local import default_workers
    from duikou.engines.local import ingest as run_ingest

    store = _store(db)
    started = time.perf_counter()
    with Progress(TextColumn("[bold]ingest"), BarColumn(), TextColumn("{task.fields[status]}"),
                  TimeElapsedColumn(), console=err, transient=True, disable=json_output or not err.is_terminal) as bar:
        task = bar.add_task("ingest", total=None, status="")

        def tick(item: Any, so_far: Any) -> None:
            if not isinstance(item, ReadError):
                seconds = max(time.perf_counter() - started, 1e-9)
                megabytes = so_far.bytes / 1e6
                bar.update(task, completed=so_far.pages,
                           status=f"{so_far.pages} pages, {so_far.pages / seconds:.1f} pages/s, "
                                  f"{megabytes:.1f} MB, {megabytes / seconds:.2f} MB/s")

        if engine == "spark":
            from duikou.engines.spark import ingest as spark_ingest

            try:
                report = spark_ingest(paths, store, master=master, output=parquet, on_page=tick, batch_size=batch)
            except RuntimeError as exc:  # no PySpark or no Java: say which
                err.print(f"[red]error:[/] {exc}")
                raise typer.Exit(2)
        elif engine == "local":
            report = run_ingest(paths, store, on_page=tick, workers=workers or default_workers(), batch_size=batch)
        else:
            err.print(f"[red]error:[/] unknown engine {engine!r}: use local or spark")
            raise typer.Exit(2)
    seconds = time.perf_counter() - started
    summary = report.as_dict()
    summary["seconds"] = round(seconds, 3)
    summary["engine"] = engine
    if engine == "spark":
        summary["master"] = master
    else:
        summary["workers"] = workers or default_workers()
    summary["totals"] = store.counts()
    if json_output:
        _print_json(summary)
    else:
        for e in report.skipped:
            err.print(f"skipped {e.path}: {e.reason}", markup=False)
        for e in report.errors:
            err.print(f"error: {e.path}: {e.reason}", markup=False)
        out.print(f"{summary['files']} files, {report.pages} pages ({report.bytes / 1e6:.2f} MB, {seconds:.1f} s) → "
                  f"{report.documents} documents: {report.added} added ({report.reprints} reprints), "
                  f"{report.replaced} replaced, {report.unchanged} unchanged; "
                  f"{report.pairings} pairing and {report.claims} claim evidence rows added; "
                  f"{len(report.errors)} errors, {len(report.skipped)} skipped")
        t = summary["totals"]
        out.print(f"database: {t['documents']} documents ({t['distinct_documents']} distinct), "
                  f"{t['pairings']} pairings, {t['claims']} claims")
    if report.errors:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def ask(question: str, db: str | None = DbOption, json_output: bool = JsonOption,
        as_of: int | None = typer.Option(None, "--as-of", metavar="YEAR",
                                         help="answer for that year (ended arrangements in the past tense)")) -> None:
    """Answer a question in Chinese: a verdict per donor and recipient (是 / 否 / 未知), whether it
    rests on the official arrangement, on reports in the corpus or both, with the quotes."""
    from duikou.answer import ask as run_ask
    from duikou.answer.render import render_text

    answer = run_ask(question, _store(db), as_of=as_of)
    if json_output:
        _print_json(answer.as_dict())
    else:
        out.print(render_text(answer), markup=False)


@app.command()
def pairings(donor: str | None = typer.Option(None, help="donor region name, e.g. 江苏"),
             recipient: str | None = typer.Option(None, help="recipient region name, e.g. 青海"),
             programme: str | None = typer.Option(None, help="援疆 援藏 援青 东西部协作 灾后重建 对口合作 其他对口支援"),
             db: str | None = DbOption, json_output: bool = JsonOption) -> None:
    """List pairings (donor → recipient) with the number of documents that state them."""
    from duikou.answer.respond import facts_by_prefix

    store = _store(db)
    facts = facts_by_prefix(store, donor=_resolve(donor) if donor else None,
                            recipient=_resolve(recipient) if recipient else None, programme=programme)
    if json_output:  # flat rows: donor / recipient names with their codes beside them
        _print_json([{"donor": f.donor["name"], "donor_code": f.donor["code"], "recipient": f.recipient["name"],
                      "recipient_code": f.recipient["code"], "programme": f.programme, "since": f.since,
                      "until": f.until, "documents": f.documents, "quotes": f.quotes} for f in facts])
        return
    for f in facts:
        since = f" since {f.since}" if f.since else ""
        out.print(f"{f.donor['name']} → {f.recipient['name']}  [{f.programme}{since}]  {f.documents} document(s)",
                  markup=False)
        for q in f.quotes[:1]:
            out.print(f"    「{q['quote'][:120]}」 — {q['doc']}", markup=False)
    out.print(f"{len(facts)} pairings")


@app.command("registry")
def registry_command(programme: str | None = typer.Option(None, help="援疆 援藏 援青 涉藏州县 东西部协作 灾后重建 对口合作 其他对口支援"),
                     donor: str | None = typer.Option(None, help="donor region name, e.g. 江苏 (a province selects all inside it)"),
                     recipient: str | None = typer.Option(None, help="recipient region name, e.g. 青海"),
                     as_of: int | None = typer.Option(None, "--as-of", metavar="YEAR", help="only arrangements in force that year"),
                     json_output: bool = JsonOption,
                     csv_output: bool = typer.Option(False, "--csv", help="CSV output")) -> None:
    """List the official arrangements shipped with duikou (not corpus evidence): since, until,
    the decision that set them; rows not yet confirmed are marked."""
    from duikou import registry

    if json_output and csv_output:
        err.print("[red]error:[/] give --json or --csv, not both")
        raise typer.Exit(2)
    if programme and programme not in registry.PROGRAMMES:
        err.print(f"[red]error:[/] unknown programme {programme!r} ({' '.join(registry.PROGRAMMES)})")
        raise typer.Exit(2)
    try:
        rows = registry.query(programme, donor, recipient, as_of)
    except LookupError as exc:
        err.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(2)
    if json_output:
        _print_json([registry.record(a, as_of) for a in rows])
        return
    if csv_output:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=list(registry.FLAT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for a in rows:
            writer.writerow(registry.flat(a, as_of))
        return
    for a in rows:
        r = registry.record(a, as_of)
        years = f"{a.since or '?'}–{a.until}" if a.until else f"{a.since or '?'}–"
        mark = "" if a.status == "confirmed" else "  [unconfirmed]"
        out.print(f"{r['donor']['name']} → {r['recipient']['name']}  [{a.programme} {years}]{mark}\n    {a.source}",
                  markup=False)
    unconfirmed = sum(a.status != "confirmed" for a in rows)
    out.print(f"{len(rows)} official arrangements ({unconfirmed} unconfirmed)")


@app.command()
def claims(subject: str | None = typer.Option(None, help="assisting region"),
           object_: str | None = typer.Option(None, "--object", help="assisted region"),
           measure: str | None = typer.Option(None, help="e.g. 援助资金"),
           db: str | None = DbOption, json_output: bool = JsonOption) -> None:
    """List reported figures (money, projects, cadres ...) with their quotes."""
    from duikou.answer.respond import format_period, format_value

    store = _store(db)
    rows = store.claim_rows(subject=_resolve(subject) if subject else None,
                            object_=_resolve(object_) if object_ else None, measure=measure)
    if json_output:
        _print_json([{k: r[k] for k in ("measure", "value", "unit", "qualifier", "period", "subject", "object",
                                         "source_id", "quote", "start", "end")} for r in rows])
        return
    for r in rows:
        who = f"{r['subject'] or '?'} → {r['object'] or '?'}"
        out.print(f"{r['measure']}: {format_value(r['value'], r['unit'])} ({' '.join(x for x in (r['qualifier'], format_period(r['period']) if r['period'] else None) if x) or '-'}) {who}  "
                  f"— {r['source_id']}\n    「{r['quote'][:120]}」", markup=False)
    out.print(f"{len(rows)} claim evidence rows")


@app.command()
def region(name: str, context: str = typer.Option("", help="text around the name, to resolve it"),
           json_output: bool = JsonOption) -> None:
    """Rank the divisions a name may denote, best first, with codes, validity years and why."""
    from duikou.regions.report import describe_candidates, format_candidates

    rows = describe_candidates(name, context)
    if json_output:
        _print_json(rows)
        return
    if not rows:
        out.print(f"no division is called {name!r}", markup=False)
        raise typer.Exit(1)
    out.print(format_candidates(rows), markup=False)


@app.command()
def export(what: str = typer.Argument("pairings", help="pairings or claims"),
           format: str = typer.Option("jsonl", "--format", help="jsonl, csv or parquet"),
           output: Path | None = typer.Option(None, "--output", "-o", help="file (default: stdout)"),
           db: str | None = DbOption) -> None:
    """Export one row per piece of evidence; each quote is the clean text from start to end."""
    from duikou.exporting import export as run_export

    if what not in {"pairings", "claims"}:
        err.print(f"[red]error:[/] export what? {what!r} (pairings or claims)")
        raise typer.Exit(2)
    store = _store(db)
    try:
        if format == "parquet" or output:
            if format == "parquet":
                n = run_export(store, what, format, path=str(output) if output else None)
            else:
                with open(output, "w", encoding="utf-8", newline="") as f:  # type: ignore[arg-type]
                    n = run_export(store, what, format, out=f)
        else:
            n = run_export(store, what, format, out=sys.stdout)
    except (ValueError, RuntimeError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
    err.print(f"{n} rows exported")


@app.command()
def stats(db: str | None = DbOption, json_output: bool = JsonOption) -> None:
    """Counts of documents, pairings, claims and evidence in the database."""
    counts = _store(db).counts()
    if json_output:
        _print_json(counts)
        return
    for key, value in counts.items():
        out.print(f"{key:>20}: {value}")


@app.command()
def serve(db: str | None = DbOption,
          host: str = typer.Option("127.0.0.1", help="address to bind (default: this machine only)"),
          port: int = typer.Option(8000, help="TCP port"),
          token_file: Path | None = typer.Option(None, "--token-file", help="file holding the bearer token of "
                                                 "the write endpoints (else $DUIKOU_API_TOKEN_FILE or $DUIKOU_API_TOKEN)"),
          ingest_folder: list[Path] = typer.Option([], "--ingest-folder", help="a folder the ingest-by-path "
                                                   "endpoint may read (repeatable; else $DUIKOU_INGEST_FOLDERS)"),
          upload_dir: Path | None = typer.Option(None, "--upload-dir", help="where uploaded files are kept"),
          workers: int = typer.Option(1, help="server processes (each holds its own caches and its own "
                                      "ingest jobs: ask the worker that took a job for its progress)")) -> None:
    """Serve the web app and the JSON API (OpenAPI at /docs). Reads are public; writes need the
    token. Binds 127.0.0.1 unless --host says otherwise."""
    import os

    import uvicorn

    from duikou.web import create_app
    from duikou.web.security import WebConfig

    store = _store(db)
    try:
        config = WebConfig.from_env(token_file=token_file, folders=ingest_folder or None, upload_dir=upload_dir)
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/] {exc}", markup=False)
        raise typer.Exit(2)
    writes = "on (token configured)" if config.token else "off (no token configured)"
    err.print(f"duikou serving {db or os.environ.get('DUIKOU_DB') or 'duikou.db'} on http://{host}:{port} "
              f"(API docs /docs); write endpoints {writes}", markup=False)
    if workers > 1:  # uvicorn starts each worker from an import string: pass the settings by environment
        store.engine.dispose()
        os.environ["DUIKOU_SERVE_DB"] = db or ""
        if token_file:
            os.environ["DUIKOU_API_TOKEN_FILE"] = str(token_file.resolve())
        if ingest_folder:
            os.environ["DUIKOU_INGEST_FOLDERS"] = os.pathsep.join(str(f.resolve()) for f in ingest_folder)
        if upload_dir:
            os.environ["DUIKOU_UPLOAD_DIR"] = str(upload_dir.resolve())
        uvicorn.run("duikou.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
        return
    uvicorn.run(create_app(store, config), host=host, port=port, log_level="info")


@app.command("eval")
def eval_command(pages: Path = typer.Option(..., help="pages.jsonl"),
                 pairings: Path | None = typer.Option(None, help="gold_pairings.jsonl"),
                 amounts: Path | None = typer.Option(None, help="gold_amounts.jsonl"),
                 questions: Path | None = typer.Option(None, help="questions.jsonl"),
                 errors: bool = typer.Option(False, "--errors", help="list every false positive and negative"),
                 db: str | None = typer.Option(None, "--db", help="keep the evaluated database here (must be new)"),
                 cv: int = typer.Option(0, "--cv", metavar="K",
                                        help="K-fold cross-validation by page of the learned decisions"),
                 json_output: bool = JsonOption) -> None:
    """Score extraction against gold labels (SPEC §5): precision, recall, F1, relevance accuracy.

    With --cv K, the learned decisions are trained on K-1 folds of the given pages and scored on
    the held-out fold instead (pages are never split across folds)."""
    from duikou.evaluate.run import evaluate

    if cv:
        _eval_cv(pages, pairings, amounts, cv, errors, json_output)
        return
    try:
        result = evaluate(pages, pairings, amounts, questions, db=db)
    except (OSError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2)
    if json_output:
        if not errors:
            _drop_error_lists(result)
            if "questions" in result:
                result["questions"].pop("outcomes", None)
        _print_json(result)
        return
    rel = result["relevance"]
    out.print(f"pages {result['pages']}, documents {result['documents']}")
    out.print(f"relevance accuracy {rel['accuracy']:.3f} ({rel['total']} labelled; wrong: {', '.join(rel['wrong']) or 'none'})")
    for key in ("pairings", "amounts"):
        if key in result:
            _print_score(f"{key:>9}:", result[key], errors)
    if "questions" in result:
        q = result["questions"]
        parts = q["parts"]
        out.print(f"questions: {q['correct']}/{q['total']} correct ({q['accuracy']:.3f}); yes/no parts: "
                  f"{parts['correct']}/{parts['total']} verdicts right"
                  + (f" ({parts['accuracy']:.3f})" if parts["total"] else ""))
        if errors:
            for o in q["outcomes"]:
                if not o["correct"]:
                    detail = "; ".join(f"{p['donor']}: gold {p['gold']}, got {'/'.join(p['got']) or 'no part'}"
                                       for p in o.get("parts", []) if not p["correct"])
                    out.print(f"    wrong: {o['q']} → {o['summary']}" + (f"  [{detail}]" if detail else ""),
                              markup=False)


def _eval_cv(pages: Path, pairings: Path | None, amounts: Path | None, k: int, errors: bool,
             json_output: bool) -> None:
    from duikou.evaluate.crossval import cross_validate

    try:
        result = cross_validate(pages, pairings, amounts, k)
    except (OSError, ValueError) as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2)
    if json_output:
        if not errors:
            _drop_error_lists(result)
        _print_json(result)
        return
    out.print(f"pages {result['pages']}, documents {result['documents']}, {k}-fold cross-validation by page")
    for key in ("pairings", "amounts"):
        if key not in result:
            continue
        r = result[key]
        for f in r["folds"]:
            p, rec, f1 = f["scores"]
            out.print(f"{key:>9} fold {f['fold']} ({f['pages']} pages): precision {p:.3f}  recall {rec:.3f}  F1 {f1:.3f}")
        _print_score(f"{key:>9} pooled:", r, errors)


#: The lists of a score (score_pairings, score_amounts) that --errors shows.
ERROR_LISTS = ("false_positives", "false_negatives", "programme_mismatches")


def _drop_error_lists(result: dict) -> None:
    for key in ("pairings", "amounts"):
        if key in result:
            result[key] = {n: v for n, v in result[key].items() if n not in ERROR_LISTS}


def _print_score(label: str, r: dict, errors: bool) -> None:
    """One score line (precision, recall, F1, counts) and, with --errors, every error."""
    out.print(f"{label} precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
              f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    if errors:
        for kind in ("false_positives", "false_negatives"):
            for item in r.get(kind, []):
                out.print(f"    {kind[:-1].replace('_', ' ')}: {json.dumps(item, ensure_ascii=False)}", markup=False)


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m duikou.cli`
    main()
