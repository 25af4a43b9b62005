//! The `plansift` command line: a thin layer over the library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};

use plansift::classify::{Classifier, Rules};
use plansift::document::{BlockKind, Document};
use plansift::eval;
use plansift::extract::{self, Input};
use plansift::fetch;
use plansift::fetch::client::ClientConfig;
use plansift::fetch::crawler::CrawlOptions;
use plansift::fetch::retry::RetryPolicy;
use plansift::figures::{self, Figure};
use plansift::limits::Limits;
use plansift::pipeline::{self, RunOptions};
use plansift::seeds::Location;

/// Exit code: every council processed (fetched, not_modified or changed).
const EXIT_OK: u8 = 0;
/// Exit code: the run finished but at least one council failed (its earlier
/// record, if any, is kept and marked stale).
const EXIT_PARTIAL: u8 = 1;
/// Exit code: the run could not be done at all (bad arguments, unreadable seed
/// list, output or cache not usable).
const EXIT_FATAL: u8 = 2;

/// Turns English councils' productivity plans into structured, classified data.
#[derive(Debug, Parser)]
#[command(name = "plansift", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Process every council of a seed list: one JSON record each, plus
    /// records.jsonl and run.json.
    Run(Box<RunArgs>),
    /// Print one document's structured text.
    Extract(ExtractArgs),
    /// Build the report from a folder of records: index.html, CSV files and
    /// plans.sqlite.
    Report(ReportArgs),
    /// Score records against a hand-labelled gold file: per-label precision,
    /// recall and F1, micro and macro averages, most frequent confusions.
    Eval(EvalArgs),
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// Folder holding the council records (*.json) and run.json.
    #[arg(long, value_name = "DIR", default_value = "out")]
    records: PathBuf,
    /// Folder to write the report into. Default: `report` inside the records folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, clap::Args)]
struct EvalArgs {
    /// Gold units, JSON Lines ({"doc", "text", "themes", "barriers"}).
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Folder of <doc>.json records (a `run` output folder).
    #[arg(long, value_name = "DIR", default_value = "out")]
    records: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// How many confusions to list per kind.
    #[arg(long, value_name = "N", default_value_t = 10)]
    confusions: usize,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Seed list CSV (columns id,name,url). Default: the sample corpus.
    #[arg(long, value_name = "FILE")]
    seeds: Option<PathBuf>,
    /// Output folder for records, records.jsonl and run.json.
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short)]
    quiet: bool,
    /// Classification rules (TOML) to use instead of the built-in rules/classify.toml.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// Rebuild every record, even those whose documents have not changed.
    #[arg(long)]
    rebuild: bool,
    /// Documents extracted and classified at once. Default: one per CPU.
    #[arg(long, short = 'j', value_name = "N", value_parser = parse_count)]
    threads: Option<usize>,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    fetch: FetchArgs,
}

/// How `run` fetches documents over HTTP.
#[derive(Debug, clap::Args)]
struct FetchArgs {
    /// Cache folder for fetched bytes and validators (ETag, Last-Modified).
    #[arg(long, value_name = "DIR", default_value = "corpus/cache")]
    cache: PathBuf,
    /// Use the cache only: send no request; councils not cached fail.
    #[arg(long)]
    offline: bool,
    /// Also fetch loopback, private and link-local addresses (tests, intranets).
    #[arg(long)]
    allow_private: bool,
    /// Contact URL put in the User-Agent: "plansift/<version> (+URL)".
    #[arg(long, value_name = "URL", default_value = fetch::client::DEFAULT_CONTACT_URL)]
    contact: String,
    /// Least gap between two requests to one host (e.g. 1s, 200ms).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    delay: Duration,
    /// Longest robots.txt Crawl-delay honoured.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    max_crawl_delay: Duration,
    /// Time allowed to connect to a server.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    connect_timeout: Duration,
    /// Time allowed for one request, redirects and the whole body included.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    timeout: Duration,
    /// Retries after a timeout, connection error, 429 or 5xx.
    #[arg(long, value_name = "N", default_value_t = 2)]
    retries: u32,
    /// Wait before the first retry, doubled for each next one (plus jitter).
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    retry_backoff: Duration,
    /// Longest Retry-After honoured; a longer one fails the document.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = parse_duration)]
    max_retry_after: Duration,
    /// Redirects followed per request.
    #[arg(long, value_name = "N", default_value_t = 5)]
    max_redirects: usize,
    /// Councils fetched at the same time (one request at a time per host).
    #[arg(long, value_name = "N", default_value_t = 8)]
    concurrency: usize,
}

