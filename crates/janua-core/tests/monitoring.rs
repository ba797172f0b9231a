//! The alert rules and the Grafana dashboard in `deploy/monitoring` use only what Janua
//! records: every `janua_*` series they name is in [`CATALOGUE`] (a histogram through its
//! `_bucket`, `_sum` or `_count` series), every label they select or group by is one of that
//! metric's labels, and the dashboard shows every metric (nothing is recorded that nobody sees).
//!
//! There is no YAML parser among the dependencies, so the few keys needed from `alerts.yaml`
//! (`alert`, `expr`, `labels.severity`, `annotations.summary`) are read line by line: plain,
//! quoted and block (`|`, `>`) scalars. PromQL is read with a small lexer that skips strings.

use janua_core::metrics::{CATALOGUE, Kind};
use std::collections::BTreeSet;
use std::path::PathBuf;

const ALERTS: &str = "deploy/monitoring/alerts.yaml";
const DASHBOARD: &str = "deploy/monitoring/grafana-dashboard.json";

/// Labels Prometheus attaches to every scraped series itself (target labels); Janua records
/// none of them, so selecting or grouping by them is always fine.
const TARGET_LABELS: &[&str] = &["job", "instance", "pod", "namespace"];

fn read(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

// --- The catalogue -----------------------------------------------------------------------------

type Entry = (&'static str, Kind, &'static [&'static str], &'static str);

fn entry(name: &str) -> Option<&'static Entry> {
    CATALOGUE.iter().find(|e| e.0 == name)
}

/// A series name resolved to its catalogued metric.
struct Resolved {
    base: &'static str,
    labels: &'static [&'static str],
    /// A histogram's `_bucket` series, which also has `le`.
    bucket: bool,
}

fn resolve(name: &str) -> Result<Resolved, String> {
    if let Some(e) = entry(name) {
        if e.1 == Kind::Histogram {
            return Err(format!(
                "{name} is a histogram: it has no series of that name, use {name}_bucket, {name}_sum or {name}_count"
            ));
        }
        return Ok(Resolved { base: e.0, labels: e.2, bucket: false });
    }
    for suffix in ["_bucket", "_sum", "_count"] {
        if let Some(e) = name.strip_suffix(suffix).and_then(entry)
            && e.1 == Kind::Histogram
        {
            return Ok(Resolved { base: e.0, labels: e.2, bucket: suffix == "_bucket" });
        }
    }
    Err(format!("unknown metric {name}: it is not in janua_core::metrics::CATALOGUE"))
}

/// Whether `label` can be selected or grouped by on `name`.
fn label_ok(name: &str, r: &Resolved, label: &str) -> Result<(), String> {
    // A metric label that clashes with a target label is stored as exported_<label>.
    if let Some(own) = label.strip_prefix("exported_")
        && TARGET_LABELS.contains(&own)
        && r.labels.contains(&own)
    {
        return Ok(());
    }
    if TARGET_LABELS.contains(&label) {
        if r.labels.contains(&label) {
            return Err(format!(
                "`{label}` on {name} is the scrape target's {label}; the metric's own `{label}` label is \
                 stored by Prometheus as `exported_{label}`"
            ));
        }
        return Ok(());
    }
    if label == "le" {
        return if r.bucket {
            Ok(())
        } else {
            Err(format!("`le` is a label of histogram buckets only, not of {name}"))
        };
    }
    if label == "__name__" || r.labels.contains(&label) {
        return Ok(());
    }
    Err(format!("label `{label}` is not a label of {name} (CATALOGUE labels of {}: {:?})", r.base, r.labels))
}

// --- PromQL, just enough -----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str,
    Num,
    Punct(char),
}

fn lex(expr: &str) -> Vec<Tok> {
    let chars: Vec<char> = expr.chars().collect();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '\'' || c == '`' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                if chars[i] == '\\' && c != '`' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            toks.push(Tok::Str);
        } else if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c.is_ascii_digit() || c == '.' {
            // numbers and durations (5m, 1e3, 0.99) are one token, never an identifier
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            toks.push(Tok::Num);
        } else if c.is_ascii_alphabetic() || c == '_' || c == ':' {
            let start = i;
            while i < chars.len() && ident(chars[i]) {
                i += 1;
            }
            toks.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            toks.push(Tok::Punct(c));
            i += 1;
        }
    }
    toks
}

