//! SCIM filters (RFC 7644 §3.4.2.2): parsing to an AST, printing, evaluation against a
//! resource held as JSON, and recognising filters an index can answer.
//!
//! ```text
//! FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
//! valuePath = attrPath "[" valFilter "]"          ; e.g. emails[type eq "work"]
//! attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
//! attrPath  = [URI ":"] ATTRNAME *1subAttr        ; e.g. name.familyName
//! ```
//!
//! Precedence is `not` > `and` > `or`; `and` and `or` associate to the left. Keywords,
//! operators and `true`/`false`/`null` are case-insensitive. Two liberties beyond the ABNF,
//! both for what real clients send: a value path may be followed by a sub-attribute test
//! (`emails[type eq "work"].value eq "ada@example.com"`, which Entra ID uses to look users up),
//! and any whitespace separates tokens.
//!
//! Hostile input cannot exhaust the stack: nesting is limited to [`MAX_DEPTH`] levels and a
//! filter to [`MAX_TERMS`] attribute expressions.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Number, Value};

use crate::error::ScimError;
use crate::resource::{flatten, get_ci, has_value};
use crate::schema::{AttributeDef, AttributeType, ResourceType};

/// The deepest nesting of parentheses, `not` and value filters a filter may have.
pub const MAX_DEPTH: usize = 32;
/// The most attribute expressions one filter may have.
pub const MAX_TERMS: usize = 256;

/// `[urn:]name[.subAttr]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrPath {
    /// The schema URN qualifying the name, as written.
    pub urn: Option<String>,
    pub name: String,
    pub sub_attr: Option<String>,
}

impl AttrPath {
    /// An unqualified path to a top-level attribute.
    pub fn new(name: impl Into<String>) -> Self {
        Self { urn: None, name: name.into(), sub_attr: None }
    }

    /// An unqualified path to a sub-attribute (`name.familyName`).
    pub fn with_sub(name: impl Into<String>, sub_attr: impl Into<String>) -> Self {
        Self { urn: None, name: name.into(), sub_attr: Some(sub_attr.into()) }
    }

    /// Parses one attribute path on its own (as in `attributes=` or `sortBy=`).
    pub fn parse(input: &str) -> Result<Self, ScimError> {
        let trimmed = input.trim();
        let mut parser = Parser::new(trimmed);
        match parser.next_token()? {
            (Token::Word(word), start) => {
                let path = parser.attr_path(word, start)?;
                parser.expect_end("end of attribute path")?;
                Ok(path)
            }
            (token, start) => {
                Err(parser.error(start, format!("expected an attribute path, found {}", token.describe())))
            }
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(urn) = &self.urn {
            write!(f, "{urn}:")?;
        }
        f.write_str(&self.name)?;
        if let Some(sub) = &self.sub_attr {
            write!(f, ".{sub}")?;
        }
        Ok(())
    }
}

/// The comparison operators of RFC 7644 Table 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn keyword(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }

    fn from_keyword(word: &str) -> Option<Self> {
        const ALL: [CompareOp; 9] = [
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Co,
            CompareOp::Sw,
            CompareOp::Ew,
            CompareOp::Gt,
            CompareOp::Ge,
            CompareOp::Lt,
            CompareOp::Le,
        ];
        ALL.into_iter().find(|op| op.keyword().eq_ignore_ascii_case(word))
    }

    fn is_ordering(self) -> bool {
        matches!(self, Self::Gt | Self::Ge | Self::Lt | Self::Le)
    }
}

/// A literal on the right of a comparison: JSON `false`/`null`/`true`, number or string.
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
}

impl fmt::Display for CompValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Number(n) => write!(f, "{n}"),
            // serde_json writes a JSON string with exactly the escapes the parser reads back.
            Self::String(s) => f.write_str(&Value::String(s.clone()).to_string()),
        }
    }
}

/// What an attribute expression asks of an attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrTest {
    /// `pr`: the attribute has a value.
    Present,
    Compare(CompareOp, CompValue),
}