impl FetchArgs {
    fn options(&self, limits: &Limits) -> CrawlOptions {
        CrawlOptions {
            client: ClientConfig {
                user_agent: fetch::client::user_agent_with_contact(&self.contact),
                connect_timeout: self.connect_timeout,
                total_timeout: self.timeout,
                max_body_bytes: limits.max_document_bytes,
                max_redirects: self.max_redirects,
                allow_private: self.allow_private,
            },
            min_delay: self.delay,
            max_crawl_delay: self.max_crawl_delay,
            retry: RetryPolicy {
                max_retries: self.retries,
                base_backoff: self.retry_backoff,
                max_backoff: Duration::from_secs(30).max(self.retry_backoff),
                max_retry_after: self.max_retry_after,
            },
            cache_dir: self.cache.clone(),
            offline: self.offline,
            concurrency: self.concurrency.max(1),
        }
    }
}

/// Parses `250ms`, `2s`, `1.5s` or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 0.001)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number.trim().parse().map_err(|_| format!("{text:?} is not a duration (use e.g. 200ms or 2s)"))?;
    Duration::try_from_secs_f64(value * scale).map_err(|e| format!("{text:?}: {e}"))
}

#[derive(Debug, clap::Args)]
struct ExtractArgs {
    /// A file path or an http(s) URL.
    #[arg(value_name = "FILE|URL")]
    target: String,
    /// Print the block list and the figures found in it as JSON instead of readable text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Per-document resource limits; the defaults are [`Limits::default`]'s.
#[derive(Debug, clap::Args)]
struct LimitArgs {
    /// Time allowed to extract one document (e.g. 60s, 500ms).
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_positive_duration)]
    time_limit: Duration,
    /// Largest document accepted, before decompression (e.g. 64MiB, 512KiB).
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    max_document_size: u64,
    /// Largest HTML page read; a DOM costs several times its source.
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    max_html_size: u64,
    /// Largest size one compressed PDF stream may inflate to.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    max_inflated_stream: u64,
    /// Largest total of inflated PDF streams in one document.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    max_inflated_document: u64,
    /// Pages read from one PDF; later pages are skipped with a warning.
    #[arg(long, value_name = "N", default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..))]
    max_pages: u32,
    /// Blocks (paragraphs, headings, list items, table rows) kept per document.
    #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = parse_count)]
    max_blocks: usize,
    /// Deepest nesting of PDF Form XObjects followed (at most 32).
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = parse_count)]
    max_object_depth: usize,
    /// Runs of text on one line laid out per PDF page; the rest of the page is cut.
    #[arg(long, value_name = "N", default_value_t = 3_000, value_parser = parse_count)]
    max_fragments_per_page: usize,
    /// Attributes kept in one HTML tag; the rest are removed.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = parse_count)]
    max_attributes_per_tag: usize,
    /// Deepest HTML element nesting kept; deeper elements are flattened.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = parse_count)]
    max_html_depth: usize,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            time_per_document: self.time_limit,
            max_document_bytes: self.max_document_size,
            max_html_bytes: self.max_html_size,
            max_inflated_bytes_per_stream: self.max_inflated_stream,
            max_inflated_bytes_per_document: self.max_inflated_document,
            max_pages: self.max_pages,
            max_blocks: self.max_blocks,
            max_object_depth: self.max_object_depth,
            max_html_depth: self.max_html_depth,
            max_fragments_per_page: self.max_fragments_per_page,
            max_attributes_per_tag: self.max_attributes_per_tag,
        }
    }
}

/// Parses a byte size: a number with an optional binary unit, `B`, `K`/`KiB`,
/// `M`/`MiB` or `G`/`GiB` (`KB`, `MB` and `GB` are read as binary units too).
fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("{text:?} is not a size (use e.g. 64MiB, 512KiB or a number of bytes)")),
    };
    let value: f64 = number.parse().map_err(|_| format!("{text:?} is not a size (use e.g. 64MiB or 512KiB)"))?;
    let bytes = value * scale as f64;
    if !(1.0..=u64::MAX as f64).contains(&bytes) {
        return Err(format!("{text:?} is out of range (at least 1 byte)"));
    }
    Ok(bytes as u64)
}