/// The index of the parenthesis matching the one at `at`, searching forward from `(` or
/// backward from `)`.
fn matching(toks: &[Tok], at: usize, forward: bool) -> Option<usize> {
    let (open, close) = if forward { ('(', ')') } else { (')', '(') };
    let mut depth = 0usize;
    let mut k = at;
    loop {
        match toks.get(k)? {
            Tok::Punct(c) if *c == open => depth += 1,
            Tok::Punct(c) if *c == close => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
        if forward {
            k += 1;
        } else {
            k = k.checked_sub(1)?;
        }
    }
}

struct Grouping {
    keyword: String,
    labels: Vec<String>,
    /// Token range (exclusive both ends) of the expression aggregated.
    argument: Option<(usize, usize)>,
}

struct Analysis {
    /// Every `janua_*` series named (outside strings), with its token index.
    metrics: Vec<(String, usize)>,
    /// (token index of the metric, label) for every matcher of a `janua_*{...}` selector.
    matchers: Vec<(usize, String)>,
    /// Every `by (...)` and `without (...)` clause.
    groupings: Vec<Grouping>,
}

fn analyse(expr: &str) -> Analysis {
    let toks = lex(expr);
    let mut metrics = Vec::new();
    let mut matchers = Vec::new();
    let mut groupings = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Ident(name) if name.starts_with("janua_") => {
                metrics.push((name.clone(), i));
                if toks.get(i + 1) == Some(&Tok::Punct('{')) {
                    let mut j = i + 2;
                    let mut expect_label = true;
                    while j < toks.len() && toks[j] != Tok::Punct('}') {
                        match &toks[j] {
                            Tok::Ident(label) if expect_label => {
                                matchers.push((i, label.clone()));
                                expect_label = false;
                            }
                            Tok::Punct(',') => expect_label = true,
                            _ => {}
                        }
                        j += 1;
                    }
                    i = j;
                }
            }
            Tok::Ident(keyword)
                if (keyword == "by" || keyword == "without") && toks.get(i + 1) == Some(&Tok::Punct('(')) =>
            {
                let mut j = i + 2;
                let mut labels = Vec::new();
                while j < toks.len() && toks[j] != Tok::Punct(')') {
                    if let Tok::Ident(label) = &toks[j] {
                        labels.push(label.clone());
                    }
                    j += 1;
                }
                // `sum by (l) (arg)`, or `sum(arg) by (l)`
                let argument = if toks.get(j + 1) == Some(&Tok::Punct('(')) {
                    matching(&toks, j + 1, true).map(|end| (j + 1, end))
                } else if i > 0 && toks[i - 1] == Tok::Punct(')') {
                    matching(&toks, i - 1, false).map(|start| (start, i - 1))
                } else {
                    None
                };
                groupings.push(Grouping { keyword: keyword.clone(), labels, argument });
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    Analysis { metrics, matchers, groupings }
}

/// Problems with the series an expression names.
fn metric_problems(expr: &str) -> Vec<String> {
    analyse(expr).metrics.iter().filter_map(|(name, _)| resolve(name).err()).collect()
}

/// The catalogued metrics an expression uses.
fn metrics_used(expr: &str) -> Vec<&'static str> {
    analyse(expr).metrics.iter().filter_map(|(name, _)| resolve(name).ok().map(|r| r.base)).collect()
}

/// Problems with the labels an expression selects (`janua_x{label=...}`) or groups by
/// (`by (label)`, `without (label)`) on `janua_*` metrics.
fn label_problems(expr: &str) -> Vec<String> {
    let a = analyse(expr);
    let mut out = Vec::new();
    for (tok, label) in &a.matchers {
        let Some((name, _)) = a.metrics.iter().find(|(_, t)| t == tok) else { continue };
        if let Ok(r) = resolve(name)
            && let Err(e) = label_ok(name, &r, label)
        {
            out.push(format!("selector {name}{{{label}...}}: {e}"));
        }
    }
    for g in &a.groupings {
        let clause = format!("{} ({})", g.keyword, g.labels.join(", "));
        let Some((lo, hi)) = g.argument else {
            out.push(format!("{clause}: cannot tell which expression it aggregates"));
            continue;
        };
        for (name, _) in a.metrics.iter().filter(|(_, t)| *t > lo && *t < hi) {
            let Ok(r) = resolve(name) else { continue };
            for label in &g.labels {
                if let Err(e) = label_ok(name, &r, label) {
                    out.push(format!("{clause}: {e}"));
                }
            }
        }
    }
    out
}

// --- alerts.yaml, just enough ------------------------------------------------------------------

#[derive(Debug, Default)]
struct Rule {
    /// 1-based line of `alert:` (or `record:`).
    line: usize,
    is_alert: bool,
    name: String,
    expr: String,
    severity: String,
    summary: String,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// `key: value` on a line (after any `- `): the key's column, the key and the raw value.
fn key_line(line: &str) -> Option<(usize, String, String)> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let mut col = indent(line);
    let mut rest = trimmed;
    while let Some(r) = rest.strip_prefix('-') {
        if !(r.is_empty() || r.starts_with(' ')) {
            break;
        }
        let r = r.trim_start();
        col += rest.len() - r.len();
        rest = r;
    }
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))?;
    if end == 0 {
        return None;
    }
    let value = rest[end..].strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((col, rest[..end].to_string(), value.trim().to_string()))
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => {}
                },
                c => out.push(c),
            }
        }
        out
    } else if let Some(inner) = s.strip_prefix('\'') {
        let mut out = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\'' {
                out.push(c);
            } else if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
            } else {
                break;
            }
        }
        out
    } else {
        // a plain scalar ends where a comment starts
        match s.find(" #") {
            Some(k) => s[..k].trim_end().to_string(),
            None => s.to_string(),
        }
    }
}

