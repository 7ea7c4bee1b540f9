//! The images sent with messages (schema 12): what they are on the message (`images`, JSON
//! without the bytes), their bytes once per SHA-256 in the `images` table.

use rusqlite::{Connection, OptionalExtension, params};

use crate::api::Image;

/// The message's `images` column: empty for none.
pub fn to_column(images: &[Image]) -> String {
    if images.is_empty() {
        String::new()
    } else {
        serde_json::to_string(images).unwrap_or_default()
    }
}

/// What a message's `images` column says (nothing, for a value that does not read back).
pub fn from_column(text: &str) -> Vec<Image> {
    if text.is_empty() {
        return Vec::new();
    }
    serde_json::from_str(text).unwrap_or_default()
}

/// Keeps the bytes of each image (once per hash).
pub fn save(conn: &Connection, images: &[Image]) -> rusqlite::Result<()> {
    for image in images.iter().filter(|i| !i.data.is_empty()) {
        conn.prepare_cached("INSERT OR IGNORE INTO images (hash, mime, data) VALUES (?1, ?2, ?3)")?
            .execute(params![image.hash, image.mime, image.data.as_slice()])?;
    }
    Ok(())
}

/// Gives each image its bytes; one whose bytes are gone keeps none (and is not sent).
pub fn fill(conn: &Connection, images: &mut [Image]) -> rusqlite::Result<()> {
    for image in images {
        let data: Option<Vec<u8>> = conn
            .prepare_cached("SELECT data FROM images WHERE hash = ?1")?
            .query_row([&image.hash], |r| r.get(0))
            .optional()?;
        image.data = std::sync::Arc::new(data.unwrap_or_default());
    }
    Ok(())
}