impl fmt::Display for AttrTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Present => f.write_str("pr"),
            Self::Compare(op, value) => write!(f, "{} {value}", op.keyword()),
        }
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `userName eq "ada"`, `title pr`.
    Attr(AttrPath, AttrTest),
    /// `emails[type eq "work"]`: some element of the multi-valued `path` matches `filter`
    /// (whose paths name the element's sub-attributes), and, when `sub` is given, that same
    /// element's sub-attribute passes the test (`emails[type eq "work"].value eq "…"`).
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
        sub: Option<(String, AttrTest)>,
    },
    Not(Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

impl FromStr for Filter {
    type Err = ScimError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl Filter {
    /// Parses a filter; errors are `invalidFilter` with the character offset of the problem.
    pub fn parse(input: &str) -> Result<Self, ScimError> {
        let mut parser = Parser::new(input);
        if input.trim().is_empty() {
            return Err(ScimError::invalid_filter(0, "the filter is empty"));
        }
        let filter = parser.filter()?;
        parser.expect_end("'and', 'or' or the end of the filter")?;
        Ok(filter)
    }

    /// `a and b`.
    pub fn and(self, other: Filter) -> Filter {
        Filter::And(Box::new(self), Box::new(other))
    }

    /// `a or b`.
    pub fn or(self, other: Filter) -> Filter {
        Filter::Or(Box::new(self), Box::new(other))
    }

    /// `not (a)`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        Filter::Not(Box::new(self))
    }

    /// Checks the comparisons RFC 7644 §3.4.2.2 forbids: ordering (`gt`, `ge`, `lt`, `le`) on
    /// boolean or binary attributes, and `co`/`sw`/`ew`/ordering against `true`/`false`/`null`.
    pub fn validate(&self, resource_type: ResourceType) -> Result<(), ScimError> {
        self.validate_in(Scope::Resource(resource_type))
    }

    fn validate_in(&self, scope: Scope) -> Result<(), ScimError> {
        match self {
            Filter::Attr(path, test) => check_test(path, scope.definition(path), test),
            Filter::ValuePath { path, filter, sub } => {
                let def = scope.definition(path);
                filter.validate_in(Scope::Element(def))?;
                if let Some((name, test)) = sub {
                    let sub_def = def.and_then(|d| d.sub_attribute(name));
                    check_test(path, sub_def, test)?;
                }
                Ok(())
            }
            Filter::Not(inner) => inner.validate_in(scope),
            Filter::And(l, r) | Filter::Or(l, r) => {
                l.validate_in(scope)?;
                r.validate_in(scope)
            }
        }
    }

    /// Whether `resource` (a SCIM resource of `resource_type`, as JSON) matches.
    ///
    /// RFC 7644 §3.4.2.2 semantics: attribute names are case-insensitive; strings compare
    /// case-insensitively unless the attribute is `caseExact`; a multi-valued attribute matches
    /// when any of its values does; a complex value compared with a literal compares its
    /// `value` sub-attribute; `dateTime` attributes compare as instants. `ne` is the negation of
    /// `eq` (so it matches an unassigned attribute), `eq null` matches an unassigned attribute,
    /// and a comparison between mismatched types is simply false.
    pub fn matches(&self, resource: &Value, resource_type: ResourceType) -> bool {
        self.matches_in(resource, Scope::Resource(resource_type))
    }

    /// Whether one element of the multi-valued attribute `def` matches (the filter of a
    /// value path, as in PATCH's `members[value eq "…"]`).
    pub(crate) fn matches_element(&self, element: &Value, def: &'static AttributeDef) -> bool {
        self.matches_in(element, Scope::Element(Some(def)))
    }

    fn matches_in(&self, node: &Value, scope: Scope) -> bool {
        match self {
            Filter::Attr(path, test) => {
                let (values, def) = scope.values(node, path);
                test_values(&values, def, test)
            }
            Filter::ValuePath { path, filter, sub } => {
                let attribute = AttrPath { sub_attr: None, ..path.clone() };
                let (elements, def) = scope.values(node, &attribute);
                elements.into_iter().any(|element| {
                    filter.matches_in(element, Scope::Element(def))
                        && sub.as_ref().is_none_or(|(name, test)| {
                            let sub_def = def.and_then(|d| d.sub_attribute(name));
                            test_values(&flatten(get_ci(element, name)), sub_def, test)
                        })
                })
            }
            Filter::Not(inner) => !inner.matches_in(node, scope),
            Filter::And(l, r) => l.matches_in(node, scope) && r.matches_in(node, scope),
            Filter::Or(l, r) => l.matches_in(node, scope) || r.matches_in(node, scope),
        }
    }

    /// Whether an index can answer this filter instead of a scan (see [`IndexedLookup`]).
    pub fn indexed_lookup(&self, resource_type: ResourceType) -> Option<IndexedLookup> {
        match self {
            Filter::Attr(path, AttrTest::Compare(CompareOp::Eq, CompValue::String(value))) => {
                let attribute = IndexedAttribute::of(resource_type, path)?;
                Some(IndexedLookup { attribute, values: vec![value.clone()], exact: true })
            }
            Filter::ValuePath {
                path,
                sub: Some((sub, AttrTest::Compare(CompareOp::Eq, CompValue::String(value)))),
                ..
            } if path.sub_attr.is_none() => {
                let full = AttrPath { sub_attr: Some(sub.clone()), ..path.clone() };
                let attribute = IndexedAttribute::of(resource_type, &full)?;
                // The bracketed condition (`type eq "work"`) still has to be checked.
                Some(IndexedLookup { attribute, values: vec![value.clone()], exact: false })
            }
            Filter::And(l, r) => l
                .indexed_lookup(resource_type)
                .or_else(|| r.indexed_lookup(resource_type))
                .map(|lookup| IndexedLookup { exact: false, ..lookup }),
            Filter::Or(l, r) => {
                let (mut left, right) = (l.indexed_lookup(resource_type)?, r.indexed_lookup(resource_type)?);
                if left.attribute != right.attribute {
                    return None;
                }
                left.values.extend(right.values);
                left.exact &= right.exact;
                Some(left)
            }
            _ => None,
        }
    }

    fn fmt_at(&self, f: &mut fmt::Formatter<'_>, min_precedence: u8) -> fmt::Result {
        let precedence = match self {
            Filter::Or(..) => 1,
            Filter::And(..) => 2,
            _ => 3,
        };
        if precedence < min_precedence {
            f.write_str("(")?;
            self.fmt_at(f, 0)?;
            return f.write_str(")");
        }
        match self {
            Filter::Attr(path, test) => write!(f, "{path} {test}"),
            Filter::ValuePath { path, filter, sub } => {
                write!(f, "{path}[{filter}]")?;
                if let Some((name, test)) = sub {
                    write!(f, ".{name} {test}")?;
                }
                Ok(())
            }
            Filter::Not(inner) => write!(f, "not ({inner})"),
            // Left-associative: the right operand of the same operator needs parentheses
            // to print back to the same tree.
            Filter::Or(l, r) => {
                l.fmt_at(f, 1)?;
                f.write_str(" or ")?;
                r.fmt_at(f, 2)
            }
            Filter::And(l, r) => {
                l.fmt_at(f, 2)?;
                f.write_str(" and ")?;
                r.fmt_at(f, 3)
            }
        }
    }
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_at(f, 0)
    }
}