/// The scalar value of the key on line `i` (at column `col`) and the index of the line after
/// it: a block scalar (`|`, `>`, with any indicators) takes the following more-indented lines;
/// a plain or quoted one may continue on more-indented lines; an empty one (a nested mapping
/// or list follows) is empty.
fn scalar(lines: &[&str], i: usize, col: usize, value: &str) -> (String, usize) {
    let mut j = i + 1;
    if value.starts_with('|') || value.starts_with('>') {
        let mut body: Vec<&str> = Vec::new();
        while j < lines.len() && (lines[j].trim().is_empty() || indent(lines[j]) > col) {
            body.push(lines[j]);
            j += 1;
        }
        while matches!(body.last(), Some(l) if l.trim().is_empty()) {
            body.pop();
        }
        let strip = body.iter().filter(|l| !l.trim().is_empty()).map(|l| indent(l)).min().unwrap_or(0);
        let text: Vec<&str> = body.into_iter().map(|l| l.get(strip..).unwrap_or("")).collect();
        let joined = text.join(if value.starts_with('|') { "\n" } else { " " });
        return (joined.trim().to_string(), j);
    }
    if value.is_empty() {
        return (String::new(), j);
    }
    let mut text = value.to_string();
    while j < lines.len()
        && !lines[j].trim().is_empty()
        && indent(lines[j]) > col
        && !lines[j].trim_start().starts_with('#')
    {
        text.push(' ');
        text.push_str(lines[j].trim());
        j += 1;
    }
    (unquote(&text), j)
}

/// `{a: b, c: "d"}`
fn flow_map(value: &str) -> Vec<(String, String)> {
    let inner = value.trim().trim_start_matches('{').trim_end_matches('}');
    inner
        .split(',')
        .filter_map(|pair| {
            let (k, v) = pair.split_once(':')?;
            Some((k.trim().to_string(), unquote(v)))
        })
        .collect()
}

fn set(rule: &mut Rule, section: &str, key: &str, value: String) {
    match (section, key) {
        ("labels", "severity") => rule.severity = value,
        ("annotations", "summary") => rule.summary = value,
        _ => {}
    }
}

