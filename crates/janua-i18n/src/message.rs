//! One locale's messages (a Fluent bundle) and the check a message's text passes before it
//! is saved.

use crate::{Value, message_id};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use std::collections::BTreeMap;

/// One locale's messages, keyed by dotted key, with the Fluent source of each.
pub struct Messages {
    tag: String,
    bundle: FluentBundle<FluentResource>,
    texts: BTreeMap<String, String>,
}

impl Messages {
    /// Compiles `texts` (dotted key -> Fluent source) for locale `tag`. A text that does not
    /// compile is left out (and logged): texts are checked when saved, so this is a backstop.
    pub fn new(tag: &str, texts: impl IntoIterator<Item = (String, String)>) -> Messages {
        let langid = crate::tag::truncations(tag)
            .iter()
            .find_map(|t| t.parse::<unic_langid::LanguageIdentifier>().ok())
            .unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // Plain text goes into mail and JSON: no bidi isolation marks around placeables.
        bundle.set_use_isolating(false);
        let mut kept = BTreeMap::new();
        for (key, text) in texts {
            let added = match FluentResource::try_new(entry(&message_id(&key), &text)) {
                Ok(resource) => bundle.add_resource(resource).is_ok(),
                Err(_) => false,
            };
            if added {
                kept.insert(key, text);
            } else {
                tracing::warn!(locale = tag, key = %key, "a message that does not compile is left out");
            }
        }
        Messages { tag: tag.to_string(), bundle, texts: kept }
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn has(&self, key: &str) -> bool {
        self.texts.contains_key(key)
    }

    /// The Fluent source of `key`.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts.get(key).map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.texts.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// `key` formatted with `args`; a variable not given shows as `{$name}` (never a panic).
    pub fn format(&self, key: &str, args: &[(&str, Value)]) -> Option<String> {
        let message = self.bundle.get_message(&message_id(key))?;
        let pattern = message.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Value::Text(s) => fluent_args.set(*name, FluentValue::from(s.as_str())),
                Value::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        Some(self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned())
    }
}

/// The Fluent entry for one message: `id =` and the text, every line indented, so a text is
/// written as the message's value whatever it holds (a select spans lines).
pub fn entry(id: &str, text: &str) -> String {
    let mut out = format!("{id} =\n");
    for line in text.replace("\r\n", "\n").lines() {
        if !line.trim().is_empty() {
            out.push_str(INDENT);
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

const INDENT: &str = "    ";

/// Why a text cannot be saved, and where (1-based line and column in the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not Fluent: the parser's reason.
    Syntax(String),
    /// Uses a variable its key does not declare.
    Undeclared(String),
}

impl Problem {
    pub fn reason(&self) -> String {
        match &self.kind {
            ProblemKind::Syntax(reason) => reason.clone(),
            ProblemKind::Undeclared(name) => format!("${name} is not declared"),
        }
    }
}

/// Checks `text` as the message of a key that declares `variables`: it must be one Fluent
/// pattern (plain text, `{ $variable }` placeables, selects such as plurals, string and number
/// literals), non-empty, using only the declared variables; references to other messages,
/// terms and functions are refused (a message stands alone).
pub fn check(text: &str, variables: &[String]) -> Result<(), Problem> {
    let text = text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return Err(Problem { line: 1, column: 1, kind: ProblemKind::Syntax("the message is empty".into()) });
    }
    if text.len() > 10_000 {
        return Err(Problem {
            line: 1,
            column: 1,
            kind: ProblemKind::Syntax("the message is longer than 10000 bytes".into()),
        });
    }
    let source = entry("m", &text);
    let resource = match fluent_syntax::parser::parse(source.as_str()) {
        Ok(r) => r,
        Err((_, errors)) => {
            let first = &errors[0];
            let (line, column) = position(&source, &text, first.pos.start);
            return Err(Problem { line, column, kind: ProblemKind::Syntax(syntax_reason(&first.kind)) });
        }
    };
    let mut messages = resource.body.iter().filter(|e| !matches!(e, ast::Entry::Comment(_)));
    let Some(ast::Entry::Message(message)) = messages.next() else {
        return Err(Problem { line: 1, column: 1, kind: ProblemKind::Syntax("not a message".into()) });
    };
    if messages.next().is_some() || !message.attributes.is_empty() {
        // A line that starts with `.` makes an attribute; one that starts with `id =` at the
        // left cannot happen (every line is indented).
        let at = text.lines().position(|l| l.trim_start().starts_with('.')).unwrap_or(0);
        return Err(Problem {
            line: at + 1,
            column: 1,
            kind: ProblemKind::Syntax(
                "a line may not start with `.` (write {\".\"} for a literal dot)".into(),
            ),
        });
    }
    let Some(pattern) = &message.value else {
        return Err(Problem { line: 1, column: 1, kind: ProblemKind::Syntax("the message is empty".into()) });
    };
    let mut used = Vec::new();
    walk_pattern(pattern, &mut used).map_err(|reason| Problem {
        line: 1,
        column: 1,
        kind: ProblemKind::Syntax(reason),
    })?;
    for name in used {
        if !variables.iter().any(|v| v == name) {
            let (line, column) = locate(&text, &format!("${name}"));
            return Err(Problem { line, column, kind: ProblemKind::Undeclared(name.to_string()) });
        }
    }
    Ok(())
}

/// The variables a message's Fluent source uses (for a catalogue's own consistency).
pub fn variables_used(text: &str) -> Vec<String> {
    let source = entry("m", text);
    let resource = match fluent_syntax::parser::parse(source.as_str()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut used = Vec::new();
    for e in &resource.body {
        if let ast::Entry::Message(ast::Message { value: Some(p), .. }) = e {
            let _ = walk_pattern(p, &mut used);
        }
    }
    used.into_iter().map(str::to_string).collect()
}

fn walk_pattern<'s>(pattern: &ast::Pattern<&'s str>, used: &mut Vec<&'s str>) -> Result<(), String> {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            walk_expression(expression, used)?;
        }
    }
    Ok(())
}