/// An attribute the SCIM service keeps an index on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndexedAttribute {
    Id,
    ExternalId,
    /// Users only; case-insensitive (`caseExact` false), so index it lower-cased.
    UserName,
    /// Users only: `emails.value`; case-insensitive.
    Email,
    /// Groups only; case-insensitive.
    DisplayName,
}

impl IndexedAttribute {
    fn of(resource_type: ResourceType, path: &AttrPath) -> Option<Self> {
        let resolved = resource_type.resolve(path.urn.as_deref(), &path.name)?;
        if resolved.extension.is_some() {
            return None;
        }
        let name = resolved.def.name;
        let sub = path.sub_attr.as_deref();
        match (resource_type, name, sub) {
            (_, "id", None) => Some(Self::Id),
            (_, "externalId", None) => Some(Self::ExternalId),
            (ResourceType::User, "userName", None) => Some(Self::UserName),
            (ResourceType::User, "emails", Some(s)) if s.eq_ignore_ascii_case("value") => Some(Self::Email),
            (ResourceType::Group, "displayName", None) => Some(Self::DisplayName),
            _ => None,
        }
    }

    /// Whether the index must compare exactly (else case-insensitively).
    pub fn case_exact(self) -> bool {
        matches!(self, Self::Id | Self::ExternalId)
    }
}