/// The rules of a Prometheus rule file (alerting and recording).
fn parse_rules(text: &str) -> Vec<Rule> {
    let lines: Vec<&str> = text.lines().collect();
    let mut rules = Vec::new();
    // The rule being read and the column of its keys.
    let mut current: Option<(Rule, usize)> = None;
    // `labels` or `annotations` while reading their keys.
    let mut section: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let Some((col, key, value)) = key_line(lines[i]) else {
            i += 1;
            continue;
        };
        let (text, next) = scalar(&lines, i, col, &value);
        if key == "alert" || key == "record" {
            rules.extend(current.take().map(|(rule, _)| rule));
            section = None;
            let rule = Rule { line: i + 1, is_alert: key == "alert", name: text, ..Rule::default() };
            current = Some((rule, col));
        } else if let Some(rule_col) = current.as_ref().map(|(_, c)| *c) {
            if col == rule_col {
                section = None;
                let rule = &mut current.as_mut().expect("a rule is being read").0;
                match key.as_str() {
                    "expr" => rule.expr = text,
                    "labels" | "annotations" if value.starts_with('{') => {
                        for (k, v) in flow_map(&value) {
                            set(rule, &key, &k, v);
                        }
                    }
                    "labels" | "annotations" => section = Some(key.clone()),
                    _ => {}
                }
            } else if col > rule_col {
                if let Some(sec) = section.as_deref() {
                    set(&mut current.as_mut().expect("a rule is being read").0, sec, &key, text);
                }
            } else {
                // a key outside the rule (the next group): the rule is complete
                rules.extend(current.take().map(|(rule, _)| rule));
                section = None;
            }
        }
        i = next;
    }
    rules.extend(current.take().map(|(rule, _)| rule));
    rules
}

// --- The dashboard -----------------------------------------------------------------------------

struct Panel {
    title: String,
    exprs: Vec<String>,
}