fn walk_expression<'s>(expression: &ast::Expression<&'s str>, used: &mut Vec<&'s str>) -> Result<(), String> {
    match expression {
        ast::Expression::Inline(inline) => walk_inline(inline, used),
        ast::Expression::Select { selector, variants } => {
            walk_inline(selector, used)?;
            for v in variants {
                walk_pattern(&v.value, used)?;
            }
            Ok(())
        }
    }
}

fn walk_inline<'s>(inline: &ast::InlineExpression<&'s str>, used: &mut Vec<&'s str>) -> Result<(), String> {
    match inline {
        ast::InlineExpression::StringLiteral { .. } | ast::InlineExpression::NumberLiteral { .. } => Ok(()),
        ast::InlineExpression::VariableReference { id } => {
            if !used.contains(&id.name) {
                used.push(id.name);
            }
            Ok(())
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, used),
        ast::InlineExpression::FunctionReference { id, .. } => {
            Err(format!("functions are not available ({}); use variables and selects", id.name))
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            Err(format!("a message may not refer to another message ({})", id.name))
        }
        ast::InlineExpression::TermReference { id, .. } => {
            Err(format!("a message may not refer to a term (-{})", id.name))
        }
    }
}

fn syntax_reason(kind: &fluent_syntax::parser::ErrorKind) -> String {
    let reason = kind.to_string();
    if reason.is_empty() { format!("{kind:?}") } else { reason }
}

/// The text's (line, column) of byte `offset` in the entry made by [`entry`] (its first line
/// is `m =`, every other line the text's, indented); the end of the entry is the end of the
/// text's last line.
fn position(source: &str, text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..offset];
    let line = before.matches('\n').count();
    if line == 0 {
        return (1, 1);
    }
    let lines: Vec<&str> = text.lines().collect();
    if line > lines.len() {
        let last = lines.last().copied().unwrap_or("");
        return (lines.len().max(1), last.chars().count() + 1);
    }
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[start..].chars().count().saturating_sub(INDENT.len()) + 1;
    (line, column)
}

/// Where `needle` first stands in `text` (1-based).
fn locate(text: &str, needle: &str) -> (usize, usize) {
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find(needle) {
            return (i + 1, line[..at].chars().count() + 1);
        }
    }
    (1, 1)
}