/// Parses a count of at least 1.
fn parse_count(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

/// Parses a duration that is not zero.
fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    parse_duration(text).and_then(|d| if d.is_zero() { Err("must be more than zero".into()) } else { Ok(d) })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run(args) => run(*args),
        Command::Extract(args) => extract_one(args),
        Command::Report(args) => report(args),
        Command::Eval(args) => evaluate(args),
    };
    ExitCode::from(code)
}

/// The sample corpus's seed list: `corpus/councils.csv` under the current folder,
/// else under the source tree plansift was built from.
fn default_seeds() -> PathBuf {
    let local = Path::new("corpus/councils.csv");
    if local.exists() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/councils.csv")
}

fn run(args: RunArgs) -> u8 {
    let rules = match &args.rules {
        Some(path) => Rules::from_path(path),
        None => Rules::builtin(),
    };
    let classifier = match rules.and_then(Classifier::new) {
        Ok(classifier) => Arc::new(classifier),
        Err(error) => {
            eprintln!("plansift: {error}");
            return EXIT_FATAL;
        }
    };
    let limits = args.limits.limits();
    let options = RunOptions {
        classifier,
        seeds: args.seeds.unwrap_or_else(default_seeds),
        out_dir: args.out,
        fetch: args.fetch.options(&limits),
        rebuild: args.rebuild,
        threads: args.threads,
        limits,
        progress: !args.quiet && std::io::stderr().is_terminal(),
    };
    match pipeline::run(&options) {
        Ok(report) => {
            for council in report.councils.iter().filter(|c| c.reason.is_some()) {
                let kept = if council.stale { " (earlier record kept, marked stale)" } else { "" };
                eprintln!("plansift: {}: {}{kept}", council.id, council.reason.as_deref().unwrap_or_default());
            }
            if !args.quiet {
                let totals = &report.totals;
                eprintln!(
                    "plansift: {} councils: {} fetched, {} changed, {} not modified, {} failed; {} requests; records in {}",
                    totals.councils,
                    totals.fetched,
                    totals.changed,
                    totals.not_modified,
                    totals.failed,
                    totals.requests,
                    options.out_dir.display()
                );
            }
            if report.totals.failed > 0 {
                EXIT_PARTIAL
            } else {
                EXIT_OK
            }
        }
        Err(error) => {
            eprintln!("plansift: {error}");
            EXIT_FATAL
        }
    }
}

fn report(args: ReportArgs) -> u8 {
    let out = args.out.unwrap_or_else(|| args.records.join("report"));
    match plansift::report::write(&args.records, &out) {
        Ok(written) => {
            if !args.quiet {
                eprintln!(
                    "plansift: report of {} councils ({} units) in {}",
                    written.councils,
                    written.paragraphs,
                    out.display()
                );
            }
            EXIT_OK
        }
        Err(error) => {
            eprintln!("plansift: {error}");
            EXIT_FATAL
        }
    }
}

fn evaluate(args: EvalArgs) -> u8 {
    let gold = match eval::read_gold(&args.gold) {
        Ok(gold) => gold,
        Err(error) => {
            eprintln!("plansift: {error}");
            return EXIT_FATAL;
        }
    };
    let (records, kinds) = match eval::read_records_with_kinds(&args.records) {
        Ok(read) => read,
        Err(error) => {
            eprintln!("plansift: {error}");
            return EXIT_FATAL;
        }
    };
    let report = eval::evaluate_with_kinds(&gold, &records, &kinds, args.confusions);
    if args.json {
        write_stdout(&format!("{}\n", serde_json::to_string_pretty(&report).unwrap_or_default()))
    } else {
        write_stdout(&report.to_text())
    }
}

/// Writes `text` to standard output. A reader that stops reading (`| head`) ends
/// the output, not the program with a panic: a closed pipe counts as success, as
/// the reader asked for no more; any other write error is reported.
fn write_stdout(text: &str) -> u8 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(error) => {
            eprintln!("plansift: cannot write the output: {error}");
            EXIT_FATAL
        }
    }
}