/// Every panel with at least one query, rows' nested panels included.
fn panels_with_targets(panels: &serde_json::Value, out: &mut Vec<Panel>) {
    for p in panels.as_array().into_iter().flatten() {
        let exprs: Vec<String> = p["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["expr"].as_str())
            .filter(|e| !e.trim().is_empty())
            .map(str::to_string)
            .collect();
        if !exprs.is_empty() {
            let title = p["title"].as_str().unwrap_or("(untitled)").to_string();
            out.push(Panel { title, exprs });
        }
        panels_with_targets(&p["panels"], out);
    }
}

fn dashboard() -> serde_json::Value {
    serde_json::from_str(&read(DASHBOARD)).unwrap_or_else(|e| panic!("{DASHBOARD} is not valid JSON: {e}"))
}

fn dashboard_panels(dashboard: &serde_json::Value) -> Vec<Panel> {
    let mut panels = Vec::new();
    panels_with_targets(&dashboard["panels"], &mut panels);
    panels
}

// --- Tests -------------------------------------------------------------------------------------

#[test]
fn alert_rules_are_complete_and_use_only_catalogued_metrics() {
    let rules = parse_rules(&read(ALERTS));
    let alerts: Vec<&Rule> = rules.iter().filter(|r| r.is_alert).collect();
    assert!(
        alerts.len() >= 10,
        "{ALERTS}: only {} alerts found; is the file (or this parser) broken?",
        alerts.len()
    );
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for r in &rules {
        let at = format!("{ALERTS}:{} ({})", r.line, r.name);
        if r.name.trim().is_empty() {
            problems.push(format!("{at}: empty alert/record name"));
        }
        if r.expr.trim().is_empty() {
            problems.push(format!("{at}: empty expr"));
        }
        for e in metric_problems(&r.expr) {
            problems.push(format!("{at}: {e}"));
        }
        if !r.is_alert {
            continue;
        }
        if !names.insert(r.name.clone()) {
            problems.push(format!("{at}: alert defined twice"));
        }
        if !["page", "ticket"].contains(&r.severity.as_str()) {
            problems.push(format!("{at}: labels.severity is {:?}, want page or ticket", r.severity));
        }
        if r.summary.trim().is_empty() {
            problems.push(format!("{at}: empty annotations.summary"));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn dashboard_uses_only_catalogued_metrics_and_shows_every_one() {
    let dashboard = dashboard();
    let panels = dashboard_panels(&dashboard);
    assert!(panels.len() >= 15, "{DASHBOARD}: only {} panels with queries, want at least 15", panels.len());

    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    for p in &panels {
        for expr in &p.exprs {
            for e in metric_problems(expr) {
                problems.push(format!("{DASHBOARD}, panel {:?}: {e}", p.title));
            }
            used.extend(metrics_used(expr));
        }
    }
    // The template variables' queries (label_values(...)) name metrics too.
    let variables = dashboard["templating"]["list"].as_array().cloned().unwrap_or_default();
    for v in &variables {
        let queries = [v["query"].as_str(), v["query"]["query"].as_str(), v["definition"].as_str()];
        for q in queries.into_iter().flatten() {
            for e in metric_problems(q) {
                problems.push(format!("{DASHBOARD}, variable {:?}: {e}", v["name"]));
            }
        }
    }
    for wanted in ["datasource", "service"] {
        if !variables.iter().any(|v| v["name"] == wanted) {
            problems.push(format!("{DASHBOARD}: no `{wanted}` template variable"));
        }
    }
    let unseen: Vec<&str> = CATALOGUE.iter().map(|e| e.0).filter(|name| !used.contains(name)).collect();
    if !unseen.is_empty() {
        problems.push(format!(
            "{DASHBOARD}: no panel shows {unseen:?}: add a panel, or stop recording the metric"
        ));
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn selected_and_grouped_labels_exist_on_their_metrics() {
    let mut problems = Vec::new();
    for r in parse_rules(&read(ALERTS)) {
        for e in label_problems(&r.expr) {
            problems.push(format!("{ALERTS}:{} ({}): {e}", r.line, r.name));
        }
    }
    for p in dashboard_panels(&dashboard()) {
        for expr in &p.exprs {
            for e in label_problems(expr) {
                problems.push(format!("{DASHBOARD}, panel {:?}: {e}", p.title));
            }
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// The checks above are only as good as their parsing: make sure it finds what it should.
#[test]
fn the_checks_catch_what_they_should() {
    let yaml = r#"
groups:
  - name: a
    rules:
      - alert: One
        expr: sum(rate(janua_http_requests_total{status=~"5.."}[5m])) > 0 # a comment
        for: 5m
        labels: {severity: page}
        annotations:
          summary: "quoted: {{ $labels.service }}"
      - alert: Two
        expr: |
          histogram_quantile(0.99,
            sum by (route, le) (rate(janua_http_request_duration_seconds_bucket[5m])))
        labels:
          severity: ticket
        annotations:
          summary: >-
            folded
            text
  - name: b
    rules:
      - record: janua:x
        expr: 'sum(janua_nope_total)'
"#;
    let rules = parse_rules(yaml);
    assert_eq!(rules.len(), 3, "{rules:?}");
    assert_eq!(rules[0].name, "One");
    assert_eq!(rules[0].expr, r#"sum(rate(janua_http_requests_total{status=~"5.."}[5m])) > 0"#);
    assert_eq!(rules[0].severity, "page");
    assert_eq!(rules[0].summary, "quoted: {{ $labels.service }}");
    assert!(
        rules[1].expr.starts_with("histogram_quantile(0.99,\n  sum by (route, le)"),
        "{:?}",
        rules[1].expr
    );
    assert_eq!(rules[1].severity, "ticket");
    assert_eq!(rules[1].summary, "folded text");
    assert!(!rules[2].is_alert);
    assert_eq!(rules[2].expr, "sum(janua_nope_total)");

    assert!(metric_problems(&rules[0].expr).is_empty());
    assert!(metric_problems(&rules[1].expr).is_empty());
    assert_eq!(metric_problems(&rules[2].expr).len(), 1);
    // a histogram's bare name is no series; a counter has no _count series
    assert_eq!(metric_problems("rate(janua_http_request_duration_seconds[5m])").len(), 1);
    assert_eq!(metric_problems("rate(janua_http_requests_total_count[5m])").len(), 1);
    // names inside strings are label values, not series
    assert!(metric_problems(r#"sum(janua_events_consumed_total{queue="janua_not_a_metric"})"#).is_empty());

    assert!(label_problems(&rules[1].expr).is_empty());
    assert!(label_problems("sum by (service, pod) (janua_db_pool_waiting)").is_empty());
    assert!(label_problems("sum(rate(janua_signins_total[5m])) by (method, outcome)").is_empty());
    assert_eq!(label_problems("sum by (service) (rate(janua_signins_total[5m]))").len(), 1);
    assert_eq!(label_problems("sum(rate(janua_signins_total[5m])) by (tier)").len(), 1);
    assert_eq!(label_problems(r#"janua_mail_failures_total{kind="permanent",service="auth"}"#).len(), 1);
    assert_eq!(label_problems(r#"rate(janua_http_requests_total{route="/x", stauts="500"}[5m])"#).len(), 1);
}