/// How to answer a filter from an index: the resources whose `attribute` equals one of
/// `values` (compared as [`IndexedAttribute::case_exact`] says).
///
/// When `exact` is true that set *is* the answer (`userName eq "x"`,
/// `id eq "a" or id eq "b"`); otherwise it is a superset, and the caller evaluates the whole
/// filter ([`Filter::matches`]) on each candidate
/// (`userName eq "x" and active eq true`, `emails[type eq "work"].value eq "x"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedLookup {
    pub attribute: IndexedAttribute,
    pub values: Vec<String>,
    pub exact: bool,
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Where paths are resolved: at the top of a resource, or inside one element of a multi-valued
/// complex attribute (within `[...]`), whose definition gives the sub-attributes.
#[derive(Clone, Copy)]
enum Scope {
    Resource(ResourceType),
    Element(Option<&'static AttributeDef>),
}

impl Scope {
    /// The definition of the attribute (or sub-attribute) `path` names, if the schema has it.
    fn definition(self, path: &AttrPath) -> Option<&'static AttributeDef> {
        let def = match self {
            Scope::Resource(rt) => rt.resolve(path.urn.as_deref(), &path.name)?.def,
            Scope::Element(parent) => parent?.sub_attribute(&path.name)?,
        };
        match &path.sub_attr {
            Some(sub) => def.sub_attribute(sub),
            None => Some(def),
        }
    }

    /// The values `path` selects in `node` (flattened), and the definition of what they are.
    fn values<'v>(self, node: &'v Value, path: &AttrPath) -> (Vec<&'v Value>, Option<&'static AttributeDef>) {
        let (top, def) = match self {
            Scope::Resource(rt) => lookup_top(node, rt, path),
            Scope::Element(parent) => {
                let def = parent.and_then(|p| p.sub_attribute(&path.name));
                (get_ci(node, def.map_or(path.name.as_str(), |d| d.name)), def)
            }
        };
        match &path.sub_attr {
            None => (flatten(top), def),
            Some(sub) => {
                let sub_def = def.and_then(|d| d.sub_attribute(sub));
                let values = flatten(top).into_iter().flat_map(|v| flatten(get_ci(v, sub))).collect();
                (values, sub_def)
            }
        }
    }
}

/// The top-level attribute `path` names (extension attributes live under their schema URN).
pub(crate) fn lookup_top<'v>(
    resource: &'v Value, resource_type: ResourceType, path: &AttrPath,
) -> (Option<&'v Value>, Option<&'static AttributeDef>) {
    match resource_type.resolve(path.urn.as_deref(), &path.name) {
        Some(resolved) => {
            let container = match resolved.extension {
                Some(schema) => get_ci(resource, schema.id),
                None => Some(resource),
            };
            (container.and_then(|c| get_ci(c, resolved.def.name)), Some(resolved.def))
        }
        // Not in our schemas: look where the client would have put it, with no metadata.
        None => {
            let container = match &path.urn {
                Some(urn) if !urn.eq_ignore_ascii_case(resource_type.core_schema().id) => {
                    get_ci(resource, urn)
                }
                _ => Some(resource),
            };
            (container.and_then(|c| get_ci(c, &path.name)), None)
        }
    }
}

