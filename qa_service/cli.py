"""The command line: people get readable output, programs get JSON (--json). Errors: `Error: …`, exit 1."""
from __future__ import annotations

import functools
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import cli_serve
from .answer import Answerer
from .errors import QAError
from .evaluate import evaluate, load_questions
from .index import open_index
from .ingest import ensure_index, ingest as ingest_files, read_report
from .knowledge import Knowledge, load_knowledge
from .structure import check_record
from .model import Answer, Report
from .questionlog import QuestionLog
from .settings import Settings, load_settings
from .numbers import fmt
from .terminal import clean

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="年报问答: answers questions about 政府信息公开工作年度报告.")
# Much of what is printed comes from users or from report files: no emoji codes, and every such piece goes
# through _t (into markup) or _plain (markup off), so `[/red]` prints as typed and escape codes never pass.
out = Console(highlight=False, soft_wrap=True, emoji=False, width=max(Console().width, 140))
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # an error naming a long path stays one line

DbOption = typer.Option(None, "--db", help="Index file (default: $QA_DB, else a user cache path)")


def _t(text: object) -> str:
    """Text from a user or a file, to place inside markup: cleaned for the terminal and printed as written."""
    return escape(clean(str(text)))


def _plain(console: Console, text: object, **kwargs) -> None:
    """Print text from a user or a file on its own, markup off, cleaned for the terminal."""
    console.print(clean(str(text)), markup=False, **kwargs)