fn extract_one(args: ExtractArgs) -> u8 {
    let limits = args.limits.limits();
    let location = match Location::parse(&args.target, Path::new("")) {
        Ok(location) => location,
        Err(error) => {
            eprintln!("plansift: {}: {error}", args.target);
            return EXIT_FATAL;
        }
    };
    let fetched = match fetch::fetch(&location, limits.max_document_bytes, limits.time_per_document) {
        Ok(fetched) => fetched,
        Err(error) => {
            eprintln!("plansift: {error}");
            return EXIT_FATAL;
        }
    };
    let input =
        Input { bytes: &fetched.bytes, content_type: fetched.content_type.as_deref(), name: Some(&fetched.final_url) };
    let document = match extract::extract(&input, &limits) {
        Ok(document) => document,
        Err(error) => {
            eprintln!("plansift: {}: {error}", args.target);
            return EXIT_PARTIAL;
        }
    };
    let output = if args.json {
        match figures::find_figures(&plansift::segment::segment(std::slice::from_ref(&document))) {
            Ok(figures) => to_json(&document, &figures),
            Err(error) => {
                eprintln!("plansift: {error}");
                return EXIT_FATAL;
            }
        }
    } else {
        readable(&document)
    };
    let written = write_stdout(&output);
    for warning in &document.warnings {
        eprintln!("plansift: warning: {}", warning.message);
    }
    written
}

/// `extract --json` output: the document's fields (blocks included) and the
/// figures of its text blocks, with paragraph ids as in the record.
#[derive(serde::Serialize)]
struct ExtractOutput<'a> {
    #[serde(flatten)]
    document: &'a Document,
    figures: &'a [Figure],
}

fn to_json(document: &Document, figures: &[Figure]) -> String {
    let mut text = serde_json::to_string_pretty(&ExtractOutput { document, figures }).unwrap_or_default();
    text.push('\n');
    text
}

/// Headings as `#` lines, list items as `- `, table rows as `| `, a rule at each
/// new page.
fn readable(document: &Document) -> String {
    let mut out = String::new();
    let mut page = None;
    for block in &document.blocks {
        if block.page.is_some() && block.page != page {
            page = block.page;
            out.push_str(&format!("--- page {} ---\n\n", block.page.unwrap_or_default()));
        }
        match block.kind {
            BlockKind::Heading => {
                out.push_str(&"#".repeat(block.level.unwrap_or(1) as usize));
                out.push(' ');
            }
            BlockKind::ListItem => out.push_str("- "),
            BlockKind::TableRow => out.push_str("| "),
            BlockKind::Paragraph => {}
        }
        out.push_str(&block.text);
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_milliseconds_seconds_or_bare_seconds() {
        assert_eq!(parse_duration("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn sizes_take_binary_units_or_bytes() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("12 furlongs").is_err());
    }

    #[test]
    fn limit_flags_default_to_the_library_defaults() {
        let cli = Cli::try_parse_from(["plansift", "extract", "x.pdf"]).unwrap();
        let Command::Extract(args) = cli.command else { panic!("not extract") };
        assert_eq!(args.limits.limits(), Limits::default());
    }

    #[test]
    fn every_limit_has_a_flag() {
        let cli = Cli::try_parse_from([
            "plansift",
            "run",
            "--time-limit",
            "2s",
            "--max-document-size",
            "1MiB",
            "--max-html-size",
            "2MiB",
            "--max-inflated-stream",
            "3MiB",
            "--max-inflated-document",
            "4MiB",
            "--max-pages",
            "5",
            "--max-blocks",
            "6",
            "--max-object-depth",
            "7",
            "--max-html-depth",
            "8",
            "--max-fragments-per-page",
            "9",
            "--max-attributes-per-tag",
            "10",
        ])
        .unwrap();
        let Command::Run(args) = cli.command else { panic!("not run") };
        let expected = Limits {
            time_per_document: Duration::from_secs(2),
            max_document_bytes: 1 << 20,
            max_html_bytes: 2 << 20,
            max_inflated_bytes_per_stream: 3 << 20,
            max_inflated_bytes_per_document: 4 << 20,
            max_pages: 5,
            max_blocks: 6,
            max_object_depth: 7,
            max_html_depth: 8,
            max_fragments_per_page: 9,
            max_attributes_per_tag: 10,
        };
        assert_eq!(args.limits.limits(), expected);
        assert!(Cli::try_parse_from(["plansift", "run", "--max-pages", "0"]).is_err());
    }
}