fn check_test(path: &AttrPath, def: Option<&'static AttributeDef>, test: &AttrTest) -> Result<(), ScimError> {
    let AttrTest::Compare(op, value) = test else {
        return Ok(());
    };
    let invalid = |message: String| ScimError::InvalidFilter { position: None, message };
    if op.is_ordering()
        && let Some(def) = def
        && matches!(def.ty, AttributeType::Boolean | AttributeType::Binary)
    {
        return Err(invalid(format!(
            "'{}' cannot be compared with '{}': it is a {} attribute",
            path,
            op.keyword(),
            if def.ty == AttributeType::Boolean { "boolean" } else { "binary" }
        )));
    }
    let literal_is_keyword = matches!(value, CompValue::Bool(_) | CompValue::Null);
    if literal_is_keyword && !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Err(invalid(format!("'{}' needs a string or number, not {value}", op.keyword())));
    }
    Ok(())
}

fn test_values(values: &[&Value], def: Option<&AttributeDef>, test: &AttrTest) -> bool {
    match test {
        AttrTest::Present => values.iter().any(|v| has_value(v)),
        AttrTest::Compare(CompareOp::Eq, CompValue::Null) => !values.iter().any(|v| has_value(v)),
        AttrTest::Compare(CompareOp::Ne, CompValue::Null) => values.iter().any(|v| has_value(v)),
        AttrTest::Compare(CompareOp::Ne, literal) => {
            !values.iter().any(|v| compare(v, CompareOp::Eq, literal, def))
        }
        AttrTest::Compare(op, literal) => values.iter().any(|v| compare(v, *op, literal, def)),
    }
}

fn compare(value: &Value, op: CompareOp, literal: &CompValue, def: Option<&AttributeDef>) -> bool {
    // A complex value stands for its `value` sub-attribute (`emails eq "x"`).
    if value.is_object() {
        let sub_def = def.and_then(|d| d.sub_attribute("value"));
        return get_ci(value, "value").is_some_and(|v| compare(v, op, literal, sub_def));
    }
    let ordering = match (value, literal) {
        (Value::String(actual), CompValue::String(expected)) => {
            if def.is_some_and(|d| d.ty == AttributeType::DateTime)
                && let (Some(a), Some(b)) = (parse_date_time(actual), parse_date_time(expected))
                && !matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew)
            {
                a.cmp(&b)
            } else {
                let case_exact = def.is_some_and(|d| d.case_exact);
                return compare_strings(actual, op, expected, case_exact);
            }
        }
        (Value::Number(actual), CompValue::Number(expected)) => match compare_numbers(actual, expected) {
            Some(ordering) => ordering,
            None => return false,
        },
        (Value::Bool(actual), CompValue::Bool(expected)) => {
            return op == CompareOp::Eq && actual == expected;
        }
        _ => return false,
    };
    ordering_matches(op, ordering)
}

fn ordering_matches(op: CompareOp, ordering: Ordering) -> bool {
    match op {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

fn compare_strings(actual: &str, op: CompareOp, expected: &str, case_exact: bool) -> bool {
    let (actual, expected) = if case_exact {
        (actual.to_owned(), expected.to_owned())
    } else {
        (actual.to_lowercase(), expected.to_lowercase())
    };
    match op {
        CompareOp::Co => actual.contains(&expected),
        CompareOp::Sw => actual.starts_with(&expected),
        CompareOp::Ew => actual.ends_with(&expected),
        _ => ordering_matches(op, actual.cmp(&expected)),
    }
}

pub(crate) fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    match (a.as_i64(), b.as_i64()) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// RFC 3339 (`2011-05-13T04:42:34Z`); an instant without an offset is taken as UTC, as some
/// clients send `2025-03-25T16:17:00`.
pub(crate) fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|t| t.and_utc()))
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[derive(Debug)]
enum Token<'a> {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Word(&'a str),
    Str(String),
    Num(Number),
    End,
}

