//! All SQL lives under this module, one file per table or aggregate, as
//! prepared statements. `Db` wraps D1 to map errors to `ApiError` and to count
//! the rows each request reads (reported in `x-d1-rows-read` and the log).
//! Rows decode straight into typed fields: status enums, `bool` for 0/1
//! columns, checked text (`Phone`, `Email`, `Slug`).

pub mod bills;
pub mod chat_proofs;
pub mod dashboard;
pub mod inbox;
pub mod login_throttle;
pub mod orders;
pub mod outbox;
pub mod pacer;
pub mod participants;
pub mod password_resets;
pub mod payments;
pub mod products;
pub mod public;
pub mod refresh_tokens;
pub mod sessions;
pub mod trips;
pub mod users;
pub mod webhook_messages;

use std::cell::Cell;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use crate::domain::order::OrderStatus;
use crate::domain::outbox::OutboxStatus;
use crate::domain::phone::Phone;
use crate::domain::product::ProductStatus;
use crate::domain::slug::Slug;
use crate::domain::user::Email;
use crate::error::{ApiError, ApiResult};

pub struct Db {
    inner: D1Database,
    rows_read: Cell<usize>,
    round_trips: Cell<usize>,
}

/// A bind argument. D1 takes JS numbers; integers here stay far below 2^53.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Int(i64),
    Null,
}

impl From<&Arg<'_>> for JsValue {
    fn from(a: &Arg<'_>) -> JsValue {
        match a {
            Arg::Text(s) => JsValue::from_str(s),
            Arg::Int(i) => JsValue::from_f64(*i as f64),
            Arg::Null => JsValue::NULL,
        }
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(s)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(s)
    }
}

impl From<i64> for Arg<'_> {
    fn from(i: i64) -> Self {
        Arg::Int(i)
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(i: Option<i64>) -> Self {
        i.map_or(Arg::Null, Arg::Int)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(s: Option<&'a str>) -> Self {
        s.map_or(Arg::Null, Arg::Text)
    }
}

impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(s: &'a Option<String>) -> Self {
        s.as_deref().map_or(Arg::Null, Arg::Text)
    }
}

/// Checked text binds as its text.
macro_rules! text_arg {
    ($($t:ty),*) => {$(
        impl<'a> From<&'a $t> for Arg<'a> {
            fn from(v: &'a $t) -> Self {
                Arg::Text(v.as_str())
            }
        }
    )*};
}
text_arg!(Phone, Email, Slug);

/// A status binds as its stored name.
macro_rules! status_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'static> {
            fn from(v: $t) -> Self {
                Arg::Text(v.as_str())
            }
        }
    )*};
}
status_arg!(OrderStatus, ProductStatus, OutboxStatus);

impl From<bool> for Arg<'_> {
    fn from(b: bool) -> Self {
        Arg::Int(i64::from(b))
    }
}

/// D1 answers SQLite's 0/1 for a boolean column: `#[serde(deserialize_with = "store::flag")]`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(i64::deserialize(d)? != 0)
}

/// Like `flag`, for a nullable column.
pub fn optional_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Option::<i64>::deserialize(d)?.map(|n| n != 0))
}

fn db_error(e: worker::Error) -> ApiError {
    ApiError::from_db_message(&e.to_string())
}

impl Db {
    pub fn new(inner: D1Database) -> Db {
        Db { inner, rows_read: Cell::new(0), round_trips: Cell::new(0) }
    }

    pub fn rows_read(&self) -> usize {
        self.rows_read.get()
    }

    /// How many times this request went to D1 (a batch is one).
    pub fn round_trips(&self) -> usize {
        self.round_trips.get()
    }