def command(fn):
    """Register a command whose domain errors become `Error: …` and exit 1 (the one error mapping of the CLI)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (QAError, OSError, ValueError) as e:
            _plain(err, f"Error: {e}")
            raise typer.Exit(1) from None
    return app.command(fn.__name__.rstrip("_"))(run)


def _settings(db: Optional[Path]) -> Settings:
    return load_settings(db=db)


def _knowledge(settings: Settings) -> Knowledge:
    """The knowledge folder the settings name ($QA_KNOWLEDGE, else the shipped one), loaded once per command."""
    return load_knowledge(settings.knowledge)


def _answerer(settings: Settings) -> Answerer:
    knowledge = _knowledge(settings)
    return Answerer(open_index(ensure_index(settings.db, knowledge)), knowledge, default_body=settings.default_body)


def _show(a: Answer) -> None:
    _plain(out, a.answer)
    if a.found and a.source:
        where = " ".join(x for x in (a.source.title, a.source.section, a.source.row, a.source.column) if x)
        out.print(f"[dim]来源：{_t(where)}[/dim]")
        out.print(f"[dim]原文：{_t(a.passage)}[/dim]")


@command
def ask(question: str = typer.Argument(..., help="The question, or - to read one question per line from stdin"),
        as_json: bool = typer.Option(False, "--json", help="Print the answer object as JSON"),
        report: Optional[str] = typer.Option(None, "--report", help="Ask this report (its id) only"),
        db: Optional[Path] = DbOption) -> None:
    """Answer a question from the indexed reports."""
    settings = _settings(db)
    answerer = _answerer(settings)
    log = QuestionLog.from_settings(settings)
    questions = (line.rstrip("\r\n") for line in sys.stdin) if question == "-" else [question]
    try:
        for q in questions:
            start = time.perf_counter()
            a = answerer.ask(q, report)
            log.record("cli", a, (time.perf_counter() - start) * 1000)
            if as_json:
                sys.stdout.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                _show(a)
    finally:
        log.close()


@command
def ingest(files: list[Path] = typer.Argument(..., help="Report files (.txt .html .docx .md .pdf)"),
           body: Optional[str] = typer.Option(None, "--body", help="The body's name, when the files do not say it"),
           year: Optional[int] = typer.Option(None, "--year", help="The year reported on, when the files do not say it"),
           db: Optional[Path] = DbOption) -> None:
    """Add reports to the index (a report replaces the one of the same body and year). A file that cannot be read
    is skipped and named; the others are written together (exit 1 when any was refused)."""
    settings = _settings(db)
    knowledge = _knowledge(settings)
    refused: list[tuple[Path, str]] = []
    with _progress(len(files), always=knowledge.note("waiting")) as step:
        reports = ingest_files(files, settings.db, knowledge, progress=step, refused=refused, body=body, year=year)
    for r in reports:
        _print_report(r)
    for path, reason in refused:
        err.print(f"[red]未载入[/red] {_t(path.name)}：{_t(reason)}")
    if reports:
        out.print(f"已写入 {_t(settings.db)}")
    if len(files) > 1 or refused:
        out.print(f"共{len(files)}个文件：载入{len(reports)}个，未载入{len(refused)}个")
    if refused:
        raise typer.Exit(1)


@contextmanager
def _progress(files: int, always: str):
    """A bar on a terminal when there are many files (still printing `always`: waiting for another ingest);
    else one dim line per step."""
    if files < 5 or not err.is_terminal:
        yield lambda msg: err.print(f"[dim]{_t(msg)}[/dim]")
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("读取", total=files)

        def step(msg: str) -> None:
            if msg.startswith("读取"):
                bar.update(task, advance=1, description=_t(msg))
            elif msg == always:
                err.print(f"[dim]{_t(msg)}[/dim]")
        yield step


def _print_report(r: Report) -> None:
    failed = [c for c in r.checks if not c.ok]
    out.print(f"[bold]{_t(r.title)}[/bold]  ({_t(r.source)})")
    out.print(f"  机关：{_t(r.body)}  年度：{r.year}  格式版本：{_t(r.version)}  落款日期：{_t(r.published or '—')}")
    out.print(f"  段落句子：{len(r.passages)}  数字事实：{len(r.facts)}  "
              f"勾稽核对：{len(r.checks) - len(failed)}/{len(r.checks)} 通过")
    for c in failed:
        out.print(f"  [red]不符[/red] {_t(c.rule)}：{_t(c.detail)}")
    for note in r.notes:
        out.print(f"  [yellow]说明[/yellow] {_t(note)}")


@command
def reports(as_json: bool = typer.Option(False, "--json"), db: Optional[Path] = DbOption) -> None:
    """List the indexed reports (body, year, version)."""
    settings = _settings(db)
    index = open_index(ensure_index(settings.db, _knowledge(settings)))
    rows = index.reports()
    if as_json:
        out.print_json(data=rows)
        return
    table = Table("id", "机关", "年度", "格式", "句子", "事实", "来源文件", "载入时间")
    for r in rows:
        table.add_row(*(_t(r[k]) for k in ("id", "body", "year", "version", "passages", "facts", "source",
                                            "ingested_at")))
    out.print(table)


@command
def eval_(questions: Path = typer.Argument(..., help="JSONL question file (id, q, expect) as in shared/eval"),
          show_failures: bool = typer.Option(False, "--failures", help="List the questions answered wrongly"),
          db: Optional[Path] = DbOption) -> None:
    """Accuracy of the answers on a question file."""
    answerer = _answerer(_settings(db))
    result = evaluate(load_questions(questions), lambda q: answerer.ask(q).to_dict())
    out.print(f"accuracy {result.accuracy:.3f} ({result.correct}/{result.total}); "
              f"answered-but-wrong {result.wrong_rate:.3f} ({result.wrong}/{result.answered})")
    if show_failures:
        for f in result.failures:
            _plain(out, json.dumps(f, ensure_ascii=False))


@command
def check(files: list[Path] = typer.Argument(..., help="Report files to check before publishing"),
          as_json: bool = typer.Option(False, "--json", help="One JSON object per file per line"),
          body: Optional[str] = typer.Option(None, "--body", help="The body's name, when the file does not say it"),
          year: Optional[int] = typer.Option(None, "--year", help="The year reported on, when the file does not say it"),
          ) -> None:
    """Print the tables as placed and every consistency problem. Exit 0 when every file was read and every rule
    holds, 1 when a rule fails, 2 when a file could not be read."""
    knowledge = _knowledge(load_settings())
    status = 0
    for file in files:
        try:
            r = read_report(file, knowledge, body=body, year=year)
        except QAError as e:
            status = 2
            if as_json:
                _json_line({"file": str(file), "error": str(e)})
            else:
                _plain(err, f"Error: {e}")
            continue
        if any(not c.ok for c in r.checks):
            status = max(status, 1)
        if as_json:
            _json_line(check_record(str(file), r, knowledge))
        else:
            _print_tables(r)
            _print_report(r)
    if len(files) > 1 and not as_json:
        out.print(f"共{len(files)}个文件；退出码 {status}（0 全部读入且核对通过，1 有核对不符，2 有文件无法读取）")
    if status:
        raise typer.Exit(status)


def _json_line(data: dict) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _print_tables(r: Report) -> None:
    """One table per block (table 二 has a block per 第二十条 item), labelled by the last part of the row path."""
    for prefix in "二三四":
        facts = [f for f in r.facts if f.kind == "table" and f.section.startswith(prefix)]
        if not facts:
            out.print(f"[red]表{prefix}：没有放置任何数字[/red]")
            continue
        blocks: dict[str, list] = {}
        for f in facts:
            blocks.setdefault(f.row[0] if prefix == "二" else f.section, []).append(f)
        for title, block in blocks.items():
            columns = list(dict.fromkeys(f.column[-1] for f in block))
            rows: dict[str, dict[str, str]] = {}
            for f in block:
                label = "/".join(f.row[1:]) if prefix == "二" else "/".join(f.row) if prefix == "四" else f.row[-1]
                rows.setdefault(label[:24], {})[f.column[-1]] = fmt(f.value) + (f.unit if f.unit in ("万元", "%") else "")
            table = Table("", *(_t(c) for c in columns), title=_t(title), title_justify="left")
            for label, cells in rows.items():
                table.add_row(_t(label), *(_t(cells.get(c, "")) for c in columns))
            out.print(table)


@command
def serve(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
          workers: int = typer.Option(1, "--workers"), db: Optional[Path] = DbOption) -> None:
    """Serve the HTTP API, the WeChat endpoint and the chat page."""
    settings = _settings(db)
    for warning in cli_serve.warnings(settings):
        err.print(f"[yellow]Warning:[/yellow] {_t(warning)}")
    cli_serve.serve(host, port, workers, settings)


@command
def log(limit: int = typer.Option(20, "--limit"), db: Optional[Path] = DbOption) -> None:
    """The most asked, unanswered and down-voted questions."""
    out.print(cli_serve.show_log(_settings(db), limit), end="", markup=False)  # show_log cleans what users wrote


def main() -> None:
    try:
        app()
    except Exception as e:  # a bug: still no traceback for the person at the terminal
        _plain(err, f"Error: unexpected failure ({type(e).__name__}: {e})")
        sys.exit(1)
