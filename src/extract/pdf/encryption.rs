//! Why an encrypted PDF could not be opened, in words that name its scheme.
//!
//! plansift opens encrypted PDFs whose user password is empty (most "protected"
//! council PDFs only restrict printing or copying). The others fail for one of
//! three reasons, each with its own message: a security handler other than the
//! standard password one (certificates, DRM), a password needed to open the file,
//! or an encryption dictionary that is damaged or of a revision lopdf does not
//! implement.

use lopdf::encryption::DecryptionError;
use lopdf::{Dictionary, Object};

use super::objects::Objects;

/// The encryption scheme a PDF declares in its `/Encrypt` dictionary, for people:
/// "RC4 128-bit", "AES-128", "AES-256", or the handler's name.
pub fn scheme(doc: &lopdf::Document) -> String {
    let objects = Objects::new(doc, 0, 0);
    let Some(encrypt) = doc.trailer.get(b"Encrypt").ok().and_then(|o| objects.dict(o)) else {
        return "an unreadable encryption dictionary".into();
    };
    let integer = |key: &[u8]| match objects.get(encrypt, key) {
        Some(Object::Integer(i)) => Some(*i),
        _ => None,
    };
    let version = integer(b"V").unwrap_or(0);
    let revision = integer(b"R").map(|r| format!(" (revision {r})")).unwrap_or_default();
    match version {
        1 => format!("RC4 40-bit{revision}"),
        2 | 3 => format!("RC4 {}-bit{revision}", integer(b"Length").unwrap_or(40)),
        4 => match crypt_filter_method(&objects, encrypt).as_deref() {
            Some("AESV2") => format!("AES-128{revision}"),
            Some("V2") => format!("RC4 128-bit{revision}"),
            Some(other) => format!("crypt filter {other}{revision}"),
            None => format!("version 4{revision}"),
        },
        5 => format!("AES-256{revision}"),
        other => format!("version {other}{revision}"),
    }
}

/// The method (`/CFM`) of the standard crypt filter, for version-4 encryption.
fn crypt_filter_method(objects: &Objects, encrypt: &Dictionary) -> Option<String> {
    let filters = objects.get_dict(encrypt, b"CF")?;
    let name = match objects.get(encrypt, b"StmF") {
        Some(Object::Name(name)) => name.clone(),
        _ => b"StdCF".to_vec(),
    };
    match objects.get(objects.get_dict(filters, &name)?, b"CFM") {
        Some(Object::Name(method)) => Some(String::from_utf8_lossy(method).into_owned()),
        _ => None,
    }
}

/// The security handler a PDF names (`/Filter`), where it is not the standard
/// password handler.
fn other_handler(doc: &lopdf::Document) -> Option<String> {
    let objects = Objects::new(doc, 0, 0);
    let encrypt = doc.trailer.get(b"Encrypt").ok().and_then(|o| objects.dict(o))?;
    match objects.get(encrypt, b"Filter") {
        Some(Object::Name(name)) if name.as_slice() != b"Standard" => Some(String::from_utf8_lossy(name).into_owned()),
        _ => None,
    }
}

/// Why `doc` could not be decrypted with the empty password; `error` is lopdf's
/// reason where it gave one (none when it opened the file but left no page
/// readable, which is what a wrong password does to it).
pub fn failure(doc: &lopdf::Document, error: Option<&lopdf::Error>) -> String {
    if let Some(handler) = other_handler(doc) {
        return format!("the {handler} security handler (certificates or DRM), which plansift cannot open");
    }
    let scheme = scheme(doc);
    match error {
        None | Some(lopdf::Error::Decryption(DecryptionError::IncorrectPassword | DecryptionError::Padding)) => {
            format!("{scheme} and a password to open it; plansift reads only files that open without one")
        }
        Some(lopdf::Error::Decryption(
            DecryptionError::UnsupportedEncryption
            | DecryptionError::UnsupportedVersion
            | DecryptionError::UnsupportedRevision,
        )) => format!("{scheme}, which plansift cannot decrypt"),
        Some(lopdf::Error::Decryption(inner)) => format!("{scheme}, but the encryption is damaged: {inner}"),
        Some(other) => format!("{scheme}, but the encryption is damaged: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn encrypted(encrypt: Dictionary) -> lopdf::Document {
        let mut doc = lopdf::Document::with_version("1.6");
        let id = doc.add_object(encrypt);
        doc.trailer.set("Encrypt", id);
        doc
    }

    #[test]
    fn each_scheme_is_named() {
        let rc4 = encrypted(dictionary! { "Filter" => "Standard", "V" => 2, "R" => 3, "Length" => 128 });
        assert_eq!(scheme(&rc4), "RC4 128-bit (revision 3)");
        let aes128 = encrypted(dictionary! {
            "Filter" => "Standard", "V" => 4, "R" => 4,
            "CF" => dictionary! { "StdCF" => dictionary! { "CFM" => "AESV2" } }, "StmF" => "StdCF",
        });
        assert_eq!(scheme(&aes128), "AES-128 (revision 4)");
        let aes256 = encrypted(dictionary! { "Filter" => "Standard", "V" => 5, "R" => 6 });
        assert_eq!(scheme(&aes256), "AES-256 (revision 6)");
    }

    #[test]
    fn each_failure_has_its_own_message() {
        let aes256 = encrypted(dictionary! { "Filter" => "Standard", "V" => 5, "R" => 6 });
        let password = failure(&aes256, Some(&lopdf::Error::Decryption(DecryptionError::IncorrectPassword)));
        assert_eq!(
            password,
            "AES-256 (revision 6) and a password to open it; plansift reads only files that open without one"
        );
        assert_eq!(failure(&aes256, None), password);
        let damaged = failure(&aes256, Some(&lopdf::Error::Decryption(DecryptionError::MissingOwnerPassword)));
        assert!(damaged.ends_with("the encryption is damaged: missing the owner password (/O)"), "{damaged}");
        let unsupported = failure(&aes256, Some(&lopdf::Error::Decryption(DecryptionError::UnsupportedRevision)));
        assert!(unsupported.ends_with("which plansift cannot decrypt"), "{unsupported}");
        let certificate = encrypted(dictionary! { "Filter" => "Adobe.PubSec", "V" => 4 });
        assert!(failure(&certificate, None).contains("Adobe.PubSec security handler"));
    }
}
