//! The seed list: which councils to process and where each one's plan is.
//!
//! A seed list is a CSV file with the header `id,name,url`. `url` is an http(s) URL,
//! a `file://` URL, or a file path relative to the CSV file. Ids are slugs (lowercase
//! letters, digits and hyphens) because they name the output files. Several rows with
//! the same id are parts of one council's plan, in row order.

use std::path::{Path, PathBuf};

use thiserror::Error;
use url::Url;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// Fetched over HTTP or HTTPS.
    Http(Url),
    /// Read from the local file system.
    File(PathBuf),
}

impl Location {
    /// Interprets `text` as an http(s) URL, a `file://` URL, or a path relative to `base_dir`.
    pub fn parse(text: &str, base_dir: &Path) -> Result<Location, LocationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LocationError::Empty);
        }
        if let Some((scheme, _)) = text.split_once("://") {
            let url = Url::parse(text).map_err(|e| LocationError::BadUrl(text.to_string(), e.to_string()))?;
            return match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" => Ok(Location::Http(url)),
                "file" => url
                    .to_file_path()
                    .map(Location::File)
                    .map_err(|()| LocationError::BadUrl(text.to_string(), "not a local file path".into())),
                other => Err(LocationError::UnsupportedScheme(other.to_string())),
            };
        }
        let path = Path::new(text);
        Ok(Location::File(if path.is_absolute() { path.to_path_buf() } else { base_dir.join(path) }))
    }

    /// The location as a string for records: the URL, or a `file://` URL for local files.
    pub fn to_url_string(&self) -> String {
        match self {
            Location::Http(url) => url.to_string(),
            Location::File(path) => {
                let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
                Url::from_file_path(&absolute)
                    .map(|u| u.to_string())
                    .unwrap_or_else(|()| absolute.display().to_string())
            }
        }
    }
}

/// Why a seed's `url` field could not be understood.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LocationError {
    /// The field was blank.
    #[error("the url field is empty")]
    Empty,
    /// The field looked like a URL but did not parse.
    #[error("{0:?} is not a valid URL: {1}")]
    BadUrl(String, String),
    /// A scheme other than http, https or file.
    #[error("URL scheme {0:?} is not supported (use http, https, file or a path)")]
    UnsupportedScheme(String),
}

/// One council to process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// Slug naming the council and its output files.
    pub id: String,
    /// The council's name, for people.
    pub name: String,
    /// Where its plan (or a page leading to it) is, one entry per part in order.
    pub locations: Vec<Location>,
}

/// A seed list could not be read.
#[derive(Debug, Error)]
pub enum SeedError {
    /// The file could not be opened or read.
    #[error("cannot read seed list {path}: {source}")]
    Io {
        /// The seed list path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The CSV structure is wrong (missing header, bad quoting).
    #[error("seed list {path}: {message}")]
    Format {
        /// The seed list path.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// One row is invalid.
    #[error("seed list {path}, line {line}: {message}")]
    Row {
        /// The seed list path.
        path: PathBuf,
        /// 1-based line number in the file.
        line: u64,
        /// What is wrong with the row.
        message: String,
    },
}

/// True when `id` is a slug: 1 to 100 characters of `a-z`, `0-9` and inner `-`/`_`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !id.starts_with(['-', '_'])
}

/// Reads and validates the seed list at `path`.
pub fn read_seed_file(path: &Path) -> Result<Vec<Seed>, SeedError> {
    let bytes = std::fs::read(path).map_err(|source| SeedError::Io { path: path.to_path_buf(), source })?;
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_seeds(&bytes, &base_dir).map_err(|e| match e {
        SeedError::Format { message, .. } => SeedError::Format { path: path.to_path_buf(), message },
        SeedError::Row { line, message, .. } => SeedError::Row { path: path.to_path_buf(), line, message },
        other => other,
    })
}

/// Parses seed-list CSV `bytes`; relative paths resolve against `base_dir`.
///
/// Errors name the line. Rows with the same id are merged, keeping the first name.
pub fn parse_seeds(bytes: &[u8], base_dir: &Path) -> Result<Vec<Seed>, SeedError> {
    let format = |message: String| SeedError::Format { path: PathBuf::new(), message };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(false).trim(csv::Trim::All).from_reader(bytes);
    let headers = reader.headers().map_err(|e| format(e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(id_col), Some(name_col), Some(url_col)) = (column("id"), column("name"), column("url")) else {
        return Err(format(format!(
            "the header must name the columns id, name and url (found: {})",
            headers.iter().collect::<Vec<_>>().join(",")
        )));
    };
    let mut seeds: Vec<Seed> = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            SeedError::Row { path: PathBuf::new(), line, message: e.to_string() }
        })?;
        let line = row.position().map(|p| p.line()).unwrap_or(0);
        let row_error = |message: String| SeedError::Row { path: PathBuf::new(), line, message };
        if row.iter().all(str::is_empty) {
            continue;
        }
        let id = row.get(id_col).unwrap_or_default();
        if !is_valid_id(id) {
            return Err(row_error(format!("id {id:?} is not a slug (use lowercase letters, digits and hyphens)")));
        }
        let name = row.get(name_col).unwrap_or_default();
        let location =
            Location::parse(row.get(url_col).unwrap_or_default(), base_dir).map_err(|e| row_error(e.to_string()))?;
        match seeds.iter_mut().find(|s| s.id == id) {
            Some(seed) => seed.locations.push(location),
            None => seeds.push(Seed {
                id: id.to_string(),
                name: if name.is_empty() { id.to_string() } else { name.to_string() },
                locations: vec![location],
            }),
        }
    }
    if seeds.is_empty() {
        return Err(format("the seed list names no councils".into()));
    }
    Ok(seeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Seed>, SeedError> {
        parse_seeds(text.as_bytes(), Path::new("/base"))
    }

    #[test]
    fn reads_urls_paths_and_file_urls() {
        let seeds = parse(
            "id,name,url\na,Council A,https://a.example/plan.pdf\nb,Council B,docs/b.html\nc,C,file:///tmp/c.pdf\n",
        )
        .unwrap();
        assert_eq!(seeds.len(), 3);
        assert_eq!(seeds[0].locations, [Location::Http(Url::parse("https://a.example/plan.pdf").unwrap())]);
        assert_eq!(seeds[1].locations, [Location::File(PathBuf::from("/base/docs/b.html"))]);
        assert_eq!(seeds[2].locations, [Location::File(PathBuf::from("/tmp/c.pdf"))]);
    }

    #[test]
    fn rows_with_one_id_merge_in_order() {
        let seeds = parse("id,name,url\nx,X,p1.html\ny,Y,y.html\nx,,p2.html\n").unwrap();
        assert_eq!(seeds.len(), 2);
        assert_eq!(seeds[0].locations.len(), 2);
        assert_eq!(seeds[0].locations[1], Location::File(PathBuf::from("/base/p2.html")));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let err = parse("id,name,url\nok,Ok,a.pdf\nBad Id,B,b.pdf\n").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        let err = parse("id,name,url\nok,Ok,ftp://x/y\n").unwrap_err();
        assert!(err.to_string().contains("ftp"), "{err}");
        let err = parse("council,link\na,b\n").unwrap_err();
        assert!(err.to_string().contains("id, name and url"), "{err}");
        assert!(parse("id,name,url\n").is_err());
        assert!(parse("id,name,url\na,A,b,extra\n").is_err());
    }

    #[test]
    fn ids_must_be_slugs() {
        assert!(is_valid_id("ne-lincolnshire"));
        assert!(!is_valid_id("../etc"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("Upper"));
    }
}