impl Token<'_> {
    fn describe(&self) -> String {
        match self {
            Token::LParen => "'('".into(),
            Token::RParen => "')'".into(),
            Token::LBracket => "'['".into(),
            Token::RBracket => "']'".into(),
            Token::Word(w) => format!("'{w}'"),
            Token::Str(s) => format!("the string {}", Value::String(s.clone())),
            Token::Num(n) => format!("the number {n}"),
            Token::End => "the end of the filter".into(),
        }
    }
}

/// A recursive-descent parser over byte offsets of `src`; errors report character offsets.
pub(crate) struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    terms: usize,
    in_value_filter: bool,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '$' | '_' | '.')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '$' | '_' | '.' | ':' | '-')
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Self { src, pos: 0, depth: 0, terms: 0, in_value_filter: false }
    }

    pub(crate) fn error(&self, byte_offset: usize, message: impl Into<String>) -> ScimError {
        let chars = self.src.get(..byte_offset).map_or(0, |s| s.chars().count());
        ScimError::invalid_filter(chars, message)
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn next_token(&mut self) -> Result<(Token<'a>, usize), ScimError> {
        self.skip_whitespace();
        let start = self.pos;
        let Some(c) = self.rest().chars().next() else {
            return Ok((Token::End, start));
        };
        let simple = match c {
            '(' => Some(Token::LParen),
            ')' => Some(Token::RParen),
            '[' => Some(Token::LBracket),
            ']' => Some(Token::RBracket),
            _ => None,
        };
        if let Some(token) = simple {
            self.pos += 1;
            return Ok((token, start));
        }
        if c == '"' {
            return Ok((Token::Str(self.string()?), start));
        }
        if c.is_ascii_digit() || c == '-' {
            let len = self
                .rest()
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')))
                .unwrap_or(self.rest().len());
            let text = &self.rest()[..len];
            let invalid = || self.error(start, format!("'{text}' is not a valid JSON number"));
            // serde_json checks the JSON grammar; std's parse is correctly rounded (serde_json's
            // default float parsing is not), so numbers print back to what was read.
            let mut number = serde_json::from_str::<Number>(text).map_err(|_| invalid())?;
            if number.is_f64() {
                number = text.parse::<f64>().ok().and_then(Number::from_f64).ok_or_else(invalid)?;
            }
            self.pos += len;
            return Ok((Token::Num(number), start));
        }
        if is_word_start(c) {
            let len = self.rest().find(|c: char| !is_word_char(c)).unwrap_or(self.rest().len());
            let word = &self.rest()[..len];
            self.pos += len;
            return Ok((Token::Word(word), start));
        }
        Err(self.error(start, format!("unexpected character '{c}'")))
    }

    fn peek(&mut self) -> Result<(Token<'a>, usize), ScimError> {
        let saved = self.pos;
        let token = self.next_token();
        self.pos = saved;
        token
    }

    /// A JSON string (RFC 8259 §7) starting at the opening quote.
    fn string(&mut self) -> Result<String, ScimError> {
        let start = self.pos;
        let mut out = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos = start + 1 + i + 1;
                    return Ok(out);
                }
                '\\' => {
                    let at = start + 1 + i;
                    let escaped = match chars.next() {
                        Some((_, '"')) => '"',
                        Some((_, '\\')) => '\\',
                        Some((_, '/')) => '/',
                        Some((_, 'b')) => '\u{8}',
                        Some((_, 'f')) => '\u{c}',
                        Some((_, 'n')) => '\n',
                        Some((_, 'r')) => '\r',
                        Some((_, 't')) => '\t',
                        Some((_, 'u')) => {
                            let high = self.hex4(&mut chars, at)?;
                            if (0xD800..0xDC00).contains(&high) {
                                // A surrogate pair: \uD83D\uDE00.
                                let low = match (chars.next(), chars.next()) {
                                    (Some((_, '\\')), Some((_, 'u'))) => self.hex4(&mut chars, at)?,
                                    _ => return Err(self.error(at, "unpaired UTF-16 surrogate in string")),
                                };
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.error(at, "unpaired UTF-16 surrogate in string"));
                                }
                                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                                char::from_u32(code)
                                    .ok_or_else(|| self.error(at, "invalid unicode escape"))?
                            } else {
                                char::from_u32(high)
                                    .ok_or_else(|| self.error(at, "unpaired UTF-16 surrogate in string"))?
                            }
                        }
                        Some((_, other)) => {
                            return Err(self.error(at, format!("invalid escape '\\{other}' in string")));
                        }
                        None => break,
                    };
                    out.push(escaped);
                }
                c => out.push(c),
            }
        }
        Err(self.error(start, "unterminated string"))
    }

    fn hex4(&self, chars: &mut std::str::CharIndices<'_>, at: usize) -> Result<u32, ScimError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = chars
                .next()
                .and_then(|(_, c)| c.to_digit(16))
                .ok_or_else(|| self.error(at, "invalid \\u escape: expected four hex digits"))?;
            code = code * 16 + digit;
        }
        Ok(code)
    }

    pub(crate) fn expect_end(&mut self, expected: &str) -> Result<(), ScimError> {
        match self.next_token()? {
            (Token::End, _) => Ok(()),
            (token, at) => {
                Err(self.error(at, format!("unexpected {}; expected {expected}", token.describe())))
            }
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), ScimError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(at, format!("the filter nests more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    /// `or`-level: the lowest precedence.
    fn filter(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.conjunction()?;
        while let (Token::Word(w), _) = self.peek()?
            && w.eq_ignore_ascii_case("or")
        {
            self.next_token()?;
            left = left.or(self.conjunction()?);
        }
        Ok(left)
    }

    fn conjunction(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while let (Token::Word(w), _) = self.peek()?
            && w.eq_ignore_ascii_case("and")
        {
            self.next_token()?;
            left = left.and(self.unary()?);
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        match self.next_token()? {
            (Token::LParen, at) => self.group(at),
            (Token::Word(word), at) => {
                if word.eq_ignore_ascii_case("not")
                    && let (Token::LParen, paren) = self.peek()?
                {
                    self.next_token()?;
                    return Ok(self.group(paren)?.not());
                }
                self.attr_expr(word, at)
            }
            (token, at) => Err(self
                .error(at, format!("expected an attribute path, '(' or 'not', found {}", token.describe()))),
        }
    }

    /// After an opening parenthesis at `at`: a filter and its closing parenthesis.
    fn group(&mut self, at: usize) -> Result<Filter, ScimError> {
        self.enter(at)?;
        let inner = self.filter()?;
        match self.next_token()? {
            (Token::RParen, _) => {}
            (token, close) => {
                return Err(self.error(close, format!("expected ')', found {}", token.describe())));
            }
        }
        self.depth -= 1;
        Ok(inner)
    }

    fn attr_expr(&mut self, word: &'a str, at: usize) -> Result<Filter, ScimError> {
        let path = self.attr_path(word, at)?;
        self.terms += 1;
        if self.terms > MAX_TERMS {
            return Err(self.error(at, format!("the filter has more than {MAX_TERMS} expressions")));
        }
        let (Token::LBracket, bracket) = self.peek()? else {
            let test = self.test()?;
            return Ok(Filter::Attr(path, test));
        };
        self.next_token()?;
        let (filter, sub) = self.value_filter(&path, bracket)?;
        let sub = match sub {
            Some(name) => Some((name, self.test()?)),
            None => None,
        };
        Ok(Filter::ValuePath { path, filter: Box::new(filter), sub })
    }

    /// After `path[`: the value filter, `]`, and an optional `.subAttr`.
    pub(crate) fn value_filter(
        &mut self, path: &AttrPath, bracket: usize,
    ) -> Result<(Filter, Option<String>), ScimError> {
        if self.in_value_filter {
            return Err(self.error(bracket, "value filters cannot be nested"));
        }
        if path.sub_attr.is_some() {
            return Err(self.error(
                bracket,
                format!("'{path}' is a sub-attribute; only a multi-valued attribute takes a value filter"),
            ));
        }
        self.enter(bracket)?;
        self.in_value_filter = true;
        let filter = self.filter()?;
        self.in_value_filter = false;
        match self.next_token()? {
            (Token::RBracket, _) => {}
            (token, close) => {
                return Err(self.error(close, format!("expected ']', found {}", token.describe())));
            }
        }
        self.depth -= 1;
        let sub = match self.peek()? {
            (Token::Word(word), sub_at) if word.starts_with('.') => {
                self.next_token()?;
                let name = &word[1..];
                if !is_attr_name(name) {
                    return Err(self.error(sub_at, format!("'{name}' is not a valid sub-attribute name")));
                }
                Some(name.to_owned())
            }
            _ => None,
        };
        Ok((filter, sub))
    }

    /// The first token as an attribute path (PATCH paths).
    pub(crate) fn attr_path_token(&mut self) -> Result<AttrPath, ScimError> {
        match self.next_token()? {
            (Token::Word(word), at) => self.attr_path(word, at),
            (token, at) => {
                Err(self.error(at, format!("expected an attribute path, found {}", token.describe())))
            }
        }
    }

    /// `[filter]` and an optional `.subAttr` after `path`, if a `[` follows (PATCH paths).
    pub(crate) fn value_filter_if_present(
        &mut self, path: &AttrPath,
    ) -> Result<Option<(Filter, Option<String>)>, ScimError> {
        let (Token::LBracket, bracket) = self.peek()? else {
            return Ok(None);
        };
        self.next_token()?;
        self.value_filter(path, bracket).map(Some)
    }

    fn test(&mut self) -> Result<AttrTest, ScimError> {
        let (token, at) = self.next_token()?;
        let op = match &token {
            Token::Word(w) if w.eq_ignore_ascii_case("pr") => return Ok(AttrTest::Present),
            Token::Word(w) => CompareOp::from_keyword(w),
            _ => None,
        };
        let Some(op) = op else {
            return Err(self.error(
                at,
                format!(
                    "expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr), found {}",
                    token.describe()
                ),
            ));
        };
        let (token, at) = self.next_token()?;
        let value = match token {
            Token::Str(s) => CompValue::String(s),
            Token::Num(n) => CompValue::Number(n),
            Token::Word(w) if w.eq_ignore_ascii_case("true") => CompValue::Bool(true),
            Token::Word(w) if w.eq_ignore_ascii_case("false") => CompValue::Bool(false),
            Token::Word(w) if w.eq_ignore_ascii_case("null") => CompValue::Null,
            other => {
                return Err(self.error(
                    at,
                    format!(
                        "expected a value (a JSON string, a number, true, false or null), found {}",
                        other.describe()
                    ),
                ));
            }
        };
        Ok(AttrTest::Compare(op, value))
    }

    /// Splits `[urn:]name[.sub]` (a word starting at byte `at`) into an [`AttrPath`].
    pub(crate) fn attr_path(&self, word: &str, at: usize) -> Result<AttrPath, ScimError> {
        let (urn, rest) = if word.len() > 4 && word[..4].eq_ignore_ascii_case("urn:") {
            match word.rfind(':') {
                Some(i) if i > 4 => (Some(word[..i].to_owned()), &word[i + 1..]),
                _ => (None, word),
            }
        } else {
            (None, word)
        };
        let (name, sub_attr) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some(sub)),
            None => (rest, None),
        };
        let valid = is_attr_name(name) && sub_attr.is_none_or(is_attr_name);
        if !valid || (urn.is_none() && word.contains(':')) {
            return Err(self.error(at, format!("'{word}' is not a valid attribute path")));
        }
        Ok(AttrPath { urn, name: name.to_owned(), sub_attr: sub_attr.map(str::to_owned) })
    }
}

/// RFC 7643 §2.1 `ATTRNAME = ALPHA *(nameChar)`, plus `$ref`.
fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = match chars.next() {
        Some('$') => return name == "$ref" || name.eq_ignore_ascii_case("$ref"),
        Some(c) => c.is_ascii_alphabetic(),
        None => false,
    };
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