    pub fn stmt(&self, sql: &str, args: &[Arg<'_>]) -> ApiResult<D1PreparedStatement> {
        let values: Vec<JsValue> = args.iter().map(JsValue::from).collect();
        self.inner.prepare(sql).bind(&values).map_err(db_error)
    }

    fn trip(&self) {
        self.round_trips.set(self.round_trips.get() + 1);
    }

    fn count(&self, result: &D1Result) {
        if let Ok(Some(meta)) = result.meta() {
            self.rows_read.set(self.rows_read.get() + meta.rows_read.unwrap_or(0));
        }
    }

    async fn all(&self, sql: &str, args: &[Arg<'_>]) -> ApiResult<D1Result> {
        self.run(self.stmt(sql, args)?).await
    }

    async fn run(&self, statement: D1PreparedStatement) -> ApiResult<D1Result> {
        self.trip();
        let result = statement.all().await.map_err(db_error)?;
        if let Some(e) = result.error() {
            return Err(ApiError::from_db_message(&e));
        }
        self.count(&result);
        Ok(result)
    }

    pub async fn many<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> ApiResult<Vec<T>> {
        self.all(sql, args).await?.results::<T>().map_err(|e| ApiError::internal(format!("row decode: {e}")))
    }

    pub async fn one<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> ApiResult<Option<T>> {
        Ok(self.many(sql, args).await?.into_iter().next())
    }

    /// Runs a write; returns the number of rows it changed.
    pub async fn exec(&self, sql: &str, args: &[Arg<'_>]) -> ApiResult<usize> {
        self.trip();
        let result = self.stmt(sql, args)?.run().await.map_err(db_error)?;
        self.count(&result);
        Ok(result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0))
    }

    /// Runs statements in one transaction: all of them or none. For writes
    /// whose answers nobody reads; `read` decodes a batch's answers.
    pub async fn batch(&self, statements: Vec<D1PreparedStatement>) -> ApiResult<Vec<D1Result>> {
        self.trip();
        let results = self.inner.batch(statements).await.map_err(db_error)?;
        for r in &results {
            self.count(r);
        }
        Ok(results)
    }

    /// Runs a tuple of typed statements (`Select`, `Write`) in one round
    /// trip and one transaction, and answers each one's decoded result in
    /// the same places: `let (trip, products) = db.read((a, b)).await?`.
    pub async fn read<B: Batch>(&self, batch: B) -> ApiResult<B::Out> {
        let (statements, ends) = batch.statements();
        let results = self.batch(statements).await?;
        B::decode(&results, &ends)
    }

    /// The first row of one `Select`, run alone.
    pub async fn first<T: DeserializeOwned>(&self, q: Select<T>) -> ApiResult<Option<T>> {
        let result = self.run(q.stmt).await?;
        Ok(rows::<T>(&result)?.into_iter().next())
    }
}

/// A prepared statement whose rows decode as `T`. The same value runs
/// alone (`Db::first`) or in a batch (`Db::read`), so a read is written once.
pub struct Select<T> {
    stmt: D1PreparedStatement,
    rows: PhantomData<fn() -> T>,
}

impl<T> Select<T> {
    pub fn new(db: &Db, sql: &str, args: &[Arg<'_>]) -> ApiResult<Select<T>> {
        Ok(Select { stmt: db.stmt(sql, args)?, rows: PhantomData })
    }
}

/// A write in a batch, answering how many rows it changed.
pub struct Write(pub D1PreparedStatement);

/// Writes repeated for each item of something (a cart's lines), answering
/// each one's changed rows.
pub struct Writes(pub Vec<D1PreparedStatement>);

/// Pairs of a write and a statement that reads what it did (an `INSERT …
/// RETURNING` whose condition is the write's `changes()`), one pair per item
/// of something (a cart's lines); answers the rows of every pair's second.
pub struct Paired<T>(pub Vec<(D1PreparedStatement, Select<T>)>);

/// One element of a batch: how many statements it is and how its results decode.
pub trait Statement {
    type Out;
    /// How many statements this element is.
    fn count(&self) -> usize {
        1
    }
    fn push_to(self, out: &mut Vec<D1PreparedStatement>);
    fn decode(results: &[D1Result]) -> ApiResult<Self::Out>;
}

fn only(results: &[D1Result]) -> ApiResult<&D1Result> {
    results.first().ok_or_else(|| ApiError::internal("a batch answered fewer results than it had statements"))
}

impl<T: DeserializeOwned> Statement for Select<T> {
    type Out = Vec<T>;
    fn push_to(self, out: &mut Vec<D1PreparedStatement>) {
        out.push(self.stmt);
    }
    fn decode(results: &[D1Result]) -> ApiResult<Vec<T>> {
        rows(only(results)?)
    }
}

impl Statement for Write {
    type Out = usize;
    fn push_to(self, out: &mut Vec<D1PreparedStatement>) {
        out.push(self.0);
    }
    fn decode(results: &[D1Result]) -> ApiResult<usize> {
        Ok(changes(only(results)?))
    }
}

impl Statement for Writes {
    type Out = Vec<usize>;
    fn count(&self) -> usize {
        self.0.len()
    }
    fn push_to(self, out: &mut Vec<D1PreparedStatement>) {
        out.extend(self.0);
    }
    fn decode(results: &[D1Result]) -> ApiResult<Vec<usize>> {
        Ok(results.iter().map(changes).collect())
    }
}

impl<T: DeserializeOwned> Statement for Paired<T> {
    type Out = Vec<T>;
    fn count(&self) -> usize {
        2 * self.0.len()
    }
    fn push_to(self, out: &mut Vec<D1PreparedStatement>) {
        for (write, read) in self.0 {
            out.push(write);
            out.push(read.stmt);
        }
    }
    fn decode(results: &[D1Result]) -> ApiResult<Vec<T>> {
        let mut out = Vec::new();
        for pair in results.chunks(2) {
            out.extend(rows::<T>(pair.get(1).ok_or_else(|| ApiError::internal("a pair without its read"))?)?);
        }
        Ok(out)
    }
}

/// A tuple of statements run as one batch (`Db::read`).
pub trait Batch {
    type Out;
    /// The statements, and where each element's results end.
    fn statements(self) -> (Vec<D1PreparedStatement>, Vec<usize>);
    fn decode(results: &[D1Result], ends: &[usize]) -> ApiResult<Self::Out>;
}

macro_rules! batch_of {
    ($($s:ident $i:tt),+) => {
        impl<$($s: Statement),+> Batch for ($($s,)+) {
            type Out = ($($s::Out,)+);
            fn statements(self) -> (Vec<D1PreparedStatement>, Vec<usize>) {
                let (mut out, mut ends) = (Vec::new(), Vec::new());
                $(
                    let n = self.$i.count();
                    self.$i.push_to(&mut out);
                    ends.push(ends.last().copied().unwrap_or(0) + n);
                )+
                (out, ends)
            }
            fn decode(results: &[D1Result], ends: &[usize]) -> ApiResult<Self::Out> {
                let short = || ApiError::internal("a batch answered fewer results than it had statements");
                let part = |i: usize| {
                    let start = if i == 0 { 0 } else { ends[i - 1] };
                    results.get(start..ends[i]).ok_or_else(short)
                };
                Ok(($($s::decode(part($i)?)?,)+))
            }
        }
    };
}
batch_of!(A 0);
batch_of!(A 0, B 1);
batch_of!(A 0, B 1, C 2);
batch_of!(A 0, B 1, C 2, D 3);
batch_of!(A 0, B 1, C 2, D 3, E 4);
batch_of!(A 0, B 1, C 2, D 3, E 4, F 5);
batch_of!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
batch_of!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// A count (`SELECT COUNT(*) AS n …`): every count of the store decodes
/// through this one row type.
#[derive(Deserialize)]
pub struct Count {
    pub n: i64,
}

pub async fn count(db: &Db, sql: &str, args: &[Arg<'_>]) -> ApiResult<i64> {
    Ok(db.one::<Count>(sql, args).await?.map_or(0, |c| c.n))
}

/// Reads at most one row, and fails ("no such table") before the migrations.
pub async fn schema_ready(db: &Db) -> ApiResult<()> {
    #[derive(Deserialize)]
    struct Row {}
    db.one::<Row>("SELECT 1 AS ok FROM users LIMIT 1", &[]).await.map(|_| ())
}

/// The rows of one statement's result.
fn rows<T: DeserializeOwned>(result: &D1Result) -> ApiResult<Vec<T>> {
    result.results::<T>().map_err(|e| ApiError::internal(format!("row decode: {e}")))
}

/// Changes reported by one statement's result. D1 counts the rows its
/// triggers change too (an order's status change is 3: the order and its
/// trip's two counters, 0010_trip_counters.sql), so a write to `orders`,
/// `bills`, `participants` or `inbox_threads` is checked as `> 0`, never `== 1`.
/// (SQL's own `changes()` counts the statement alone.)
fn changes(result: &D1Result) -> usize {
    result.meta().ok().flatten().and_then(|m| m.changes).unwrap_or(0)
}

/// Builds an `UPDATE` of only the columns a PATCH names. The WHERE clause's
/// arguments come first (`?1…`), each SET value gets the next number.
pub struct Changes<'a> {
    sets: Vec<String>,
    pub args: Vec<Arg<'a>>,
}

impl<'a> Changes<'a> {
    pub fn new(where_args: Vec<Arg<'a>>) -> Changes<'a> {
        Changes { sets: Vec::new(), args: where_args }
    }

    pub fn set(&mut self, column: &str, value: Arg<'a>) {
        self.args.push(value);
        self.sets.push(format!("{column} = ?{}", self.args.len()));
    }

    /// `None` keeps the column, `Some(None)` clears it, `Some(Some(v))` sets it.
    pub fn change(&mut self, column: &str, change: &'a Option<Option<String>>) {
        if let Some(value) = change {
            self.set(column, value.into());
        }
    }

    /// A SET clause written out, whose `?n` refer to arguments already set.
    pub fn raw(&mut self, clause: &str) {
        self.sets.push(clause.to_string());
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub fn sql(&self, table: &str, where_clause: &str) -> String {
        format!("UPDATE {table} SET {} WHERE {where_clause}", self.sets.join(", "))
    }
}

/// Each row struct and the column list its statements select are kept in
/// step by this test: a field the list forgets would decode as `None`
/// forever (or fail every read), a column no field takes is read for nothing.
#[cfg(test)]
mod columns_match_rows {
    use std::collections::BTreeSet;

    /// The fields of `pub struct <name>` in `source`; a `#[serde(flatten)]`
    /// field stands for the fields of its own struct (in the same file).
    fn fields(source: &str, name: &str) -> BTreeSet<String> {
        let start = source.find(&format!("pub struct {name} {{")).unwrap_or_else(|| panic!("no struct {name}"));
        let body = &source[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
        let mut out = BTreeSet::new();
        let mut flatten = false;
        for line in body.lines().map(str::trim) {
            if line.starts_with("#[serde(flatten)]") {
                flatten = true;
            } else if let Some(field) = line.strip_prefix("pub ").and_then(|l| l.split_once(':')) {
                let ty = field.1.trim().trim_end_matches(',');
                if std::mem::take(&mut flatten) {
                    out.extend(fields(source, ty));
                } else {
                    out.insert(field.0.trim().to_string());
                }
            }
        }
        out
    }

    /// The column names of `const <name>: &str = "…";` (table prefixes dropped).
    fn columns(source: &str, name: &str) -> BTreeSet<String> {
        let start = source.find(&format!("const {name}: &str =")).unwrap_or_else(|| panic!("no const {name}"));
        let decl = &source[start..start + source[start..].find("\";").unwrap()];
        let text: String = decl.split('"').skip(1).step_by(2).collect::<Vec<_>>().join("");
        let text = text.replace('\\', " ");
        text.split(',')
            .map(|c| c.rsplit(" AS ").next().unwrap_or_default())
            .map(|c| c.split_whitespace().collect::<Vec<_>>().join(""))
            .map(|c| c.rsplit('.').next().unwrap_or_default().to_string())
            .filter(|c| !c.is_empty())
            .collect()
    }

    #[test]
    fn every_row_struct_reads_exactly_its_column_list() {
        for (file, row, list) in [
            (include_str!("trips.rs"), "TripRow", "COLUMNS"),
            (include_str!("products.rs"), "ProductRow", "COLUMNS"),
            (include_str!("orders.rs"), "OrderRow", "COLUMNS"),
            (include_str!("participants.rs"), "ParticipantRow", "COLUMNS"),
            (include_str!("outbox.rs"), "OutboxRow", "COLUMNS"),
            (include_str!("users.rs"), "UserRow", "COLUMNS"),
            (include_str!("bills.rs"), "BillRow", "COLUMNS"),
            (include_str!("bills.rs"), "RecapRow", "RECAP_COLUMNS"),
            (include_str!("payments.rs"), "PaymentRow", "COLUMNS"),
        ] {
            let (fields, columns) = (fields(file, row), columns(file, list));
            let missing: Vec<_> = fields.difference(&columns).collect();
            let unread: Vec<_> = columns.difference(&fields).collect();
            assert!(
                missing.is_empty() && unread.is_empty(),
                "{row}: not selected {missing:?}; selected, not read {unread:?}"
            );
        }
    }

    #[test]
    fn the_check_sees_a_disagreement() {
        let source =
            "pub struct R {\n    pub id: String,\n    pub gone: Option<String>,\n}\nconst C: &str = \"x.id, x.extra\";";
        assert_eq!(fields(source, "R"), ["gone", "id"].map(String::from).into());
        assert_eq!(columns(source, "C"), ["extra", "id"].map(String::from).into());
    }
}
