//! Keyset pagination: `?limit=` (1-100, default 20) and an opaque `?cursor=`; answers
//! `{"data":[...],"next_cursor":...}`.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1 to 100, default 20.
    pub limit: Option<i64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(20),
            Some(n) if (1..=100).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::invalid("limit", "error.platform.limit_range", vec![])),
        }
    }

    /// Decodes the cursor into the key the previous page ended at.
    pub fn after<K: DeserializeOwned>(&self) -> Result<Option<K>, ApiError> {
        let Some(c) = &self.cursor else {
            return Ok(None);
        };
        let bad = || ApiError::invalid("cursor", "error.platform.cursor_invalid", vec![]);
        let bytes = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
        serde_json::from_slice(&bytes).map(Some).map_err(|_| bad())
    }

    /// One page of a keyset listing: `fetch(after, limit + 1)` reads the rows after the
    /// cursor's key, and `key` names the key a row sorts by.
    pub async fn fetch<T, K, E, F, Fut>(&self, fetch: F, key: impl Fn(&T) -> K) -> Result<Page<T>, ApiError>
    where
        K: Serialize + DeserializeOwned,
        F: FnOnce(Option<K>, i64) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, E>>,
        ApiError: From<E>,
    {
        let limit = self.limit()?;
        let rows = fetch(self.after()?, limit + 1).await?;
        Ok(Page::from_rows(rows, limit, key))
    }
}

/// A whole list in the same envelope as a page, for lists that are never long.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct List<T> {
    pub data: Vec<T>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` was fetched with `limit + 1`; the extra row only says that a next page exists.
    pub fn from_rows<K: Serialize>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|last| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&key(last)).unwrap_or_default()))
        } else {
            None
        };
        Page { data: rows, next_cursor }
    }

    /// The same page with each item turned into its view.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { data: self.data.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_bounded() {
        let q = |l| PageQuery { limit: l, cursor: None };
        assert_eq!(q(None).limit().unwrap(), 20);
        assert!(q(Some(0)).limit().is_err());
        assert!(q(Some(101)).limit().is_err());
        assert_eq!(q(Some(100)).limit().unwrap(), 100);
    }

    #[test]
    fn cursor_round_trips() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |n| *n);
        assert_eq!(page.data, vec![1, 2]);
        let q = PageQuery { limit: None, cursor: page.next_cursor };
        assert_eq!(q.after::<i32>().unwrap(), Some(2));
        let last = Page::from_rows(vec![1], 2, |n| *n);
        assert!(last.next_cursor.is_none());
    }
}
